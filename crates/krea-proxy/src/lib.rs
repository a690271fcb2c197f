//! `krea-proxy`: the reference proxy between Krea Studio (or any Krea client) and Krea's API.
//!
//! It keeps Krea's paths unchanged at its root, so its URL replaces `https://api.krea.ai`
//! one for one. It forwards only the job routes, injects the operator's token, drops the
//! caller's credentials, and can serve the built app from the same origin. With
//! `--simulate` the upstream is a built-in simulator of the Krea API.

pub mod callers;
pub mod config;
pub mod error;
pub mod http;
pub mod idempotency;
pub mod image_kind;
pub mod krea_routes;
pub mod limits;
pub mod ownership;
pub mod push;
pub mod secret;
pub mod simulator;
pub mod site;
pub mod startup;
pub mod state;
pub mod stores;
pub mod uploads;
pub mod upstream;

pub use config::Config;

use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// How connections are held: what a proxy on the internet needs against slow or idle
/// clients and floods of connections.
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    /// A connection that has not sent a whole request head by then is closed (this also
    /// closes a kept-alive connection that sends nothing more).
    pub header_read_timeout: Duration,
    /// Connections held at once; more are closed as soon as they are accepted.
    pub max_connections: usize,
    /// On SIGTERM or Ctrl-C, how long requests under way may take to finish.
    pub drain: Duration,
}

/// Serves `router` on `listener` until SIGINT (Ctrl-C) or SIGTERM (`systemctl stop`,
/// `docker stop`): then it stops accepting and lets requests under way finish (for at most
/// `drain`), so a generate request Krea has accepted still gets its answer to the caller.
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    options: ServeOptions,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(options.max_connections));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout)
        // A request head of more than 64 KiB or 100 headers is no API call: 431.
        .max_buf_size(64 * 1024)
        .max_headers(100)
        .keep_alive(true);
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors and the like: wait a moment, keep serving.
                Err(error) => {
                    tracing::warn!("accept failed: {error}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            tracing::warn!("connection limit reached: closing a new connection");
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = router
            .clone()
            .map_request(move |mut request: axum::extract::Request<_>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    tracing::info!("stopping: finishing the requests under way");
    if tokio::time::timeout(options.drain, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "requests were still under way after {:?}; stopping anyway",
            options.drain
        );
    }
    Ok(())
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
