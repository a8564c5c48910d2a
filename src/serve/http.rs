//! The preview's HTTP side: the accept loop with its limits, the `Host` check against
//! DNS rebinding, static files from the last good build (with the reload script injected
//! into HTML; while the last build failed, the error page instead of every page), and
//! the reload event stream.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response, Sse, sse::Event};
use futures_util::stream::Stream;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use super::ServeState;

pub(super) const RELOAD_PATH: &str = "/__congkhai/events";

/// Injected before `</body>` of every served HTML page (never into built output).
pub(super) const RELOAD_SCRIPT: &str = "<script>(function(){var s=new EventSource('/__congkhai/events');\
s.onmessage=function(){location.reload();};})();</script>";

/// Limits of the preview server against slow or idle clients (slowloris) and floods.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    /// Time a client has to send a request's complete header; the same bound applies
    /// while an idle keep-alive connection waits for its next request.
    header_read: Duration,
    /// Connections served at once; more are closed at once.
    max_connections: usize,
}

impl Limits {
    const HEADER_READ: Duration = Duration::from_secs(10);
    const MAX_CONNECTIONS: usize = 256;

    /// The defaults; `CONGKHAI_SERVE_HEADER_TIMEOUT_MS` (hidden, for tests) shortens
    /// the header timeout.
    pub(super) fn from_env() -> Limits {
        let header_read = std::env::var("CONGKHAI_SERVE_HEADER_TIMEOUT_MS")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|ms| *ms > 0)
            .map_or(Self::HEADER_READ, Duration::from_millis);
        Limits {
            header_read,
            max_connections: Self::MAX_CONNECTIONS,
        }
    }
}

/// Accept connections and serve each with HTTP/1.1 under `limits`. `axum::serve` has no
/// header-read timeout, so connections are served with hyper's builder directly.
pub(super) async fn accept_loop(listener: tokio::net::TcpListener, app: Router, limits: Limits) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;

    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors and the like: wait a little instead of spinning.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read)
                .max_buf_size(64 * 1024)
                .keep_alive(true);
            // Errors are a client's business (reset, timeout): nothing to report.
            let _ = builder
                .serve_connection(TokioIo::new(stream), service)
                .await;
            drop(slot);
        });
    }
}

/// The `Host` values the preview answers to: the bound interface, `localhost`,
/// `127.0.0.1` and `[::1]`, each with the port or without one. Any other name is refused
/// (421): a page on another site that rebinds its DNS name to 127.0.0.1 (DNS
/// rebinding) would otherwise read the staff preview of `serve --drafts`.
pub(super) struct AllowedHosts {
    names: Vec<String>,
    port: u16,
    /// Bound to 0.0.0.0 or [::]: any IP address literal is the server itself (a name,
    /// which rebinding needs, still is not).
    any_ip: bool,
}

impl AllowedHosts {
    pub(super) fn new(interface: &str, port: u16) -> AllowedHosts {
        let bare = interface.trim_start_matches('[').trim_end_matches(']');
        let mut names = vec![
            "localhost".to_string(),
            "127.0.0.1".to_string(),
            "::1".to_string(),
            bare.to_ascii_lowercase(),
        ];
        names.dedup();
        let any_ip = bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_unspecified());
        AllowedHosts {
            names,
            port,
            any_ip,
        }
    }

    /// Whether a `Host` header value is one of ours.
    fn allows(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let (name, port) = split_host_port(&host);
        let port_ok = match port {
            None => true,
            Some(p) => p.parse::<u16>().is_ok_and(|p| p == self.port),
        };
        if !port_ok || name.is_empty() {
            return false;
        }
        let name = name.trim_end_matches('.');
        self.names.iter().any(|n| n == name)
            || (self.any_ip && name.parse::<std::net::IpAddr>().is_ok())
    }
}

/// `host:port`, `[v6]:port`, `host`, `[v6]` → (host without brackets, port).
fn split_host_port(host: &str) -> (&str, Option<&str>) {
    if let Some(rest) = host.strip_prefix('[') {
        return match rest.split_once(']') {
            Some((name, "")) => (name, None),
            Some((name, tail)) => match tail.strip_prefix(':') {
                Some(p) => (name, Some(p)),
                None => ("", None),
            },
            None => ("", None),
        };
    }
    match host.split_once(':') {
        Some((name, p)) => (name, Some(p)),
        None => (host, None),
    }
}

pub(super) async fn check_host(
    State(allowed): State<Arc<AllowedHosts>>,
    req: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()));
    if host.is_some_and(|h| allowed.allows(h)) {
        return next.run(req).await;
    }
    let mut r = (
        StatusCode::MISDIRECTED_REQUEST,
        "Máy chủ xem trước chỉ trả lời địa chỉ localhost hoặc 127.0.0.1 (tên miền Host không hợp lệ).\n",
    )
        .into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

pub(super) async fn events(
    State(state): State<Arc<ServeState>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream =
        BroadcastStream::new(state.reload.subscribe()).map(|_| Ok(Event::default().data("reload")));
    Sse::new(stream).keep_alive(axum::response::sse::KeepAlive::default())
}

pub(super) async fn static_file(
    State(state): State<Arc<ServeState>>,
    req: Request<Body>,
) -> Response {
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
    let found = file.is_file();
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    // The last build failed: every page (and every address without a file) is the
    // error page, HTTP 500 (see error_page.rs for why not 200).
    if !found || ext == "html" || ext == "htm" {
        let page = state
            .error
            .read()
            .ok()
            .and_then(|e| e.as_ref().map(|e| e.page.clone()));
        if let Some(page) = page {
            let mut r = (StatusCode::INTERNAL_SERVER_ERROR, page).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            return r;
        }
    }
    let (status, file) = if found {
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
        inject(&String::from_utf8_lossy(&bytes)).into_bytes()
    } else {
        bytes
    };
    let mut r = (status, body).into_response();
    if let Ok(v) = HeaderValue::from_str(&crate::media::content_type(&ext)) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Add the reload script before `</body>`.
fn inject(html: &str) -> String {
    let extra = RELOAD_SCRIPT;
    match html.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &html[..i], &html[i..]),
        None => format!("{html}{extra}"),
    }
}

/// `%XX` sequences decoded (malformed ones kept as written), invalid UTF-8 replaced.
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inject_puts_script_before_body_end() {
        let out = inject("<html><body><p>x</p></body></html>");
        assert!(out.contains("EventSource"));
        assert!(out.ends_with("</script></body></html>"));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("/t%C3%ACm/"), "/tìm/");
        assert_eq!(percent_decode("/a%2"), "/a%2");
    }

    #[test]
    fn host_header_table() {
        let local = AllowedHosts::new("127.0.0.1", 1111);
        let cases = [
            ("127.0.0.1:1111", true),
            ("127.0.0.1", true),
            ("localhost:1111", true),
            ("LOCALHOST:1111", true),
            ("localhost.:1111", true),
            ("[::1]:1111", true),
            ("[::1]", true),
            ("127.0.0.1:1112", false),
            ("localhost:80", false),
            ("evil.example:1111", false),
            ("localhost.evil.example:1111", false),
            ("127.0.0.1.nip.io:1111", false),
            ("10.0.0.5:1111", false),
            ("", false),
            (":1111", false),
            ("[::1", false),
            ("[::1]x", false),
            ("localhost:1111:1111", false),
            ("localhost:abc", false),
        ];
        for (host, want) in cases {
            assert_eq!(local.allows(host), want, "{host}");
        }
        let any = AllowedHosts::new("0.0.0.0", 8080);
        assert!(any.allows("192.168.1.20:8080"));
        assert!(any.allows("[fe80::1]:8080"));
        assert!(!any.allows("rebind.evil.example:8080"));
        assert!(!any.allows("192.168.1.20:8081"));
    }
}
