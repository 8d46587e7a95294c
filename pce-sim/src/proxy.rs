//! The `/pce/api/v2/` proxy to a real PCE (`--upstream`): GET only, the simulator's
//! upstream credentials added (never the browser's), TLS verified, only JSON answers
//! passed back, streamed.

use crate::http::{Request, Response, Streamed};
use crate::state::{cors_headers, App};

/// Headers relayed from the upstream's answer.
const RELAYED: &[&str] = &["content-type", "x-total-count", "location", "retry-after"];

/// Whether a raw path could mean something else once decoded or normalized upstream.
fn tricky(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.contains("..")
        || lower.contains("%2e")
        || lower.contains("%2f")
        || lower.contains("%5c")
        || lower.contains("%00")
        || path.contains("//")
        || path.contains('\\')
}

/// Percent-encodes what a URI's query may not hold raw (brackets, blanks, quotes...).
fn encode_query(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    for b in query.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?%".contains(&b);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Forwards a `/pce/` request to the upstream PCE.
pub fn handle(app: &App, req: &Request) -> Response {
    let Some(proxy) = app.proxy.as_ref() else {
        return Response::error(404, "not_found", "No upstream is configured");
    };
    if tricky(&req.path) {
        return Response::error(400, "invalid_uri", "The path is refused");
    }
    let Some(rest) = req.path.strip_prefix("/pce/api/v2/") else {
        return Response::error(404, "not_found", "Only /pce/api/v2/ is forwarded");
    };
    if !rest
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_/.".contains(&b))
    {
        return Response::error(400, "invalid_uri", "The path is refused");
    }
    if req.method == "OPTIONS" && app.cfg.cors {
        let mut resp = Response::empty(204);
        resp.headers.extend(cors_headers());
        return resp;
    }
    if req.method != "GET" {
        return Response::error(405, "method_not_allowed", "Only GET is forwarded")
            .with("Allow", "GET");
    }
    let mut url = format!("{}/api/v2/{rest}", proxy.base);
    if !req.query.is_empty() {
        url.push('?');
        url.push_str(&encode_query(&req.query));
    }
    let mut call = proxy
        .agent
        .get(&url)
        .header("Authorization", &proxy.authorization);
    call = call.header("Accept", req.header("accept").unwrap_or("application/json"));
    if let Some(prefer) = req.header("prefer") {
        call = call.header("Prefer", prefer);
    }
    let upstream = match call.call() {
        Ok(resp) => resp,
        Err(ureq::Error::Timeout(_)) => {
            return Response::error(
                504,
                "gateway_timeout",
                "The upstream PCE did not answer in time",
            )
        }
        Err(e) => {
            eprintln!("pce-sim: upstream request failed: {e}");
            return Response::error(502, "bad_gateway", "The upstream PCE could not be reached");
        }
    };
    let status = upstream.status().as_u16();
    // Only JSON reaches the page: an HTML or script answer of the upstream (or of a box in
    // between) could otherwise run on this origin, where the proxy holds the key.
    let content_type = upstream
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok());
    let json = content_type.is_some_and(is_json);
    let empty = upstream
        .headers()
        .get("content-length")
        .is_some_and(|v| v.as_bytes() == b"0");
    let allowed = json || (content_type.is_none() && empty);
    if !allowed {
        eprintln!("pce-sim: the upstream answered {status} with Content-Type {content_type:?}, not JSON: refused");
        return Response::error(502, "bad_gateway", "The upstream PCE's answer is not JSON");
    }
    let mut resp = Response::empty(status);
    for name in RELAYED {
        if let Some(value) = upstream.headers().get(*name).and_then(|v| v.to_str().ok()) {
            resp.headers.push((canonical(name), value.to_string()));
        }
    }
    // The length, when the upstream gave one, so the client sees a body cut short as such.
    if let Some(len) = upstream
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
    {
        resp.headers
            .push(("Content-Length".into(), len.to_string()));
    }
    // Streamed to the client as it arrives (`serve` reads it a few chunks ahead), never held whole.
    resp.stream = Some(Streamed::new(upstream.into_body().into_reader()));
    resp
}

/// Whether a Content-Type is JSON: `application/json` or `application/*+json`, any parameters.
fn is_json(content_type: &str) -> bool {
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

fn canonical(name: &str) -> String {
    match name {
        "content-type" => "Content-Type",
        "x-total-count" => "X-Total-Count",
        "location" => "Location",
        _ => "Retry-After",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tricks() {
        assert!(tricky("/pce/api/v2/../x"));
        assert!(tricky("/pce/api/v2/%2E%2e/x"));
        assert!(tricky("/pce/api/v2//x"));
        assert!(tricky("/pce/api/v2/a%2fb"));
        assert!(!tricky("/pce/api/v2/orgs/1/events"));
        assert_eq!(
            encode_query("timestamp[gte]=a b"),
            "timestamp%5Bgte%5D=a%20b"
        );
    }
}
