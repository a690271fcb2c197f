//! Faults the simulator can inject into its job routes, the way a flaky network and a busy
//! Krea would: server errors, rate limits, slow answers, connections that break before or
//! after the request was handled, and bodies that are not the JSON they claim to be.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// A 500, 502 or 503 before the request is handled.
    ServerError,
    /// A 429 with `Retry-After`, before the request is handled.
    RateLimited,
    /// One to four seconds before the request is handled.
    Latency,
    /// The connection breaks before the request is handled.
    DropBefore,
    /// The request is handled (a job may be made), then the connection breaks.
    DropAfter,
    /// The request is handled, and the answer is not JSON.
    Malformed,
    /// The request is handled, and the answer stops halfway.
    Truncated,
}

impl FaultKind {
    pub const ALL: [FaultKind; 7] = [
        FaultKind::ServerError,
        FaultKind::RateLimited,
        FaultKind::Latency,
        FaultKind::DropBefore,
        FaultKind::DropAfter,
        FaultKind::Malformed,
        FaultKind::Truncated,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FaultKind::ServerError => "5xx",
            FaultKind::RateLimited => "429",
            FaultKind::Latency => "latency",
            FaultKind::DropBefore => "drop-before",
            FaultKind::DropAfter => "drop-after",
            FaultKind::Malformed => "malformed",
            FaultKind::Truncated => "truncated",
        }
    }

    /// For `--sim-faults`: one name, as [`FaultKind::name`] spells it.
    pub fn parse(name: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.name() == name.trim())
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|k| k.name()).collect();
                format!("unknown fault '{name}'; faults are {}", names.join(", "))
            })
    }
}

/// Which faults, and how often.
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Share of requests that meet a fault, 0 to 1.
    pub rate: f64,
    pub kinds: Vec<FaultKind>,
}

impl Faults {
    pub fn none() -> Self {
        Faults {
            rate: 0.0,
            kinds: Vec::new(),
        }
    }

    fn pick(&self) -> Option<FaultKind> {
        if self.kinds.is_empty() || fastrand::f64() >= self.rate {
            return None;
        }
        Some(self.kinds[fastrand::usize(..self.kinds.len())])
    }
}

/// Middleware: maybe a fault, else the request as usual.
pub async fn inject(State(faults): State<Arc<Faults>>, request: Request, next: Next) -> Response {
    let Some(fault) = faults.pick() else {
        return next.run(request).await;
    };
    tracing::debug!(fault = fault.name(), path = %request.uri().path(), "simulated fault");
    match fault {
        FaultKind::ServerError => {
            let status = [
                StatusCode::INTERNAL_SERVER_ERROR,
                StatusCode::BAD_GATEWAY,
                StatusCode::SERVICE_UNAVAILABLE,
            ][fastrand::usize(..3)];
            super::krea_error(status, "Simulated server error")
        }
        FaultKind::RateLimited => {
            let mut response = super::krea_error(
                StatusCode::TOO_MANY_REQUESTS,
                "Simulated rate limit: maximum number of concurrent jobs reached",
            );
            let seconds = fastrand::u8(1..=3).to_string();
            if let Ok(value) = HeaderValue::from_str(&seconds) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        FaultKind::Latency => {
            tokio::time::sleep(Duration::from_millis(fastrand::u64(1000..=4000))).await;
            next.run(request).await
        }
        FaultKind::DropBefore => broken(),
        FaultKind::DropAfter => {
            next.run(request).await;
            broken()
        }
        FaultKind::Malformed => {
            let handled = next.run(request).await;
            let (parts, _) = handled.into_parts();
            let mut response = Response::from_parts(
                parts,
                Body::from("<html><body>502 Bad Gateway</body></html>"),
            );
            response.headers_mut().remove(header::CONTENT_LENGTH);
            response
        }
        FaultKind::Truncated => {
            let handled = next.run(request).await;
            let (mut parts, body) = handled.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let half = bytes.slice(..bytes.len() / 2);
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(half))
        }
    }
}

/// A response whose body fails: the server closes the connection without a whole answer.
fn broken() -> Response {
    let chunks: [Result<Bytes, std::io::Error>; 1] =
        [Err(std::io::Error::other("simulated broken connection"))];
    Response::new(Body::from_stream(futures_util::stream::iter(chunks)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_names_read_back() {
        for kind in FaultKind::ALL {
            assert_eq!(FaultKind::parse(kind.name()), Ok(kind));
        }
        assert!(FaultKind::parse("gremlins").is_err());
    }

    #[test]
    fn the_rate_is_about_right() {
        let faults = Faults {
            rate: 0.2,
            kinds: FaultKind::ALL.to_vec(),
        };
        let hits = (0..10_000).filter(|_| faults.pick().is_some()).count();
        assert!((1500..2500).contains(&hits), "{hits}");
        assert_eq!(Faults::none().pick(), None);
    }
}
