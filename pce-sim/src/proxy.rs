//! The `/pce/api/v2/` proxy to a real PCE (`--upstream`): GET only, the simulator's
//! upstream credentials added (never the browser's), TLS verified.

use std::sync::Arc;
use std::time::Duration;

use ureq::tls::{parse_pem, PemItem, RootCerts, TlsConfig};
use ureq::Agent;

use crate::http::{base64_encode, Request, Response};
use crate::server::{cors_headers, App, Upstream};

/// Headers relayed from the upstream's answer.
const RELAYED: &[&str] = &["content-type", "x-total-count", "location", "retry-after"];

/// A ready HTTP client for the upstream PCE.
pub struct Proxy {
    agent: Agent,
    base: String,
    authorization: String,
}

impl Proxy {
    /// Builds the client: the roots are webpki's, or only the certificates in `--upstream-ca`.
    pub fn new(up: &Upstream) -> Result<Proxy, String> {
        let roots = match &up.ca {
            None => RootCerts::WebPki,
            Some(path) => {
                let pem = std::fs::read(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let certs: Vec<_> = parse_pem(&pem)
                    .filter_map(|item| match item {
                        Ok(PemItem::Certificate(c)) => Some(c),
                        _ => None,
                    })
                    .collect();
                if certs.is_empty() {
                    return Err(format!("{} holds no PEM certificate", path.display()));
                }
                RootCerts::Specific(Arc::new(certs))
            }
        };
        let agent: Agent = Agent::config_builder()
            .tls_config(TlsConfig::builder().root_certs(roots).build())
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(300)))
            .user_agent("pce-sim-proxy")
            .build()
            .into();
        Ok(Proxy {
            agent,
            base: up.url.trim_end_matches('/').to_string(),
            authorization: format!(
                "Basic {}",
                base64_encode(format!("{}:{}", up.key, up.secret).as_bytes())
            ),
        })
    }
}

/// Checks an upstream URL: http(s), a host, no credentials, query or fragment.
pub fn check_url(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("--upstream must start with https:// or http://")?;
    let authority = rest.split('/').next().unwrap_or("");
    if authority.is_empty() {
        return Err("--upstream has no host".into());
    }
    if authority.contains('@') {
        return Err(
            "--upstream must not hold credentials; use --upstream-key and --upstream-secret".into(),
        );
    }
    if url.contains(['?', '#']) {
        return Err("--upstream must not have a query or fragment".into());
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// The URL without any user info, for `pce-config.json` and messages.
pub fn display_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let host = authority.rsplit('@').next().unwrap_or(authority);
            format!("{scheme}://{host}{path}")
        }
        None => url.to_string(),
    }
}

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
    let mut upstream = match call.call() {
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
    let mut resp = Response::empty(status);
    for name in RELAYED {
        if let Some(value) = upstream.headers().get(*name).and_then(|v| v.to_str().ok()) {
            resp.headers.push((canonical(name), value.to_string()));
        }
    }
    match upstream
        .body_mut()
        .with_config()
        .limit(u64::MAX)
        .read_to_vec()
    {
        Ok(body) => resp.body = body,
        Err(e) => {
            eprintln!("pce-sim: reading the upstream body failed: {e}");
            return Response::error(502, "bad_gateway", "The upstream PCE's answer broke off");
        }
    }
    resp
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
    fn urls() {
        assert_eq!(
            display_url("https://u:p@pce.example.com:8443/x"),
            "https://pce.example.com:8443/x"
        );
        assert!(check_url("https://u:p@pce").is_err());
        assert!(check_url("ftp://pce").is_err());
        assert_eq!(
            check_url("http://127.0.0.1:9/").unwrap(),
            "http://127.0.0.1:9"
        );
    }

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
