//! Serves the built app from `dist/` the way phones on weak signal need it:
//! precompressed brotli/gzip chosen by `Accept-Encoding`, content-hashed files
//! cached forever, the shell (`index.html`, `sw.js`, the manifest) revalidated on
//! every load so a new release reaches phones, and any in-app path answered with
//! `index.html` so deep links and reloads work.

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::AppState;

/// Paths that belong to the relay's own endpoints, never to the SPA.
const RESERVED_PREFIXES: &[&str] = &["/api/", "/sync", "/healthz", "/metrics"];

/// `Cache-Control` for content-hashed files: their name changes with their bytes.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` for the shell: always revalidate, so releases roll out.
pub const REVALIDATE: &str = "no-cache";
/// `Cache-Control` for the rest (icons): a day.
pub const SHORT: &str = "public, max-age=86400";

pub async fn serve(State(state): State<AppState>, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let path = req.uri().path().to_owned();
    let is_reserved = RESERVED_PREFIXES.iter().any(|p| path.starts_with(p));
    if is_reserved {
        return StatusCode::NOT_FOUND.into_response();
    }
    let spa_route = is_spa_route(&path);
    let req = if spa_route {
        rewrite_to_index(req)
    } else {
        req
    };

    let dir = ServeDir::new(state.dist.as_path())
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true);
    let mut res = match dir.oneshot(req).await {
        Ok(res) => res.map(Body::new),
        Err(never) => match never {},
    };
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        let cache = if spa_route || path == "/" {
            REVALIDATE
        } else {
            cache_control_for(&path)
        };
        let headers = res.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    res
}

/// A path the app's router handles: no file extension in its last segment.
fn is_spa_route(path: &str) -> bool {
    if path == "/" {
        return false;
    }
    let last = path.rsplit('/').next().unwrap_or("");
    !last.contains('.')
}

fn rewrite_to_index(req: Request) -> Request {
    let (mut parts, body) = req.into_parts();
    parts.uri = Uri::from_static("/index.html");
    Request::from_parts(parts, body)
}

/// Chooses `Cache-Control` from the file name alone.
pub fn cache_control_for(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or("");
    if is_content_hashed(name) {
        IMMUTABLE
    } else if matches!(name, "index.html" | "sw.js" | "manifest.webmanifest") {
        REVALIDATE
    } else {
        SHORT
    }
}

/// `app-0123456789abcdef.js`, `app-0123456789abcdef_bg.wasm`: a 16-hex-digit
/// hash after the last `-` of the stem, as `cargo xtask dist` names them.
pub fn is_content_hashed(name: &str) -> bool {
    let stem = match name.split_once('.') {
        Some((stem, _)) => stem,
        None => return false,
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    match stem.rsplit_once('-') {
        Some((_, hash)) => hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_hashed_names() {
        assert!(is_content_hashed("app-0123456789abcdef.js"));
        assert!(is_content_hashed("app-0123456789abcdef_bg.wasm"));
        assert!(is_content_hashed("style-00000000ffffffff.css"));
        assert!(!is_content_hashed("app.js"));
        assert!(!is_content_hashed("icon-192.png"));
        assert!(!is_content_hashed("app-0123.js"));
        assert!(!is_content_hashed("app-0123456789abcdeg.js"));
    }

    #[test]
    fn chooses_cache_policy() {
        assert_eq!(cache_control_for("/app-0123456789abcdef.js"), IMMUTABLE);
        assert_eq!(cache_control_for("/index.html"), REVALIDATE);
        assert_eq!(cache_control_for("/sw.js"), REVALIDATE);
        assert_eq!(cache_control_for("/manifest.webmanifest"), REVALIDATE);
        assert_eq!(cache_control_for("/icons/icon-192.png"), SHORT);
    }

    #[test]
    fn spa_routes_have_no_extension() {
        assert!(is_spa_route("/rounds/42"));
        assert!(is_spa_route("/join"));
        assert!(!is_spa_route("/"));
        assert!(!is_spa_route("/missing.js"));
    }
}
