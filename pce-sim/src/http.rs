//! The simulator's own request and response values (hyper's are converted at the edge, in
//! `serve`), the ways a response can be delivered broken, and query and base64 decoding.

use std::io::Read;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use base64::Engine;

/// A parsed request.
#[derive(Clone, Debug)]
pub struct Request {
    /// The method, as sent.
    pub method: String,
    /// The path, raw (not percent-decoded), without the query.
    pub path: String,
    /// The raw query string after `?`, or empty.
    pub query: String,
    /// Whether the request was HTTP/1.0.
    pub http10: bool,
    /// Headers in arrival order, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// The peer's address.
    pub peer: SocketAddr,
}

impl Request {
    /// The first header with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the client asked to close the connection after this exchange.
    pub fn wants_close(&self) -> bool {
        let conn = self.header("connection").unwrap_or("").to_ascii_lowercase();
        if self.http10 {
            !conn.contains("keep-alive")
        } else {
            conn.split(',').any(|t| t.trim() == "close")
        }
    }
}

/// A body read as it is sent (the proxy's upstream answer), taken once.
#[derive(Clone)]
pub struct Streamed(Arc<Mutex<Option<Box<dyn Read + Send>>>>);

impl Streamed {
    /// Wraps a reader.
    pub fn new(reader: impl Read + Send + 'static) -> Streamed {
        Streamed(Arc::new(Mutex::new(Some(Box::new(reader)))))
    }

    /// The reader, the first time only.
    pub fn take(&self) -> Option<Box<dyn Read + Send>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

impl std::fmt::Debug for Streamed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Streamed")
    }
}

/// A response to write.
#[derive(Clone, Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Headers other than Content-Length, Date and Connection.
    pub headers: Vec<(String, String)>,
    /// The body (empty when `stream` gives it).
    pub body: Vec<u8>,
    /// A body sent as it is read, instead of `body`.
    pub stream: Option<Streamed>,
}

impl Response {
    /// A response with a body and a Content-Type.
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
            stream: None,
        }
    }

    /// A JSON response (`application/json`, exactly: illumio-py compares it verbatim).
    pub fn json(status: u16, body: Vec<u8>) -> Response {
        Response::new(status, "application/json", body)
    }

    /// An Illumio-style JSON error.
    pub fn error(status: u16, token: &str, message: &str) -> Response {
        Response::json(status, crate::values::error_body(token, message))
    }

    /// A short plain-text response.
    pub fn text(status: u16, text: &str) -> Response {
        Response::new(
            status,
            "text/plain; charset=utf-8",
            format!("{text}\n").into_bytes(),
        )
    }

    /// A response without a body.
    pub fn empty(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            stream: None,
        }
    }

    /// Adds a header.
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Response {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// The same response with a streamed body read into `body`, at most `limit` bytes (for the
    /// faults that cut or trickle a body); `None` when the stream fails or is longer.
    pub fn buffered(mut self, limit: u64) -> Option<Response> {
        if let Some(reader) = self.stream.take().and_then(|s| s.take()) {
            let mut body = Vec::new();
            reader.take(limit + 1).read_to_end(&mut body).ok()?;
            if body.len() as u64 > limit {
                return None;
            }
            self.body = body;
        }
        Some(self)
    }

    /// The value of a header this response carries.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How a response's bytes go out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Delivery {
    /// All of it, at once.
    Normal,
    /// The body cut to this many bytes, with a Content-Length that says so.
    Truncate(usize),
    /// Head with the full Content-Length, about half the body, then a TCP reset.
    ResetMidBody,
    /// Head at once, the body in chunks of `chunk` bytes every `delay_ms`.
    Slow {
        /// Bytes per write.
        chunk: usize,
        /// Pause between writes.
        delay_ms: u64,
    },
}

/// Percent-decodes bytes; with `plus_as_space`, `+` becomes a space (query strings).
/// Malformed escapes are kept as they are.
pub fn percent_decode(text: &str, plus_as_space: bool) -> Vec<u8> {
    if plus_as_space && text.contains('+') {
        let spaced = text.replace('+', " ");
        return percent_encoding::percent_decode_str(&spaced).collect();
    }
    percent_encoding::percent_decode_str(text).collect()
}

/// Splits a query string into percent-decoded `(name, value)` pairs.
/// `None` when a name or value is not UTF-8 after decoding: a PCE refuses such a query, where
/// `form_urlencoded` would replace the bytes with U+FFFD and filter on something else.
pub fn parse_query(query: &str) -> Option<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    for part in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        let k = String::from_utf8(percent_decode(k, true)).ok()?;
        let v = String::from_utf8(percent_decode(v, true)).ok()?;
        pairs.push((k, v));
    }
    Some(pairs)
}

/// Base64 decoding of Basic credentials and `body_base64`: the standard or URL-safe
/// alphabet, padded or not, surrounding blanks and line breaks ignored.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    use base64::engine::DecodePaddingMode;
    let lenient = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, '\r' | '\n'))
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    GeneralPurpose::new(&base64::alphabet::STANDARD, lenient)
        .decode(cleaned)
        .ok()
}

/// Standard base64 encoding (for the Authorization header the proxy sends).
pub fn base64_encode(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_and_plus() {
        assert_eq!(
            percent_decode("timestamp%5Bgte%5D", true),
            b"timestamp[gte]"
        );
        assert_eq!(percent_decode("a+b%2", true), b"a b%2");
        assert_eq!(percent_decode("100%", false), b"100%");
        assert_eq!(percent_decode("%zz", false), b"%zz");
    }

    #[test]
    fn base64_round_trip() {
        for s in ["", "a", "ab", "abc", "api_7f3c1e9a2b5d4680:9c1d4e7f"] {
            assert_eq!(
                base64_decode(&base64_encode(s.as_bytes())).unwrap(),
                s.as_bytes()
            );
        }
        assert_eq!(base64_encode(b"user:pass"), "dXNlcjpwYXNz");
    }
}
