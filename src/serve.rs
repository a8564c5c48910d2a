//! `congkhai serve`: build into a temporary directory, serve it on localhost, rebuild
//! when a file changes, and reload open browser tabs (Server-Sent Events).
//!
//! A failed rebuild keeps the last good site served and shows the error both in the
//! terminal and as a banner on every served page.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response, Sse, sse::Event};
use futures_util::stream::Stream;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::site::{self, BuildOptions};

const RELOAD_PATH: &str = "/__congkhai/events";

/// Injected before `</body>` of every served HTML page (never into built output).
const RELOAD_SCRIPT: &str = "<script>(function(){var s=new EventSource('/__congkhai/events');\
s.onmessage=function(){location.reload();};})();</script>";

struct ServeState {
    /// The directory holding the last good build.
    site: RwLock<PathBuf>,
    /// The last build error, shown on every page until a build succeeds.
    error: RwLock<Option<String>>,
    reload: broadcast::Sender<()>,
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
    rebuild(&opts, &state);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error(format!("không khởi động được máy chủ: {e}")))?;
    let watcher_state = state.clone();
    let watch_opts = opts.clone();
    std::thread::spawn(move || watch(watch_opts, watcher_state));

    runtime.block_on(async move {
        let app = Router::new()
            .route(RELOAD_PATH, axum::routing::get(events))
            .fallback(static_file)
            .with_state(state);
        let addr = format!("{interface}:{port}");
        let listener = tokio::net::TcpListener::bind(&addr).await.map_err(|e| {
            Diagnostic::error(format!("không mở được cổng {addr}: {e}"))
                .hint("cổng đang bận? thử --port 1112")
        })?;
        eprintln!("Đang phục vụ tại http://{addr}/ (Ctrl+C để dừng)");
        axum::serve(listener, app)
            .await
            .map_err(|e| Diagnostic::error(format!("máy chủ dừng do lỗi: {e}")))
    })
}

fn rebuild(opts: &BuildOptions, state: &ServeState) {
    let started = std::time::Instant::now();
    match site::build(opts) {
        Ok(s) => {
            for w in s.warnings.iter() {
                eprintln!("{w}");
            }
            eprintln!(
                "Đã tạo lại trang: {} trang ({} ms)",
                s.pages,
                started.elapsed().as_millis()
            );
            if let Ok(mut e) = state.error.write() {
                *e = None;
            }
        }
        Err(diags) => {
            let text = render_errors(&diags);
            eprintln!("{text}\nVẫn đang phục vụ bản tạo thành công gần nhất.");
            if let Ok(mut e) = state.error.write() {
                *e = Some(text);
            }
        }
    }
    let _ = state.reload.send(());
}

fn render_errors(diags: &Diagnostics) -> String {
    diags
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn watch(opts: BuildOptions, state: Arc<ServeState>) {
    use notify::RecursiveMode;
    use notify_debouncer_full::new_debouncer;
    let (tx, rx) = std::sync::mpsc::channel();
    let Ok(mut debouncer) = new_debouncer(Duration::from_millis(150), None, tx) else {
        eprintln!(
            "cảnh báo: không theo dõi được thay đổi tệp; hãy khởi động lại serve sau khi sửa"
        );
        return;
    };
    for name in [
        "content",
        "data",
        "templates",
        "themes",
        "static",
        "config.toml",
    ] {
        let p = opts.root.join(name);
        if p.exists() {
            let _ = debouncer.watch(&p, RecursiveMode::Recursive);
        }
    }
    let output_dir = opts.output_dir.clone().unwrap_or_default();
    while let Ok(result) = rx.recv() {
        let Ok(events) = result else { continue };
        let relevant = events
            .iter()
            .any(|e| e.paths.iter().any(|p| is_source(p, &output_dir)));
        if relevant {
            rebuild(&opts, &state);
        }
    }
}

fn is_source(p: &Path, output: &Path) -> bool {
    if p.starts_with(output) {
        return false;
    }
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    !(name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp"))
}

async fn events(
    State(state): State<Arc<ServeState>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream =
        BroadcastStream::new(state.reload.subscribe()).map(|_| Ok(Event::default().data("reload")));
    Sse::new(stream).keep_alive(axum::response::sse::KeepAlive::default())
}

async fn static_file(State(state): State<Arc<ServeState>>, req: Request<Body>) -> Response {
    let root = state.site.read().map(|p| p.clone()).unwrap_or_default();
    let path = percent_decode(req.uri().path());
    let rel = path.trim_start_matches('/');
    if rel.split('/').any(|c| c == "..") {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let mut file = root.join(rel);
    if file.is_dir() {
        if !path.ends_with('/') {
            let mut r = StatusCode::PERMANENT_REDIRECT.into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("{path}/")) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            return r;
        }
        file = file.join("index.html");
    }
    let (status, file) = if file.is_file() {
        (StatusCode::OK, file)
    } else {
        (StatusCode::NOT_FOUND, root.join("404.html"))
    };
    let Ok(bytes) = tokio::fs::read(&file).await else {
        return (StatusCode::NOT_FOUND, "Không tìm thấy trang").into_response();
    };
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let body = if ext == "html" {
        let error = state.error.read().ok().and_then(|e| e.clone());
        inject(&String::from_utf8_lossy(&bytes), error.as_deref()).into_bytes()
    } else {
        bytes
    };
    let mut r = (status, body).into_response();
    if let Ok(v) = HeaderValue::from_str(content_type(&ext)) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Add the reload script, and the build error (if any) as a fixed panel.
fn inject(html: &str, error: Option<&str>) -> String {
    let mut extra = String::from(RELOAD_SCRIPT);
    if let Some(e) = error {
        extra.push_str(
            "<div role=\"alert\" style=\"position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;\
             background:#a1000e;color:#fff;padding:1em;font:16px/1.5 monospace;white-space:pre-wrap;z-index:9999\">\
             <strong>LỖI KHI TẠO TRANG — đang hiển thị bản thành công gần nhất</strong>\n",
        );
        extra.push_str(&crate::text::escape_html(e));
        extra.push_str("</div>");
    }
    match html.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &html[..i], &html[i..]),
        None => format!("{html}{extra}"),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            )
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn content_type(ext: &str) -> &'static str {
    match ext {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inject_puts_script_before_body_end_and_escapes_errors() {
        let out = inject("<html><body><p>x</p></body></html>", Some("<lỗi>"));
        assert!(out.contains("EventSource"));
        assert!(out.contains("&lt;lỗi&gt;"));
        assert!(out.ends_with("</body></html>"));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("/t%C3%ACm/"), "/tìm/");
        assert_eq!(percent_decode("/a%2"), "/a%2");
    }
}
