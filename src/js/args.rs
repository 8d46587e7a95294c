//! Reading the arguments of the exported functions: options objects classified for the core,
//! and the objects the core cannot hold (the caller's signal and callbacks).

use crate::arguments::{Options, Value};
use crate::config::Config;
use crate::error::{PceError, Result};
use crate::js::send::Hooks;
use crate::query::{EventQuery, QueryFor};
use js_sys::{Array, Int32Array, Object, Reflect, Symbol};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

/// The config, the query for `purpose`, and the query's signal and progress callback.
pub fn prepare(
    config: &JsValue,
    query: &JsValue,
    purpose: QueryFor,
) -> Result<(Config, EventQuery, Hooks)> {
    let allowance = allowance_of(config);
    let config = Config::parse(&read_options(config, "config", false)?)?;
    let parsed = EventQuery::parse(&read_options(query, "query", true)?, purpose)?;
    let mut hooks = hooks_of(query);
    hooks.allowance = allowance;
    Ok((config, parsed, hooks))
}

/// The request allowance `queryTimeline`'s JavaScript puts on the configs of the calls it
/// makes, under a symbol so that `Object.keys` (and so option checking) never sees it.
fn allowance_of(config: &JsValue) -> Option<Int32Array> {
    if !config.is_object() {
        return None;
    }
    let key = Symbol::for_("illumio-events.requestsLeft");
    Reflect::get(config, &key).ok()?.dyn_into().ok()
}

/// The signal and progress callback of an options object already validated.
pub fn hooks_of(options: &JsValue) -> Hooks {
    Hooks {
        signal: option_object(options, "signal"),
        on_progress: option_object(options, "onProgress"),
        allowance: None,
    }
}

/// An option of an already validated options object, if present and of type `T`.
pub fn option_object<T: JsCast>(options: &JsValue, key: &str) -> Option<T> {
    if !options.is_object() {
        return None;
    }
    Reflect::get(options, &JsValue::from_str(key))
        .ok()?
        .dyn_into::<T>()
        .ok()
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

/// What kind of JavaScript value this is, as the pure core sees it; an array's elements too.
pub fn classify(value: &JsValue) -> Value {
    match value.dyn_ref::<Array>() {
        Some(array) => Value::Array(array.iter().map(|item| classify_flat(&item)).collect()),
        None => classify_flat(value),
    }
}

/// `classify` one level deep: an array inside an array is only named.
fn classify_flat(value: &JsValue) -> Value {
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
