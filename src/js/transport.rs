//! The one place that calls `fetch`: headers, the per-request timeout (body
//! included), the caller's `AbortSignal`, and abortable sleeps.

use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Headers, RequestInit, Response};

#[wasm_bindgen]
extern "C" {
    // The global fetch exists in Node 18+ and in browsers; no `window` is needed.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &str, init: &RequestInit) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);

    /// A response body's `ReadableStream` and its reader (not among the crate's web-sys features).
    type BodyStream;
    #[wasm_bindgen(method, catch, js_name = getReader)]
    fn get_reader(this: &BodyStream) -> Result<BodyReader, JsValue>;
    type BodyReader;
    #[wasm_bindgen(method)]
    fn read(this: &BodyReader) -> Promise;
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

/// A complete answer: status, the headers the client reads, and the whole body.
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The body's bytes, still in JavaScript: only what Rust must read is copied into wasm.
    pub body: Uint8Array,
    /// `Retry-After`, unparsed.
    pub retry_after: Option<String>,
    /// `Location`, unparsed.
    pub location: Option<String>,
    /// `X-Total-Count`, unparsed.
    pub total_count: Option<String>,
}

impl Reply {
    /// The body's bytes, copied into Rust.
    pub fn bytes(&self) -> Vec<u8> {
        self.body.to_vec()
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

/// Clears the timer and the abort listener however the exchange ends.
struct Cleanup<'a> {
    timer: JsValue,
    signal: Option<&'a AbortSignal>,
    listener: Function,
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        if let Some(signal) = self.signal {
            let _ = signal.remove_event_listener_with_callback("abort", &self.listener);
        }
    }
}

/// Sends one GET and reads the whole body, within `timeout_ms`.
pub async fn get(request: &Get<'_>) -> Result<Reply, Failure> {
    if request.signal.is_some_and(AbortSignal::aborted) {
        return Err(Failure::Aborted);
    }
    let controller = AbortController::new().map_err(|e| Failure::Network(describe(&e)))?;
    // A bound `abort` serves as both the timer and the listener, so no Rust closure is kept alive.
    let abort: Function = Reflect::get(&controller, &JsValue::from_str("abort"))
        .and_then(|f| f.dyn_into::<Function>())
        .map_err(|e| Failure::Network(describe(&e)))?
        .bind0(&controller);
    let _cleanup = Cleanup {
        timer: set_timeout(&abort, request.timeout_ms),
        signal: request.signal,
        listener: abort.clone(),
    };
    if let Some(signal) = request.signal {
        let _ = signal.add_event_listener_with_callback("abort", &abort);
    }
    exchange(request, &controller.signal())
        .await
        .map_err(|e| match () {
            _ if request.signal.is_some_and(AbortSignal::aborted) => Failure::Aborted,
            _ if controller.signal().aborted() => Failure::Timeout,
            _ => Failure::Network(describe(&e)),
        })
}

async fn exchange(request: &Get<'_>, signal: &AbortSignal) -> Result<Reply, JsValue> {
    let headers = Headers::new()?;
    headers.set("Accept", "application/json")?;
    if let Some(authorization) = request.authorization {
        headers.set("Authorization", authorization)?;
    }
    if request.prefer_async {
        headers.set("Prefer", "respond-async")?;
    }
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_headers(&headers);
    init.set_signal(Some(signal));
    let response: Response = JsFuture::from(global_fetch(request.url, &init)?)
        .await?
        .dyn_into()?;
    let header = |name: &str| response.headers().get(name).ok().flatten();
    let (retry_after, location, total_count) = (
        header("retry-after"),
        header("location"),
        header("x-total-count"),
    );
    Ok(Reply {
        status: response.status(),
        body: read_body(&response).await?,
        retry_after,
        location,
        total_count,
    })
}

/// The whole body, read from its stream into one `Uint8Array` with a single copy:
/// `arrayBuffer()` in Node copies the joined chunks once more.
async fn read_body(response: &Response) -> Result<Uint8Array, JsValue> {
    let stream = Reflect::get(response, &JsValue::from_str("body"))?;
    if stream.is_null() || stream.is_undefined() {
        return Ok(Uint8Array::new_with_length(0));
    }
    let reader = stream.unchecked_into::<BodyStream>().get_reader()?;
    let (done_key, value_key) = (JsValue::from_str("done"), JsValue::from_str("value"));
    let mut chunks = Vec::new();
    let mut total = 0u32;
    loop {
        let step = JsFuture::from(reader.read()).await?;
        if Reflect::get(&step, &done_key)?.is_truthy() {
            break;
        }
        let chunk: Uint8Array = Reflect::get(&step, &value_key)?.dyn_into()?;
        total = total
            .checked_add(chunk.length())
            .ok_or_else(|| JsValue::from_str("the body is larger than 4 GiB"))?;
        chunks.push(chunk);
    }
    if chunks.len() == 1 {
        return Ok(chunks.swap_remove(0));
    }
    let body = Uint8Array::new_with_length(total);
    let mut offset = 0;
    for chunk in &chunks {
        body.set(chunk, offset);
        offset += chunk.length();
    }
    Ok(body)
}

/// Waits `ms`, or fails as soon as `signal` fires.
pub async fn sleep(ms: f64, signal: Option<&AbortSignal>) -> Result<(), Failure> {
    if signal.is_some_and(AbortSignal::aborted) {
        return Err(Failure::Aborted);
    }
    let mut timer = JsValue::UNDEFINED;
    let mut on_abort = None;
    let promise = Promise::new(&mut |resolve, reject| {
        timer = set_timeout(&resolve, ms);
        if let Some(signal) = signal {
            let _ = signal.add_event_listener_with_callback("abort", &reject);
        }
        on_abort = Some(reject);
    });
    let outcome = JsFuture::from(promise).await;
    clear_timeout(&timer);
    if let (Some(signal), Some(listener)) = (signal, on_abort) {
        let _ = signal.remove_event_listener_with_callback("abort", &listener);
    }
    outcome.map(|_| ()).map_err(|_| Failure::Aborted)
}

/// A readable cause from a JavaScript error: Node puts the socket's code in `cause`.
fn describe(error: &JsValue) -> String {
    let field = |v: &JsValue, key: &str| {
        Reflect::get(v, &JsValue::from_str(key))
            .ok()
            .and_then(|s| s.as_string())
    };
    let message = field(error, "message").unwrap_or_else(|| "fetch failed".to_string());
    let cause = Reflect::get(error, &JsValue::from_str("cause")).unwrap_or(JsValue::UNDEFINED);
    match field(&cause, "code").or_else(|| field(&cause, "message")) {
        Some(detail) => format!("{message}: {detail}"),
        None => message,
    }
}
