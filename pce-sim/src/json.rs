//! A JSON value that keeps its keys in the order they were written, and small helpers.
//!
//! serde_json's own `Value` sorts object keys unless its `preserve_order` feature
//! is on, and turning that feature on here would change the root crate's maps too
//! (features unify across the workspace). Events a PCE sends list `href` first, so
//! the simulator builds them with this type instead.

use std::borrow::Cow;

use serde_json::Value;

/// An object key: borrowed for the generator's literal keys, which saves an allocation each.
pub type Key = Cow<'static, str>;

/// An ordered JSON value.
#[derive(Clone, Debug)]
pub enum J {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<J>),
    /// An object whose keys keep their insertion order.
    Obj(Vec<(Key, J)>),
    /// Text that is already valid JSON, written as is.
    Raw(String),
}

impl J {
    /// Serializes compactly.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        self.write(&mut out);
        out
    }

    /// Appends the compact serialization to `out`.
    pub fn write(&self, out: &mut Vec<u8>) {
        match self {
            J::Null => out.extend_from_slice(b"null"),
            J::Bool(true) => out.extend_from_slice(b"true"),
            J::Bool(false) => out.extend_from_slice(b"false"),
            J::Int(n) => out.extend_from_slice(n.to_string().as_bytes()),
            J::Str(s) => write_str(out, s),
            J::Raw(s) => out.extend_from_slice(s.as_bytes()),
            J::Arr(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    item.write(out);
                }
                out.push(b']');
            }
            J::Obj(fields) => {
                out.push(b'{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_str(out, k);
                    out.push(b':');
                    v.write(out);
                }
                out.push(b'}');
            }
        }
    }

    /// Sets `key` in an object, replacing its value in place or appending it.
    pub fn set(&mut self, key: &str, value: J) {
        if let J::Obj(fields) = self {
            if let Some(slot) = fields.iter_mut().find(|(k, _)| k == key) {
                slot.1 = value;
            } else {
                fields.push((Cow::Owned(key.to_string()), value));
            }
        }
    }
}

impl From<&Value> for J {
    fn from(v: &Value) -> J {
        match v {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => J::Int(i),
                None => J::Raw(n.to_string()),
            },
            Value::String(s) => J::Str(s.clone()),
            Value::Array(items) => J::Arr(items.iter().map(J::from).collect()),
            Value::Object(map) => J::Obj(
                map.iter()
                    .map(|(k, v)| (Cow::Owned(k.clone()), J::from(v)))
                    .collect(),
            ),
        }
    }
}

/// A string value.
pub fn s(text: impl Into<String>) -> J {
    J::Str(text.into())
}

/// An object from `(key, value)` pairs.
pub fn obj<const N: usize>(fields: [(&'static str, J); N]) -> J {
    J::Obj(
        fields
            .into_iter()
            .map(|(k, v)| (Cow::Borrowed(k), v))
            .collect(),
    )
}

/// A string, or `null` when absent.
pub fn opt(text: Option<&str>) -> J {
    text.map_or(J::Null, s)
}

fn write_str(out: &mut Vec<u8>, text: &str) {
    // serde_json's escaping is the reference; a String always serializes.
    serde_json::to_writer(&mut *out, text).unwrap_or(());
}

/// Removes the whitespace between tokens of valid JSON text, leaving strings untouched,
/// so that pretty-printed input (the fixture file) goes out as compactly as a PCE sends it.
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
    J::Arr(vec![obj([("token", s(token)), ("message", s(message))])]).to_bytes()
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
        let mut v = obj([("z", J::Int(1)), ("a", J::Null)]);
        v.set("z", s("q"));
        v.set("m", J::Bool(true));
        assert_eq!(v.to_bytes(), br#"{"z":"q","a":null,"m":true}"#.to_vec());
    }
}
