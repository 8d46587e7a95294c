//! `PceConfig`: parse and validate the connection options.

use crate::arguments::{check_keys, integer_in, string, Options, Value};
use crate::error::{PceError, Result};

/// The keys of `PceConfig`.
pub const KNOWN: &[&str] = &[
    "url",
    "orgId",
    "apiKey",
    "apiSecret",
    "apiVersion",
    "timeoutMs",
    "maxRetries",
    "asyncTimeoutMs",
    "requestsPerMinute",
];

/// The longest delay `setTimeout` honours; larger values would fire at once.
pub const MAX_TIMER_MS: f64 = 2_147_483_647.0;

/// A validated connection to one PCE org.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// `{url}/api/{apiVersion}`, with no trailing slash.
    pub api_root: String,
    /// The org whose events are read.
    pub org_id: u64,
    /// The `Authorization` header value, when an API key was given.
    pub authorization: Option<String>,
    /// Each HTTP request's time limit, body included.
    pub timeout_ms: f64,
    /// How many times a retryable failure is retried.
    pub max_retries: u32,
    /// The whole asynchronous collection's time limit.
    pub async_timeout_ms: f64,
    /// Requests a minute shared by every call for this PCE, org and key (0: no limit).
    pub requests_per_minute: u32,
    /// What names that shared budget: the API root, the org and the key's username.
    pub budget_key: String,
}

impl Config {
    /// Validates a `PceConfig` object: every rule of api.md, each failure naming its option.
    pub fn parse(options: &Options) -> Result<Config> {
        let present = check_keys(options, KNOWN, "PceConfig")?;
        let url = match present.get("url") {
            Some(v) => check_url(string(v, "url")?)?,
            None => return Err(PceError::invalid_argument("url", "is required")),
        };
        let org_id = match present.get("orgId") {
            Some(v) => integer_in(v, "orgId", 1.0, 9_007_199_254_740_991.0)? as u64,
            None => return Err(PceError::invalid_argument("orgId", "is required")),
        };
        let key = present
            .get("apiKey")
            .map(|v| string(v, "apiKey"))
            .transpose()?;
        let secret = present
            .get("apiSecret")
            .map(|v| match v {
                Value::String(s) => Ok(s.as_str()),
                // The secret's value must never reach a message, so it is not described.
                _ => Err(PceError::invalid_argument("apiSecret", "expected a string")),
            })
            .transpose()?;
        let authorization = match (key, secret) {
            (Some(k), Some(s)) => {
                if k.is_empty() || k.contains(':') {
                    return Err(PceError::invalid_argument(
                        "apiKey",
                        "must be a non-empty API key username without ':'",
                    ));
                }
                Some(format!("Basic {}", base64(format!("{k}:{s}").as_bytes())))
            }
            (None, None) => None,
            (Some(_), None) => {
                return Err(PceError::invalid_argument(
                    "apiSecret",
                    "is required when apiKey is given (give both, or neither to rely on a proxy)",
                ))
            }
            (None, Some(_)) => return Err(PceError::invalid_argument(
                "apiKey",
                "is required when apiSecret is given (give both, or neither to rely on a proxy)",
            )),
        };
        let api_version = match present.get("apiVersion") {
            Some(v) => {
                let version = string(v, "apiVersion")?;
                let digits = version.strip_prefix('v').unwrap_or("");
                if digits.is_empty()
                    || digits.len() > 3
                    || !digits.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(PceError::invalid_argument(
                        "apiVersion",
                        &format!("expected a version like \"v2\", got {}", v.describe()),
                    ));
                }
                version
            }
            None => "v2",
        };
        let positive_ms = |key: &str, default: f64| -> Result<f64> {
            present
                .get(key)
                .map_or(Ok(default), |v| integer_in(v, key, 1.0, MAX_TIMER_MS))
        };
        let api_root = format!("{url}/api/{api_version}");
        Ok(Config {
            budget_key: format!("{api_root} {org_id} {}", key.unwrap_or_default()),
            // A PCE allows 500 requests a minute per key; 450 leaves room for other clients.
            requests_per_minute: present.get("requestsPerMinute").map_or(Ok(450.0), |v| {
                integer_in(v, "requestsPerMinute", 0.0, 100_000.0)
            })? as u32,
            api_root,
            org_id,
            authorization,
            timeout_ms: positive_ms("timeoutMs", 30_000.0)?,
            max_retries: present
                .get("maxRetries")
                .map_or(Ok(3.0), |v| integer_in(v, "maxRetries", 0.0, 10.0))?
                as u32,
            async_timeout_ms: positive_ms("asyncTimeoutMs", 600_000.0)?,
        })
    }

    /// The absolute URL of a PCE path such as `/orgs/1/events`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.api_root)
    }
}

/// Checks the PCE URL and returns it without its trailing slash.
fn check_url(url: &str) -> Result<&str> {
    let fail = |problem: &str| Err(PceError::invalid_argument("url", problem));
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return fail(
            "expected an http:// or https:// URL, such as \"https://pce.example.com:8443\"",
        );
    };
    if url
        .chars()
        .any(|c| c.is_ascii_whitespace() || c.is_control() || c == '\\' || c == '\u{a0}')
    {
        return fail("must not contain blanks, control characters or backslashes");
    }
    if url.contains('?') || url.contains('#') {
        return fail("must not have a query or a fragment");
    }
    let authority = rest.split('/').next().unwrap_or("");
    if authority.contains('@') {
        return fail("must not carry credentials (user info); use apiKey and apiSecret");
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((host, "")) => (host, None),
            Some((host, port)) => match port.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return fail("has an invalid host"),
            },
            None => return fail("has an invalid host"),
        },
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if host.is_empty() {
        return fail("has no host");
    }
    if port.is_some_and(|p| {
        p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.parse::<u16>().is_err()
    }) {
        return fail("has an invalid port");
    }
    Ok(url.trim_end_matches('/'))
}

/// Standard base64 with padding, for the HTTP Basic header.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(pairs: &[(&str, Value)]) -> Options {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn s(v: &str) -> Value {
        Value::String(v.into())
    }

    fn base() -> Vec<(&'static str, Value)> {
        vec![
            ("url", s("https://pce.example.com:8443/")),
            ("orgId", Value::Number(7.0)),
        ]
    }

    fn err_of(pairs: &[(&str, Value)]) -> String {
        Config::parse(&opts(pairs)).unwrap_err().message
    }

    #[test]
    fn defaults_follow_the_contract() {
        let c = Config::parse(&opts(&base())).unwrap();
        assert_eq!(c.api_root, "https://pce.example.com:8443/api/v2");
        assert_eq!(
            c.url("/orgs/7/events"),
            "https://pce.example.com:8443/api/v2/orgs/7/events"
        );
        assert_eq!(
            (c.timeout_ms, c.max_retries, c.async_timeout_ms),
            (30_000.0, 3, 600_000.0)
        );
        assert_eq!(c.authorization, None);
        assert_eq!(
            c.requests_per_minute, 450,
            "below the PCE's 500 a minute per key"
        );
    }

    #[test]
    fn a_path_prefix_and_a_version_are_kept() {
        let c = Config::parse(&opts(&[
            ("url", s("http://127.0.0.1:8080/pce")),
            ("orgId", Value::Number(1.0)),
            ("apiVersion", s("v1")),
        ]))
        .unwrap();
        assert_eq!(c.api_root, "http://127.0.0.1:8080/pce/api/v1");
    }

    #[test]
    fn credentials_become_a_basic_header() {
        let mut pairs = base();
        pairs.push(("apiKey", s("api_1")));
        pairs.push(("apiSecret", s("sécret")));
        let c = Config::parse(&opts(&pairs)).unwrap();
        assert_eq!(
            c.authorization.as_deref(),
            Some("Basic YXBpXzE6c8OpY3JldA==")
        );
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b"a"), "YQ==");
    }

    #[test]
    fn each_bad_option_is_named() {
        let cases: Vec<(&str, Value, &str)> = vec![
            ("url", s("ftp://pce"), "`url`"),
            ("url", s("https://user:pw@pce"), "`url`"),
            ("url", s("https://pce/?a=1"), "`url`"),
            ("url", s("https://pce/#x"), "`url`"),
            ("url", s("https://"), "`url`"),
            ("url", s("https://pce:99999"), "`url`"),
            ("url", s("pce.example.com"), "`url`"),
            ("orgId", Value::Number(0.0), "`orgId`"),
            ("orgId", Value::Number(1.5), "`orgId`"),
            ("orgId", s("1"), "`orgId`"),
            ("apiVersion", s("2"), "`apiVersion`"),
            ("apiVersion", s("v2beta"), "`apiVersion`"),
            ("timeoutMs", Value::Number(0.0), "`timeoutMs`"),
            ("timeoutMs", Value::Number(10.5), "`timeoutMs`"),
            ("asyncTimeoutMs", Value::Number(-1.0), "`asyncTimeoutMs`"),
            (
                "requestsPerMinute",
                Value::Number(0.5),
                "`requestsPerMinute`",
            ),
            ("maxRetries", Value::Number(11.0), "`maxRetries`"),
            ("maxRetries", Value::Number(-1.0), "`maxRetries`"),
            ("apiKey", s("api_only"), "`apiSecret`"),
            ("apiSecret", s("only-secret"), "`apiKey`"),
            ("orgid", Value::Number(1.0), "`orgid`"),
        ];
        for (key, value, named) in cases {
            let mut pairs = base();
            pairs.retain(|(k, _)| *k != key);
            pairs.push((key, value));
            let msg = err_of(&pairs);
            assert!(msg.contains(named), "{key}: {msg}");
        }
        assert!(err_of(&[("orgId", Value::Number(1.0))]).contains("`url`"));
    }

    #[test]
    fn the_secret_never_reaches_a_message() {
        let mut pairs = base();
        pairs.push(("apiKey", s("bad:key")));
        pairs.push(("apiSecret", s("TOPSECRET")));
        assert!(!err_of(&pairs).contains("TOPSECRET"));
        let mut pairs = base();
        pairs.push(("apiSecret", s("TOPSECRET")));
        assert!(!err_of(&pairs).contains("TOPSECRET"));
    }

    #[test]
    fn ipv6_hosts_are_accepted() {
        let c = Config::parse(&opts(&[
            ("url", s("http://[::1]:8080")),
            ("orgId", Value::Number(1.0)),
        ]))
        .unwrap();
        assert_eq!(c.api_root, "http://[::1]:8080/api/v2");
    }
}
