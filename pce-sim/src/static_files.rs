//! Static files: `--www` at `/` and `--pkg` at `/pkg/`, with strict security headers.

use std::path::{Path, PathBuf};

use crate::http::{percent_decode, Request, Response};
use crate::state::App;

/// The Content-Security-Policy of every static response.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; \
style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
form-action 'self'";

/// Adds the headers every page-facing response carries.
pub fn harden(resp: Response) -> Response {
    resp.with("X-Content-Type-Options", "nosniff")
        .with("Content-Security-Policy", CSP)
        .with("Referrer-Policy", "no-referrer")
}

/// Adds each hardening header the response does not already carry: control answers, faults
/// (a `respond` fault's HTML included), API errors and the proxy's answers all get them.
pub fn harden_missing(mut resp: Response) -> Response {
    for (name, value) in [
        ("X-Content-Type-Options", "nosniff"),
        ("Content-Security-Policy", CSP),
        ("Referrer-Policy", "no-referrer"),
    ] {
        if resp.header(name).is_none() {
            resp.headers.push((name.to_string(), value.to_string()));
        }
    }
    resp
}

/// The Content-Type of a file, by extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" | "cjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "wasm" => "application/wasm",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        "ts" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The relative file path a request path names under a root, or why it is refused.
/// Traversal (`..`), encoded slashes or backslashes and NUL are refused outright.
pub fn safe_relative(raw: &str) -> Result<PathBuf, u16> {
    let lower = raw.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") || raw.contains('\\')
    {
        return Err(400);
    }
    let decoded = String::from_utf8(percent_decode(raw, false)).map_err(|_| 400u16)?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return Err(400);
    }
    let mut rel = PathBuf::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Err(400),
            s if s.starts_with('.') => return Err(404),
            s => rel.push(s),
        }
    }
    Ok(rel)
}

/// Answers a static file request (or 404 when nothing is served there).
pub fn serve(app: &App, req: &Request) -> Response {
    let (root, rest) = match (&app.cfg.www, &app.cfg.pkg) {
        (_, Some(pkg)) if req.path.starts_with("/pkg/") => (pkg, &req.path[5..]),
        (Some(www), _) => (www, &req.path[..]),
        _ => return harden(Response::text(404, "Not found")),
    };
    if req.method != "GET" && req.method != "HEAD" {
        return harden(Response::text(405, "Method not allowed")).with("Allow", "GET, HEAD");
    }
    let rel = match safe_relative(rest) {
        Ok(rel) => rel,
        Err(400) => return harden(Response::text(400, "Bad request: path refused")),
        Err(_) => return harden(Response::text(404, "Not found")),
    };
    let mut file = root.join(&rel);
    if file.is_dir() {
        file.push("index.html");
    }
    if !inside(root, &file) {
        return harden(Response::text(404, "Not found"));
    }
    match std::fs::read(&file) {
        Ok(body) => {
            harden(Response::new(200, content_type(&file), body)).with("Cache-Control", "no-cache")
        }
        Err(_) => harden(Response::text(404, "Not found")),
    }
}

/// Whether `file`, every symlink resolved, is still under `root` (resolved too): a link that
/// leads out of `--www` or `--pkg` is not served, one that stays inside is.
fn inside(root: &Path, file: &Path) -> bool {
    match (root.canonicalize(), file.canonicalize()) {
        (Ok(root), Ok(file)) => file.starts_with(root),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_traversal() {
        assert_eq!(safe_relative("/../etc/passwd"), Err(400));
        assert_eq!(safe_relative("/%2e%2e/etc/passwd"), Err(400));
        assert_eq!(safe_relative("/a%2fb"), Err(400));
        assert_eq!(safe_relative("/a%5cb"), Err(400));
        assert_eq!(safe_relative("/a%00b"), Err(400));
        assert_eq!(safe_relative("/.git/config"), Err(404));
        assert_eq!(safe_relative("/app.js"), Ok(PathBuf::from("app.js")));
        assert_eq!(safe_relative("/"), Ok(PathBuf::new()));
    }

    #[test]
    fn types() {
        assert_eq!(content_type(Path::new("a/x.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("x.mjs")),
            "text/javascript; charset=utf-8"
        );
    }
}
