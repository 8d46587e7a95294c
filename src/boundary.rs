//! The wasm-bindgen boundary: the exported functions, JavaScript options in,
//! `PceError` objects out. Decisions live in the pure modules.

use crate::client::{self, Hooks};
use crate::config::Config;
use crate::error::{PceError, Result};
use crate::href::event_path;
use crate::options::{Options, Value};
use crate::query::{EventQuery, QueryFor};
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

/// Runs an Events API query and resolves with the matching events, newest first.
#[wasm_bindgen(js_name = queryEvents, skip_typescript)]
pub async fn query_events(
    config: JsValue,
    query: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    let (config, query, hooks) = prepare(&config, &query, QueryFor::Query).map_err(to_js)?;
    client::query_events(&config, &query, &hooks)
        .await
        .map_err(to_js)
}

/// Resolves with how many events match a query, from one GET with `max_results=0`.
#[wasm_bindgen(js_name = countEvents, skip_typescript)]
pub async fn count_events(
    config: JsValue,
    query: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    let (config, query, hooks) = prepare(&config, &query, QueryFor::Count).map_err(to_js)?;
    client::count_events(&config, &query, &hooks)
        .await
        .map(JsValue::from)
        .map_err(to_js)
}

/// Fetches one event by its href or bare id.
#[wasm_bindgen(js_name = getEvent, skip_typescript)]
pub async fn get_event(
    config: JsValue,
    href_or_id: JsValue,
    options: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    let prepared = (|| {
        let config = Config::parse(&read_options(&config, "config", false)?)?;
        let href_or_id = href_or_id.as_string().ok_or_else(|| {
            PceError::invalid_argument(
                "hrefOrId",
                &format!(
                    "expected a string, got {}",
                    classify(&href_or_id).describe()
                ),
            )
        })?;
        let path = event_path(&href_or_id, config.org_id)?;
        let options_list = read_options(&options, "options", true)?;
        let present = crate::options::check_keys(&options_list, &["signal"], "getEvent")?;
        if let Some(v) = present.get("signal") {
            if *v != Value::Signal {
                return Err(PceError::invalid_argument(
                    "signal",
                    &format!("expected an AbortSignal, got {}", v.describe()),
                ));
            }
        }
        Ok((config, path, hooks_of(&options)))
    })();
    let (config, path, hooks) = prepared.map_err(to_js)?;
    client::get_event(&config, &path, &hooks)
        .await
        .map_err(to_js)
}

/// Whether a value is an error this package rejected with.
#[wasm_bindgen(js_name = isPceError, skip_typescript)]
pub fn is_pce_error(value: &JsValue) -> bool {
    value.dyn_ref::<js_sys::Error>().is_some_and(|e| {
        e.name() == "PceError"
            && Reflect::get(e, &JsValue::from_str("kind"))
                .ok()
                .and_then(|k| k.as_string())
                .is_some()
    })
}

fn prepare(
    config: &JsValue,
    query: &JsValue,
    purpose: QueryFor,
) -> Result<(Config, EventQuery, Hooks)> {
    let config = Config::parse(&read_options(config, "config", false)?)?;
    let parsed = EventQuery::parse(&read_options(query, "query", true)?, purpose)?;
    Ok((config, parsed, hooks_of(query)))
}

/// The signal and progress callback of an options object already validated.
fn hooks_of(options: &JsValue) -> Hooks {
    let get = |key: &str| {
        if options.is_object() {
            Reflect::get(options, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
        } else {
            JsValue::UNDEFINED
        }
    };
    Hooks {
        signal: get("signal").dyn_into::<AbortSignal>().ok(),
        on_progress: get("onProgress").dyn_into::<Function>().ok(),
    }
}

/// Reads an options object's own enumerable keys and classifies their values.
pub fn read_options(value: &JsValue, name: &str, optional: bool) -> Result<Options> {
    if optional && value.is_undefined() {
        return Ok(Vec::new());
    }
    let object = match classify(value) {
        Value::Other("object") => value.unchecked_ref::<Object>(),
        other => {
            return Err(PceError::invalid_argument(
                name,
                &format!("expected an object, got {}", other.describe()),
            ))
        }
    };
    let mut options = Vec::new();
    for key in Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        let value = Reflect::get(object, &JsValue::from_str(&key))
            .map_err(|_| PceError::invalid_argument(&key, "reading it threw"))?;
        options.push((key, classify(&value)));
    }
    Ok(options)
}

/// What kind of JavaScript value this is, as the pure core sees it.
pub fn classify(value: &JsValue) -> Value {
    if value.is_undefined() {
        Value::Undefined
    } else if value.is_null() {
        Value::Null
    } else if let Some(b) = value.as_bool() {
        Value::Bool(b)
    } else if let Some(n) = value.as_f64() {
        Value::Number(n)
    } else if let Some(s) = value.as_string() {
        Value::String(s)
    } else if let Some(date) = value.dyn_ref::<js_sys::Date>() {
        Value::Date(date.get_time())
    } else if value.dyn_ref::<AbortSignal>().is_some() {
        Value::Signal
    } else if value.is_function() {
        Value::Function
    } else if value.is_bigint() {
        Value::Other("bigint")
    } else if value.is_symbol() {
        Value::Other("symbol")
    } else if Array::is_array(value) {
        Value::Other("array")
    } else {
        Value::Other("object")
    }
}

/// Makes the JavaScript `PceError`: an `Error` named "PceError" with the contract's fields.
pub fn to_js(error: PceError) -> JsValue {
    let js = js_sys::Error::new(&error.message);
    js.set_name("PceError");
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&js, &JsValue::from_str(key), &value);
    };
    set("kind", error.kind.as_str().into());
    if let Some(status) = error.status {
        set("status", status.into());
    }
    if let Some(token) = error.token {
        set("token", token.into());
    }
    if let Some(message) = error.pce_message {
        set("pceMessage", message.into());
    }
    if let Some(seconds) = error.retry_after {
        set("retryAfter", seconds.into());
    }
    if let Some(url) = error.url {
        set("url", url.into());
    }
    js.into()
}
