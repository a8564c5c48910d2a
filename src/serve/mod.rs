//! `congkhai serve`: build into a temporary directory, serve it on localhost, rebuild
//! when a file changes, and reload open browser tabs (Server-Sent Events).
//!
//! A failed build (the first one too) is shown in the terminal, and every page serve
//! answers is then an error page listing each problem by file ([`error_page`], HTTP
//! 500) that reloads by itself once the files are fixed; the last good build is kept
//! for its other files (styles, downloads).
//!
//! [`http`] answers the browser, [`watch`] turns file events into rebuilds, [`rebuild`]
//! runs full builds and the single-page fast path, [`plan`] decides which one (pure).

mod error_page;
mod http;
mod plan;
mod rebuild;
mod watch;

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use axum::Router;
use tokio::sync::broadcast;

use crate::diagnostics::Diagnostic;
use crate::pipeline::BuildOptions;
use http::{AllowedHosts, Limits, RELOAD_PATH, accept_loop, check_host, events, static_file};
use rebuild::Rebuilder;
use watch::{start_watching, watch};

struct ServeState {
    /// The directory holding the last good build.
    site: RwLock<PathBuf>,
    /// The last build error, shown on every page until a build succeeds: the
    /// terminal text and the error page.
    error: RwLock<Option<BuildError>>,
    reload: broadcast::Sender<()>,
}

/// A failed build as serve shows it.
struct BuildError {
    /// The whole error page ([`error_page::error_page`]).
    page: String,
}

pub fn serve(opts: BuildOptions, interface: &str, port: u16) -> Result<(), Diagnostic> {
    let workdir = tempfile::Builder::new()
        .prefix("congkhai-serve-")
        .tempdir()
        .map_err(|e| Diagnostic::error(format!("không tạo được thư mục tạm: {e}")))?;
    let out = workdir.path().join("site");
    let mut opts = opts;
    opts.output_dir = Some(out.clone());
    if opts.base_url.is_none() {
        opts.base_url = Some(format!("http://{interface}:{port}"));
    }
    let (tx, _) = broadcast::channel(16);
    let state = Arc::new(ServeState {
        site: RwLock::new(out.clone()),
        error: RwLock::new(None),
        reload: tx,
    });
    // Watch before the first build, so an edit made while it runs is not missed.
    let (msg_tx, msg_rx) = std::sync::mpsc::channel();
    let watcher = start_watching(&opts.root, msg_tx.clone(), msg_rx);
    let mut rebuilder = Rebuilder::new(opts, out, state.clone(), msg_tx);
    rebuilder.full();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error(format!("không khởi động được máy chủ: {e}")))?;
    if let Some(watcher) = watcher {
        std::thread::spawn(move || watch(rebuilder, watcher));
    }

    runtime.block_on(async move {
        let allowed = Arc::new(AllowedHosts::new(interface, port));
        let app = Router::new()
            .route(RELOAD_PATH, axum::routing::get(events))
            .fallback(static_file)
            .with_state(state)
            .layer(axum::middleware::from_fn_with_state(allowed, check_host));
        let addr = format!("{interface}:{port}");
        let listener = tokio::net::TcpListener::bind(&addr).await.map_err(|e| {
            Diagnostic::error(format!("không mở được cổng {addr}: {e}"))
                .hint("cổng đang bận? thử --port 1112")
        })?;
        eprintln!("Đang phục vụ tại http://{addr}/ (Ctrl+C để dừng)");
        accept_loop(listener, app, Limits::from_env()).await;
        Ok(())
    })
}
