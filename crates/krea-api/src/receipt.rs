//! Receipts for embedders: what the proxy signs when an embedded visitor chooses an image, so
//! the embedding site's server can check where the image came from and what it cost without
//! asking the proxy.
//!
//! A receipt is `{"claims": "<JSON text>", "sig": "<hex>"}`: `sig` is the HMAC-SHA256 of the
//! exact bytes of `claims` under the site's secret (the text `krea-proxy receipt-secret --site
//! ORIGIN` prints, used as it is). Checking one is three lines in any language:
//!
//! ```text
//! expected = hex(hmac_sha256(key = SITE_SECRET, message = receipt.claims))
//! ok       = constant_time_equal(expected, receipt.sig)
//! claims   = json_parse(receipt.claims)   // then: claims.origin is your site, url in claims.urls
//! ```

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// What the proxy vouches for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReceiptClaims {
    /// The receipt format, 1.
    pub v: u32,
    pub job_id: String,
    /// Every image the job made.
    pub urls: Vec<String>,
    /// The job's catalogue price when it was submitted, in USD; `None` when the proxy could
    /// not price it (a model priced in compute units, without `--usd-per-compute-unit`).
    pub price_usd: Option<f64>,
    /// The site the visitor's studio was embedded in.
    pub origin: String,
    /// RFC 3339, UTC.
    pub issued_at: String,
}

/// A signed receipt, as `image:chosen` carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub claims: String,
    pub sig: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    #[error("the signature does not match: the receipt was changed, or is not for this secret")]
    BadSignature,
    #[error("the claims are not a receipt: {0}")]
    BadClaims(String),
}

fn mac(secret: &str, message: &[u8]) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(message);
    mac
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The secret of one embedding site, derived from the proxy's receipt secret: the site owner
/// holds theirs, and no site's secret tells another's.
pub fn site_secret(proxy_secret: &str, origin: &str) -> String {
    let message = format!("krea-proxy receipt secret for {origin}");
    hex(&mac(proxy_secret, message.as_bytes())
        .finalize()
        .into_bytes())
}

/// Signs `claims` with the site's secret.
pub fn sign(site_secret: &str, claims: &ReceiptClaims) -> Receipt {
    let claims = serde_json::to_string(claims).expect("claims are plain data");
    let sig = hex(&mac(site_secret, claims.as_bytes()).finalize().into_bytes());
    Receipt { claims, sig }
}

/// Checks a receipt with the site's secret (in constant time) and reads its claims.
pub fn verify(site_secret: &str, receipt: &Receipt) -> Result<ReceiptClaims, ReceiptError> {
    let sig = decode_hex(&receipt.sig).ok_or(ReceiptError::BadSignature)?;
    mac(site_secret, receipt.claims.as_bytes())
        .verify_slice(&sig)
        .map_err(|_| ReceiptError::BadSignature)?;
    serde_json::from_str(&receipt.claims).map_err(|e| ReceiptError::BadClaims(e.to_string()))
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(text.get(at..at + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> ReceiptClaims {
        ReceiptClaims {
            v: 1,
            job_id: "5f1c2e9a-0000-4000-8000-000000000001".to_owned(),
            urls: vec!["https://gen.krea.ai/images/a.png".to_owned()],
            price_usd: Some(0.03),
            origin: "https://blog.example".to_owned(),
            issued_at: "2026-12-04T15:00:00Z".to_owned(),
        }
    }

    #[test]
    fn a_receipt_verifies_with_its_site_s_secret_only() {
        let secret = site_secret(
            "the proxy's receipt secret, 32+ chars",
            "https://blog.example",
        );
        let receipt = sign(&secret, &claims());
        assert_eq!(verify(&secret, &receipt).unwrap(), claims());
        let other = site_secret(
            "the proxy's receipt secret, 32+ chars",
            "https://shop.example",
        );
        assert_ne!(secret, other);
        assert_eq!(verify(&other, &receipt), Err(ReceiptError::BadSignature));
    }

    #[test]
    fn every_changed_byte_fails() {
        let secret = site_secret(
            "the proxy's receipt secret, 32+ chars",
            "https://blog.example",
        );
        let receipt = sign(&secret, &claims());
        for at in 0..receipt.claims.len() {
            let mut bytes = receipt.claims.clone().into_bytes();
            bytes[at] ^= 0x01;
            let Ok(changed) = String::from_utf8(bytes) else {
                continue;
            };
            let forged = Receipt {
                claims: changed,
                sig: receipt.sig.clone(),
            };
            assert_eq!(
                verify(&secret, &forged),
                Err(ReceiptError::BadSignature),
                "byte {at}"
            );
        }
        let mut sig = receipt.sig.clone();
        sig.replace_range(0..1, if sig.starts_with('0') { "1" } else { "0" });
        let forged = Receipt {
            claims: receipt.claims.clone(),
            sig,
        };
        assert_eq!(verify(&secret, &forged), Err(ReceiptError::BadSignature));
    }
}
