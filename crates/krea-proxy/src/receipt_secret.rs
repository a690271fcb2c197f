//! `krea-proxy receipt-secret --site ORIGIN`: prints the secret an embedding site's server
//! checks its receipts with, derived from `KREA_PROXY_RECEIPT_SECRET` (read from the
//! environment, as the proxy reads it), so the operator hands each site only its own.

use crate::config::RECEIPT_SECRET_ENV;
use crate::secret::Secret;
use clap::Parser;

/// The subcommand's name, as the first argument.
pub const COMMAND: &str = "receipt-secret";

#[derive(Debug, Parser)]
#[command(
    name = "krea-proxy receipt-secret",
    about = "Prints the secret an embedding site checks its receipts with"
)]
struct Args {
    /// The site, as given to --allow-embed: https://blog.example
    #[arg(long)]
    site: String,
}

/// The site's secret for `args` (what follows `receipt-secret`), or why there is none.
pub fn run(args: &[String]) -> Result<String, String> {
    let args =
        Args::try_parse_from(std::iter::once(COMMAND.to_owned()).chain(args.iter().cloned()))
            .map_err(|e| e.to_string())?;
    let site = crate::site::embed_sites::parse_all(std::slice::from_ref(&args.site))?
        .remove(0)
        .origin;
    let mut config = crate::Config::simulated(0);
    config.receipt_secret = Secret::from_env(RECEIPT_SECRET_ENV);
    let secret = config
        .checked_receipt_secret()?
        .ok_or_else(|| format!("set {RECEIPT_SECRET_ENV} (32+ characters) as the proxy has it"))?;
    Ok(krea_api::receipt::site_secret(secret.expose(), &site))
}
