//! `krea-proxy`: the reference proxy between Krea Studio (or any Krea client) and Krea's API.
//!
//! It keeps Krea's paths unchanged at its root, so its URL replaces `https://api.krea.ai`
//! one for one. It forwards only the job routes, injects the operator's token, drops the
//! caller's credentials, and can serve the built app from the same origin. With
//! `--simulate` the upstream is a built-in simulator of the Krea API.

pub mod access_log;
pub mod admission;
pub mod app;
pub mod callers;
pub mod charges;
pub mod config;
pub mod error_response;
pub mod health;
pub mod idempotency;
pub mod limits;
pub mod owned_jobs;
pub mod ownership;
pub mod route_table;
pub mod serve_headers;
pub mod simulator;
pub mod static_files;
pub mod submit;
pub mod upstream;

pub use config::Config;

use tokio::net::TcpListener;

/// Serves `router` on `listener` until SIGINT (Ctrl-C) or SIGTERM (`systemctl stop`,
/// `docker stop`): then it stops accepting and lets requests under way finish, so a
/// generate request Krea has accepted still gets its answer to the caller.
pub async fn serve(listener: TcpListener, router: axum::Router) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(stop_signal())
        .await
}

async fn stop_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
}
