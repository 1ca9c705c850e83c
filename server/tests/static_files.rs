//! The relay serving the built app over a real socket on 127.0.0.1:0:
//! precompressed assets, cache headers, the SPA fallback and /healthz.

use std::{path::Path, time::Duration};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::oneshot,
};

const HASHED_JS: &str = "app-0123456789abcdef.js";

struct Relay {
    addr: std::net::SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

impl Relay {
    async fn start() -> Self {
        let dist = tempfile::tempdir().unwrap();
        write_dist(dist.path());
        let data = tempfile::tempdir().unwrap();
        let state = linli_server::serve::state(data.path(), dist.path().to_owned()).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(linli_server::serve::run(
            listener,
            linli_server::app(state),
            None,
            async move {
                let _ = rx.await;
            },
        ));
        Relay {
            addr,
            stop: Some(tx),
            task: Some(task),
            _dirs: (dist, data),
        }
    }

    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        let mut stream = TcpStream::connect(self.addr).await.unwrap();
        let mut req = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        stream.write_all(req.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut raw))
            .await
            .expect("response within 10 s")
            .unwrap();
        Response::parse(&raw)
    }

    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        let result = tokio::time::timeout(Duration::from_secs(10), self.task.take().unwrap())
            .await
            .expect("graceful shutdown within 10 s");
        result.unwrap().unwrap();
    }
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn parse(raw: &[u8]) -> Self {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete response head");
        let head = std::str::from_utf8(&raw[..split]).unwrap();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .map(|l| {
                let (k, v) = l.split_once(':').unwrap();
                (k.trim().to_ascii_lowercase(), v.trim().to_owned())
            })
            .collect();
        let mut body = raw[split + 4..].to_vec();
        let chunked = Self::header_in(&headers, "transfer-encoding") == Some("chunked");
        if chunked {
            body = dechunk(&body);
        }
        Response {
            status,
            headers,
            body,
        }
    }

    fn header_in<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn header(&self, name: &str) -> Option<&str> {
        Self::header_in(&self.headers, name)
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&body[..line_end]).unwrap().trim(), 16)
                .unwrap();
        body = &body[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
    }
}

fn write_dist(dir: &Path) {
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><html lang=\"zh-CN\"><title>邻里</title>",
    )
    .unwrap();
    std::fs::write(dir.join(HASHED_JS), "console.log('plain')").unwrap();
    std::fs::write(dir.join(format!("{HASHED_JS}.br")), b"BROTLI-BYTES").unwrap();
    std::fs::write(dir.join(format!("{HASHED_JS}.gz")), b"GZIP-BYTES").unwrap();
    std::fs::write(dir.join("sw.js"), "// sw").unwrap();
    std::fs::write(dir.join("manifest.webmanifest"), "{}").unwrap();
    std::fs::create_dir_all(dir.join("icons")).unwrap();
    std::fs::write(dir.join("icons/icon-192.png"), [0x89, b'P', b'N', b'G']).unwrap();
}

#[tokio::test]
async fn serves_brotli_when_accepted_and_plain_otherwise() {
    let relay = Relay::start().await;
    let path = format!("/{HASHED_JS}");

    let br = relay
        .get(&path, &[("Accept-Encoding", "gzip, deflate, br")])
        .await;
    assert_eq!(br.status, 200);
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(br.body, b"BROTLI-BYTES");
    assert!(br.header("content-type").unwrap().contains("javascript"));
    assert_eq!(br.header("vary"), Some("accept-encoding"));

    let gz = relay.get(&path, &[("Accept-Encoding", "gzip")]).await;
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(gz.body, b"GZIP-BYTES");

    let plain = relay.get(&path, &[]).await;
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.body, b"console.log('plain')");
    relay.stop().await;
}

#[tokio::test]
async fn cache_headers_follow_the_file_kind() {
    let relay = Relay::start().await;
    let hashed = relay.get(&format!("/{HASHED_JS}"), &[]).await;
    assert_eq!(
        hashed.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    for shell in ["/", "/index.html", "/sw.js", "/manifest.webmanifest"] {
        let r = relay.get(shell, &[]).await;
        assert_eq!(r.status, 200, "{shell}");
        assert_eq!(r.header("cache-control"), Some("no-cache"), "{shell}");
    }
    let icon = relay.get("/icons/icon-192.png", &[]).await;
    assert_eq!(icon.header("cache-control"), Some("public, max-age=86400"));
    assert_eq!(icon.header("content-type"), Some("image/png"));
    let manifest = relay.get("/manifest.webmanifest", &[]).await;
    assert_eq!(
        manifest.header("content-type"),
        Some("application/manifest+json")
    );
    relay.stop().await;
}

#[tokio::test]
async fn app_routes_fall_back_to_index_html() {
    let relay = Relay::start().await;
    for route in ["/rounds/42", "/join", "/deep/link/path"] {
        let r = relay.get(route, &[]).await;
        assert_eq!(r.status, 200, "{route}");
        assert!(
            String::from_utf8_lossy(&r.body).contains("<title>邻里</title>"),
            "{route}"
        );
        assert_eq!(r.header("cache-control"), Some("no-cache"));
    }
    // A missing file is a 404, not the app: a broken asset link must show.
    assert_eq!(
        relay.get("/missing-0123456789abcdef.js", &[]).await.status,
        404
    );
    // The relay's own endpoints never fall back to the app.
    assert_eq!(relay.get("/api/nothing", &[]).await.status, 404);
    // `/sync` without a WebSocket upgrade is a client error, not the app.
    let sync = relay.get("/sync", &[]).await;
    assert!(sync.status >= 400 && sync.status < 500, "{}", sync.status);
    assert!(!String::from_utf8_lossy(&sync.body).contains("<title>"));
    relay.stop().await;
}

#[tokio::test]
async fn healthz_reports_ok_and_version() {
    let relay = Relay::start().await;
    let r = relay.get("/healthz", &[]).await;
    assert_eq!(r.status, 200);
    let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], linli_shared::release::VERSION);
    relay.stop().await;
}
