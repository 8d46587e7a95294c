//! The upstream PCE behind `--upstream`: its URL checked strictly, and a ready HTTP client
//! (TLS verified against webpki's roots or only `--upstream-ca`) holding its credentials.

use std::sync::Arc;
use std::time::Duration;

use ureq::tls::{parse_pem, PemItem, RootCerts, TlsConfig};
use ureq::Agent;

use crate::config::Upstream;
use crate::http::base64_encode;

/// A ready HTTP client for the upstream PCE.
pub struct Proxy {
    /// The HTTP client, its TLS roots set.
    pub agent: Agent,
    /// The upstream's base URL, without a trailing slash.
    pub base: String,
    /// The `Authorization` header of the upstream credentials.
    pub authorization: String,
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

/// Checks an upstream URL, parsed strictly as a URI: `https` (or `http` only when `insecure`),
/// a host, no credentials, query or fragment.
pub fn check_url(url: &str, insecure: bool) -> Result<String, String> {
    let uri: http::Uri = url
        .parse()
        .map_err(|e| format!("--upstream {url:?} is not a valid URL: {e}"))?;
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if insecure => {}
        Some("http") => {
            return Err(
                "--upstream is http://, which sends the upstream secret in clear; use https:// \
                 (or add --insecure-upstream for a test server you trust)"
                    .into(),
            )
        }
        _ => return Err("--upstream must start with https:// or http://".into()),
    }
    let authority = uri.authority().ok_or("--upstream has no host")?;
    if authority.as_str().contains('@') {
        return Err(
            "--upstream must not hold credentials; use --upstream-key and --upstream-secret".into(),
        );
    }
    if authority.host().is_empty() {
        return Err("--upstream has no host".into());
    }
    if uri.query().is_some() || url.contains('#') {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            display_url("https://u:p@pce.example.com:8443/x"),
            "https://pce.example.com:8443/x"
        );
        assert!(check_url("https://u:p@pce", false).is_err());
        assert!(check_url("ftp://pce", true).is_err());
        assert!(check_url("https://x y", false).is_err());
        assert!(check_url("https://pce?a=1", false).is_err());
        assert!(check_url("https://pce/#x", false).is_err());
        assert!(check_url("http://127.0.0.1:9/", false).is_err());
        assert_eq!(
            check_url("http://127.0.0.1:9/", true).unwrap(),
            "http://127.0.0.1:9"
        );
        assert_eq!(
            check_url("https://pce.example.com:8443", false).unwrap(),
            "https://pce.example.com:8443"
        );
    }
}
