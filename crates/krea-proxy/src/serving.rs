//! How connections are accepted and held. Each serving thread runs its own accept loop on
//! its own single-threaded runtime and its own listening socket (`SO_REUSEPORT`: the kernel
//! spreads new connections between them), so a request, its upstream call and its answer
//! stay on one thread. On tokio's shared multi-threaded runtime a forwarded request woke
//! other threads several times, and those wakeups cost more than the work (README,
//! Performance: the proxy's forwarding profile).

use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tower::ServiceExt;

/// How connections are held: what a proxy on the internet needs against slow or idle
/// clients and floods of connections.
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    /// A connection that has not sent a whole request head by then is closed (this also
    /// closes a kept-alive connection that sends nothing more).
    pub header_read_timeout: Duration,
    /// Connections held at once, over all serving threads; more are closed as soon as they
    /// are accepted.
    pub max_connections: usize,
    /// On SIGTERM or Ctrl-C, how long requests under way may take to finish.
    pub drain: Duration,
}

/// `count` listening sockets on one address (its port chosen once when `address` asks for
/// port 0), sharing it through `SO_REUSEPORT`.
pub fn bind(address: SocketAddr, count: usize) -> std::io::Result<Vec<std::net::TcpListener>> {
    let first = reusable_listener(address)?;
    let address = first.local_addr()?;
    let mut listeners = vec![first];
    for _ in 1..count.max(1) {
        listeners.push(reusable_listener(address)?);
    }
    Ok(listeners)
}

fn reusable_listener(address: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(address), Type::STREAM, None)?;
    // As tokio's own `TcpListener::bind`: a restart may bind while old connections linger.
    socket.set_reuse_address(true)?;
    socket.set_reuse_port(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&address.into())?;
    socket.listen(1024)?;
    Ok(socket.into())
}

/// Serves `router` on every listener until SIGINT (Ctrl-C) or SIGTERM (`systemctl stop`,
/// `docker stop`): the first listener on the calling runtime (which also drives the
/// proxy's background work), each other one on a thread of its own. On a signal every loop
/// stops accepting and lets requests under way finish (for at most `drain`), so a generate
/// request Krea has accepted still gets its answer to the caller.
pub async fn serve(
    listeners: Vec<std::net::TcpListener>,
    router: axum::Router,
    options: ServeOptions,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(options.max_connections));
    let (stop, stopped) = watch::channel(false);
    let mut listeners = listeners.into_iter();
    let Some(first) = listeners.next() else {
        return Ok(());
    };
    let mut threads = Vec::new();
    for (index, listener) in listeners.enumerate() {
        let (router, slots, stopped) = (router.clone(), Arc::clone(&slots), stopped.clone());
        let thread = std::thread::Builder::new()
            .name(format!("krea-proxy-serve-{}", index + 1))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                runtime.block_on(async move {
                    let listener = TcpListener::from_std(listener)?;
                    accept_loop(listener, router, options, slots, stopped).await;
                    Ok::<(), std::io::Error>(())
                })
            })?;
        threads.push(thread);
    }
    let first = TcpListener::from_std(first)?;
    let signal = tokio::spawn(async move {
        stop_signal().await;
        tracing::info!("stopping: finishing the requests under way");
        let _ = stop.send(true);
    });
    accept_loop(first, router, options, slots, stopped).await;
    signal.abort();
    for thread in threads {
        // The other loops drain within the same `drain`; wait for them off this runtime.
        let _ = tokio::task::spawn_blocking(move || thread.join()).await;
    }
    Ok(())
}

/// One thread's accept loop: until `stopped` turns true, then a drain of its connections.
async fn accept_loop(
    listener: TcpListener,
    router: axum::Router,
    options: ServeOptions,
    slots: Arc<Semaphore>,
    mut stopped: watch::Receiver<bool>,
) {
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout)
        // A request head of more than 64 KiB or 100 headers is no API call: 431.
        .max_buf_size(64 * 1024)
        .max_headers(100)
        .keep_alive(true);
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
            _ = stopped.wait_for(|stop| *stop) => break,
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
    if tokio::time::timeout(options.drain, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "requests were still under way after {:?}; stopping anyway",
            options.drain
        );
    }
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
