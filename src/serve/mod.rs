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

/// `serve`'s own options (Zola's flags); the build's are in [`BuildOptions`].
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// `--interface`: the address to listen on.
    pub interface: String,
    /// `--port`.
    pub port: u16,
    /// `--open`: start `$BROWSER` with the site's address, else print it.
    pub open: bool,
    /// `--fast`: after a body edit rebuild only that page; no full build follows
    /// (listings, search and manifest stay as of the last full build).
    pub fast: bool,
    /// `--no-port-append`: use `--base-url` as given, without `:PORT`.
    pub no_port_append: bool,
}

/// The site's address while serving, as Zola `next` makes it: without `--base-url`, the
/// listening address; with it, that URL with `:PORT` added after the host unless
/// `--no-port-append`; always ending in `/` is left to the config (no trailing slash).
pub fn serve_base_url(
    base_url: Option<&str>,
    interface: &str,
    port: u16,
    no_port_append: bool,
) -> String {
    let Some(url) = base_url else {
        return format!("http://{interface}:{port}");
    };
    let url = url.trim().trim_end_matches('/');
    if url.is_empty() {
        return format!("http://{interface}:{port}");
    }
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (s, r),
        None => ("http", url),
    };
    let (host, path) = match rest.split_once('/') {
        Some((h, p)) => (h, format!("/{p}")),
        None => (rest, String::new()),
    };
    if no_port_append {
        format!("{scheme}://{host}{path}")
    } else {
        format!("{scheme}://{host}:{port}{path}")
    }
}

pub fn serve(opts: BuildOptions, so: &ServeOptions) -> Result<(), Diagnostic> {
    // An IPv6 address is written in brackets in addresses and URLs (`[::1]:1111`).
    let host = match so.interface.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(ip)) => format!("[{ip}]"),
        _ => so.interface.clone(),
    };
    let (interface, port) = (host.as_str(), so.port);
    let workdir = tempfile::Builder::new()
        .prefix("congkhai-serve-")
        .tempdir()
        .map_err(|e| Diagnostic::error(format!("không tạo được thư mục tạm: {e}")))?;
    let mut opts = opts;
    // `--output-dir`: serve builds there (with build's safety rules); else a temporary
    // folder, removed on exit.
    let out = match &opts.output_dir {
        Some(dir) => dir.clone(),
        None => workdir.path().join("site"),
    };
    opts.output_dir = Some(out.clone());
    opts.base_url = Some(serve_base_url(
        opts.base_url.as_deref(),
        interface,
        port,
        so.no_port_append,
    ));
    let (tx, _) = broadcast::channel(16);
    let state = Arc::new(ServeState {
        site: RwLock::new(out.clone()),
        error: RwLock::new(None),
        reload: tx,
    });
    // Watch before the first build, so an edit made while it runs is not missed.
    let (msg_tx, msg_rx) = std::sync::mpsc::channel();
    let config_file = opts.config_file_name();
    let watcher = start_watching(&opts.root, &config_file, msg_tx.clone(), msg_rx);
    let mut rebuilder = Rebuilder::new(opts, out, state.clone(), msg_tx);
    rebuilder.fast_only = so.fast;
    rebuilder.full();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error(format!("không khởi động được máy chủ: {e}")))?;
    if let Some(watcher) = watcher {
        std::thread::spawn(move || watch(rebuilder, watcher));
    }

    let open = so.open;
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
        if open {
            open_browser(&format!("http://{addr}/"));
        }
        accept_loop(listener, app, Limits::from_env()).await;
        Ok(())
    })
}

/// `serve --open`: the browser named by `$BROWSER` (the usual convention on Unix, a
/// command possibly with arguments), else only the address, printed. Hand-written rather
/// than the `open` crate Zola uses: a test, CI or a ward's server must never start a
/// desktop browser, and `$BROWSER` lets a test check what would be opened.
fn open_browser(url: &str) {
    let browser = std::env::var("BROWSER").unwrap_or_default();
    // `$BROWSER` may list alternatives separated by `:`; the first one is used.
    let first = browser.split(':').next().unwrap_or_default();
    let mut words = first.split_whitespace();
    match words.next() {
        Some(program) => {
            let started = std::process::Command::new(program)
                .args(words)
                .arg(url)
                .stdin(std::process::Stdio::null())
                .spawn();
            if let Err(e) = started {
                eprintln!(
                    "không mở được trình duyệt \u{201c}{program}\u{201d} ($BROWSER): {e}; hãy tự mở {url}"
                );
            }
        }
        None => eprintln!(
            "Mở địa chỉ này trong trình duyệt: {url} (đặt biến môi trường BROWSER để --open tự mở)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::serve_base_url;

    #[test]
    fn base_url_while_serving_as_zola() {
        for (given, no_append, want) in [
            (None, false, "http://127.0.0.1:1111"),
            (None, true, "http://127.0.0.1:1111"),
            (
                Some("https://xa.example.vn"),
                false,
                "https://xa.example.vn:1111",
            ),
            (
                Some("https://xa.example.vn/"),
                true,
                "https://xa.example.vn",
            ),
            (
                Some("xa.example.vn/cong"),
                false,
                "http://xa.example.vn:1111/cong",
            ),
            (Some("http://10.0.0.5/cong/"), true, "http://10.0.0.5/cong"),
            (Some("  "), false, "http://127.0.0.1:1111"),
        ] {
            assert_eq!(
                serve_base_url(given, "127.0.0.1", 1111, no_append),
                want,
                "{given:?} {no_append}"
            );
        }
    }
}
