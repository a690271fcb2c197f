use krea_proxy::{http, startup, Config};

/// glibc's allocator cost 14 % of the CPU time per forwarded request (README, Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 3's `mimalloc.h` (the sys crate names no constant
/// for it): how long memory freed stays with the process before it goes back to the system.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // mimalloc 3 keeps freed pages for a second, in each thread's heap, so the proxy's
    // resident memory was its peak of the last second on every thread, and crept up over a
    // long day (1.13–1.31× in the soak of `cargo xtask bench`, with a live heap of 3 MiB).
    // After 10 ms it stays flat (0.94×) at the same forwarding rate; at 0 ms (0.86×) the
    // rate at 64 connections fell by about 8 %.
    // SAFETY: sets one of mimalloc's options, which it reads whenever it purges.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10) };
    // Logs go to stderr; stdout carries only the lines that say where the proxy listens.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        // Colours only for a person watching, never into a log file.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "krea_proxy=info".into()),
        )
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(krea_proxy::receipt_secret::COMMAND) {
        match krea_proxy::receipt_secret::run(&args[1..]) {
            Ok(secret) => println!("{secret}"),
            Err(message) => {
                eprintln!("krea-proxy receipt-secret: {message}");
                std::process::exit(2);
            }
        }
        return;
    }
    let config = Config::from_env_and_args();
    // The proxy's background work and the first accept loop share this thread; each other
    // serving thread runs its own (`krea_proxy::serving`).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    if let Err(message) = runtime.block_on(run(config)) {
        eprintln!("krea-proxy: {message}");
        std::process::exit(1);
    }
}

async fn run(config: Config) -> Result<(), String> {
    // Fail before binding when the upstream cannot work (e.g. no token).
    startup::check_exposure(&config)?;
    let upstream = startup::upstream(&config)?;
    let describe = upstream.describe();
    let state = config
        .state
        .clone()
        .unwrap_or_else(|| startup::default_state(&config));
    let stores = krea_proxy::stores::Stores::from_flag(&state).await?;
    let kept = stores.kind.describe();
    let forgets_on_restart =
        matches!(stores.kind, krea_proxy::stores::StateKind::Memory) && !config.simulate;
    let router = http::router_with(&config, upstream, stores)?;
    let listeners = krea_proxy::serving::bind(config.listen, config.serving_threads())
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let address = listeners[0].local_addr().map_err(|e| e.to_string())?;
    println!(
        "krea-proxy listening on http://{address} (upstream: {})",
        describe
    );
    // On stderr with the logs: stdout says only where the proxy listens.
    tracing::info!("state: {kept}");
    if let Some(dir) = &config.serve {
        println!("serving the app from {}", dir.display());
    }
    if config.access_key.is_none() && config.access_keys.is_none() && !config.simulate {
        println!(
            "note: anyone who can reach this proxy spends your Krea balance; set {} to require a key",
            krea_proxy::config::ACCESS_KEY_ENV
        );
    }
    if forgets_on_restart {
        // In front of Krea a restart is where a retried idempotency key can make a second
        // billed job: only the file or Redis keeps the keys in flight across it.
        println!(
            "note: the state is in memory: a restart forgets idempotency keys, owners and \
             budgets, and a client's retry across it can make a second job; \
             --state file:PATH keeps them"
        );
    }
    krea_proxy::serve(listeners, router, config.serve_options())
        .await
        .map_err(|e| e.to_string())
}
