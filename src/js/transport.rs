//! The one place that calls `fetch` (through transport.js beside it: headers, the per-request
//! timeout, body included, and the caller's `AbortSignal`), and abortable sleeps (its `pause`).

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers};

#[wasm_bindgen(module = "/src/js/transport.js")]
extern "C" {
    /// The exchange itself, in JavaScript: one crossing a request (see transport.js).
    #[wasm_bindgen(js_name = exchange)]
    fn exchange_js(
        url: &str,
        authorization: Option<&str>,
        prefer_async: bool,
        timeout_ms: f64,
        signal: Option<&AbortSignal>,
    ) -> Promise;
    /// Resolves true after `ms`, or false as soon as `signal` fires.
    #[wasm_bindgen(js_name = pause)]
    fn pause_js(ms: f64, signal: Option<&AbortSignal>) -> Promise;
    /// What `exchange` resolves with.
    type Answer;
    #[wasm_bindgen(method, getter)]
    fn status(this: &Answer) -> u16;
    #[wasm_bindgen(method, getter)]
    fn headers(this: &Answer) -> Headers;
    #[wasm_bindgen(method, getter)]
    fn body(this: &Answer) -> Uint8Array;
    #[wasm_bindgen(method, getter)]
    fn failure(this: &Answer) -> String;
    #[wasm_bindgen(method, getter)]
    fn cause(this: &Answer) -> String;
}

/// One GET to send.
pub struct Get<'a> {
    /// The absolute URL.
    pub url: &'a str,
    /// The `Authorization` header, if any.
    pub authorization: Option<&'a str>,
    /// Whether to ask for an asynchronous collection (`Prefer: respond-async`).
    pub prefer_async: bool,
    /// The time limit of the whole exchange, body included.
    pub timeout_ms: f64,
    /// The caller's signal.
    pub signal: Option<&'a AbortSignal>,
}

/// A complete answer: status, headers, and the whole body.
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The body's bytes, still in JavaScript: only what Rust must read is copied into wasm.
    pub body: Uint8Array,
    /// The headers, read from JavaScript only when a call needs one: most never do.
    headers: Headers,
}

impl Reply {
    /// The body's bytes, copied into Rust.
    pub fn bytes(&self) -> Vec<u8> {
        self.body.to_vec()
    }

    /// A header's value, unparsed.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).ok().flatten()
    }
}

/// Why no complete answer arrived.
pub enum Failure {
    /// The connection failed or broke; the text says how.
    Network(String),
    /// `timeout_ms` passed first.
    Timeout,
    /// The caller's signal fired.
    Aborted,
}

/// Sends one GET and reads the whole body, within `timeout_ms`.
pub async fn get(request: &Get<'_>) -> Result<Reply, Failure> {
    let promise = exchange_js(
        request.url,
        request.authorization,
        request.prefer_async,
        request.timeout_ms,
        request.signal,
    );
    // `exchange` never rejects: it resolves with its failures.
    let answer = JsFuture::from(promise)
        .await
        .map_err(|_| Failure::Network("fetch failed".to_string()))?;
    reply_of(answer)
}

/// What `exchange` resolved with, as a reply or a failure.
pub fn reply_of(answer: JsValue) -> Result<Reply, Failure> {
    let answer: Answer = answer.unchecked_into();
    match answer.status() {
        0 => Err(match answer.failure().as_str() {
            "aborted" => Failure::Aborted,
            "timeout" => Failure::Timeout,
            _ => Failure::Network(answer.cause()),
        }),
        // Not the answer itself: it would keep the body alive after the caller drops it.
        status => Ok(Reply {
            status,
            headers: answer.headers(),
            body: answer.body(),
        }),
    }
}

/// Waits `ms`, or fails as soon as `signal` fires.
pub async fn sleep(ms: f64, signal: Option<&AbortSignal>) -> Result<(), Failure> {
    match JsFuture::from(pause_js(ms, signal)).await {
        Ok(waited) if waited.is_truthy() => Ok(()),
        _ => Err(Failure::Aborted),
    }
}
