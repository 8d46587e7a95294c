//! Response bodies made into JavaScript events: a strict UTF-8 decode, one `JSON.parse`,
//! and the contract check of `event` (with the filters the package verifies itself).

use crate::error::{PceError, Result};
use crate::event::{check_event, check_events_matching, EventKey, Expect};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// A `TextDecoder`; web-sys's binding is not among the crate's features.
    #[wasm_bindgen(js_name = TextDecoder)]
    type Utf8Decoder;
    #[wasm_bindgen(constructor, js_class = TextDecoder, catch)]
    fn new(label: &str, options: &Object) -> std::result::Result<Utf8Decoder, JsValue>;
    #[wasm_bindgen(method, js_class = TextDecoder, catch)]
    fn decode(this: &Utf8Decoder, input: &Uint8Array) -> std::result::Result<JsValue, JsValue>;
    /// `JSON.parse` of a JavaScript string, which `js_sys::JSON::parse` would copy through wasm.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse_js(text: &JsValue) -> std::result::Result<JsValue, JsValue>;
    /// `Reflect.get` without `catch`: js-sys's wraps each call in a closure over `arguments`,
    /// about 400 bytes of garbage per event that cost a young-generation GC per 10000 events.
    /// Objects `JSON.parse` made have no getters, so it cannot throw.
    #[wasm_bindgen(js_namespace = Reflect, js_name = get)]
    fn field(object: &JsValue, key: &JsValue) -> JsValue;
}

#[wasm_bindgen(module = "/src/js/body.js")]
extern "C" {
    /// The first of `events` that is not an object with a string at each of `keys`, or -1.
    #[wasm_bindgen(js_name = firstMisshapen)]
    fn first_misshapen(events: &Array, keys: &Array) -> i32;
    /// Whether `event` is an object with a string at each of `keys`.
    #[wasm_bindgen(js_name = isShaped)]
    fn is_shaped(event: &JsValue, keys: &Array) -> bool;
}

/// Events as `JSON.parse` made them, with the key of each one.
pub struct Events<'b> {
    /// The array handed to the caller.
    pub array: Array,
    /// Each event's href and timestamp, in the same order.
    pub keys: Vec<EventKey<'b>>,
}

/// An event's href and timestamp, owned, outliving the body they came from.
pub type OwnedKey = (String, String);

pub fn owned(events: Events<'_>) -> (Array, Vec<OwnedKey>) {
    let keys = events
        .keys
        .into_iter()
        .map(|k| (k.href.into_owned(), k.timestamp.into_owned()))
        .collect();
    (events.array, keys)
}

/// Materialises a collection body with one `JSON.parse` when its caller needs no keys.
///
/// The body never enters wasm on this path: a strict `TextDecoder` checks its UTF-8 as it
/// decodes, `JSON.parse` makes the events, and a pass over them checks the contract (an array
/// of objects, each with a string `href`, `timestamp` and `event_type`) as `events_from` does.
/// A body failing any of these goes to `events_from`, whose serde_json check names the fault.
///
/// The bytes are let go once decoded, before the parse, so that the body, its text and the
/// events are never held all at once; a fault found later gets the bytes back from the text
/// (a strict decode that keeps the byte order mark is lossless).
pub fn events_array(url: &str, body: Uint8Array, expect: Expect<'_>) -> Result<Array> {
    let Some(text) = decode(&body) else {
        return events_from(url, &body.to_vec(), expect).map(|events| events.array);
    };
    drop(body);
    match parse_checked(&text, expect) {
        Some(array) => Ok(array),
        None => {
            let bytes = text.as_string().unwrap_or_default().into_bytes();
            events_from(url, &bytes, expect).map(|events| events.array)
        }
    }
}

fn decode(body: &Uint8Array) -> Option<JsValue> {
    DECODER.with(|decoder| decoder.as_ref()?.decode(body).ok())
}

thread_local! {
    /// One strict decoder for every body: a decode of a whole input keeps no state.
    static DECODER: Option<Utf8Decoder> = {
        let options = Object::new();
        let _ = Reflect::set(&options, &"fatal".into(), &JsValue::TRUE);
        // A byte order mark is left in, so JSON.parse refuses it as serde_json does.
        let _ = Reflect::set(&options, &"ignoreBOM".into(), &JsValue::TRUE);
        Utf8Decoder::new("utf-8", &options).ok()
    };
}

fn parse_checked(text: &JsValue, expect: Expect<'_>) -> Option<Array> {
    let array = parse_js(text).ok()?.dyn_into::<Array>().ok()?;
    if FIELD_LIST.with(|keys| first_misshapen(&array, keys)) != -1 {
        return None;
    }
    let filtered = expect.created_by.is_some() || expect.pce_fqdn.is_some();
    (!filtered || (0..array.length()).all(|i| matches_filters(&array.get(i), expect)))
        .then_some(array)
}

thread_local! {
    /// The names of the fields every event must have, made into a JavaScript array once.
    static FIELD_LIST: Array = ["href", "timestamp", "event_type"]
        .into_iter()
        .map(JsValue::from_str)
        .collect();
}

/// Whether a single event `JSON.parse` made keeps the contract, as `event::check_event` reads
/// it from the bytes: an object with a string `href`, `timestamp` and `event_type`.
pub fn is_event_object(event: &JsValue) -> bool {
    FIELD_LIST.with(|keys| is_shaped(event, keys))
}

/// What is wrong with a single-event body that `JSON.parse` could not make into an event:
/// the serde_json check (`check_event`) of its bytes names the fault. Should the bytes pass,
/// the event they parse to.
pub fn event_from_bytes(url: &str, body: Uint8Array) -> Result<JsValue> {
    let bytes = body.to_vec();
    let text = utf8(url, &bytes)?;
    check_event(text).map_err(|p| PceError::invalid_response(url, &p))?;
    parse_json(url, text)
}

/// Whether a parsed event matches the filters the package checks (as `event::Expect` reads them
/// from the bytes; an event failing here goes to that check, which names the filter).
fn matches_filters(event: &JsValue, expect: Expect<'_>) -> bool {
    let text_is = |object: &JsValue, key: &str, wanted: &str| {
        field(object, &key.into()).as_string().as_deref() == Some(wanted)
    };
    let fqdn_ok = expect
        .pce_fqdn
        .is_none_or(|wanted| text_is(event, "pce_fqdn", wanted));
    let creator_ok = expect.created_by.is_none_or(|wanted| {
        Some(field(event, &"created_by".into()))
            .filter(|kinds| kinds.is_object() && !Array::is_array(kinds))
            .is_some_and(|kinds| {
                Object::values(kinds.unchecked_ref::<Object>())
                    .iter()
                    .any(|creator| {
                        creator.is_object()
                            && ["href", "username", "hostname"]
                                .iter()
                                .any(|key| text_is(&creator, key, wanted))
                    })
            })
    });
    fqdn_ok && creator_ok
}

/// Checks a collection body and materialises it with `JSON.parse`.
pub fn events_from<'b>(url: &str, body: &'b [u8], expect: Expect<'_>) -> Result<Events<'b>> {
    let text = utf8(url, body)?;
    let keys =
        check_events_matching(text, expect).map_err(|p| PceError::invalid_response(url, &p))?;
    let array = parse_json(url, text)?
        .dyn_into::<Array>()
        .map_err(|_| PceError::invalid_response(url, "the body is not a JSON array"))?;
    Ok(Events { array, keys })
}

/// The body as text, or an `invalid_response` naming the first bad byte.
fn utf8<'b>(url: &str, body: &'b [u8]) -> Result<&'b str> {
    std::str::from_utf8(body).map_err(|e| {
        PceError::invalid_response(
            url,
            &format!("the body is not valid UTF-8 (at byte {})", e.valid_up_to()),
        )
    })
}

/// `JSON.parse` of a checked body.
fn parse_json(url: &str, text: &str) -> Result<JsValue> {
    js_sys::JSON::parse(text)
        .map_err(|_| PceError::invalid_response(url, "JSON.parse refused the body"))
}
