//! Building pce-sim's JSON on serde_json's `Value`, whose objects keep their keys in insertion
//! order (`preserve_order`), as a PCE lists `href` first: short constructors, compact bytes,
//! and Illumio's error body.

use serde_json::{Map, Value};

/// A string value.
pub fn s(text: impl Into<String>) -> Value {
    Value::String(text.into())
}

/// An object from `(key, value)` pairs, in their order.
pub fn obj<const N: usize>(fields: [(&str, Value); N]) -> Value {
    object(fields)
}

/// An object from any `(key, value)` pairs, in their order.
pub fn object<K: Into<String>>(fields: impl IntoIterator<Item = (K, Value)>) -> Value {
    Value::Object(
        fields
            .into_iter()
            .map(|(k, v)| (k.into(), v))
            .collect::<Map<_, _>>(),
    )
}

/// A string, or `null` when absent.
pub fn opt(text: Option<&str>) -> Value {
    text.map_or(Value::Null, s)
}

/// What pce-sim does with a value besides what serde_json offers.
pub trait Compact {
    /// The compact JSON text.
    fn to_bytes(&self) -> Vec<u8>;
    /// Appends the compact JSON text to `out`.
    fn write(&self, out: &mut Vec<u8>);
    /// Sets `key` in an object, replacing its value in place or appending it.
    fn set(&mut self, key: &str, value: Value);
}

impl Compact for Value {
    fn to_bytes(&self) -> Vec<u8> {
        // A Value holds only what JSON can write, so serializing cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    fn write(&self, out: &mut Vec<u8>) {
        // Writing to a Vec cannot fail.
        let _ = serde_json::to_writer(out, self);
    }

    fn set(&mut self, key: &str, value: Value) {
        if let Value::Object(map) = self {
            map.insert(key.to_string(), value);
        }
    }
}

/// Removes the whitespace between tokens of valid JSON text, leaving strings untouched, so
/// that pretty-printed input (the fixture file) goes out as compactly as a PCE sends it.
/// Hand-written because a round trip through `Value` would round integers beyond 2^53,
/// and serde_json's `arbitrary_precision` would change the package crate's own parsing in
/// workspace builds (features unify).
pub fn minify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_ascii_whitespace() {
            out.push(c);
        }
    }
    out
}

/// An Illumio error body: `[{"token": ..., "message": ...}]`.
pub fn error_body(token: &str, message: &str) -> Vec<u8> {
    Value::Array(vec![obj([("token", s(token)), ("message", s(message))])]).to_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minify_keeps_strings() {
        assert_eq!(
            minify("{ \"a b\" : [ 1 , \"x \\\" y\" ] }"),
            "{\"a b\":[1,\"x \\\" y\"]}"
        );
    }

    #[test]
    fn objects_keep_order() {
        let mut v = obj([("z", Value::from(1)), ("a", Value::Null)]);
        v.set("z", s("q"));
        v.set("m", Value::Bool(true));
        assert_eq!(v.to_bytes(), br#"{"z":"q","a":null,"m":true}"#.to_vec());
    }
}
