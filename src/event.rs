//! Checking a response body against the contract, cheaply, before JavaScript
//! materialises it: only `href`, `timestamp` and `event_type` are read; every
//! other value is skipped, so unknown fields, kinds and severities pass untouched.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// What identifies an event: its href and its timestamp as sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventKey<'a> {
    /// The event's `href`.
    pub href: Cow<'a, str>,
    /// The event's `timestamp`, unparsed.
    pub timestamp: Cow<'a, str>,
}

/// Checks a collection body (a JSON array of events) and returns each event's key, in order.
pub fn check_events(text: &str) -> Result<Vec<EventKey<'_>>, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let keys = de.deserialize_any(CollectionVisitor).map_err(describe)?;
    de.end().map_err(describe)?;
    Ok(keys)
}

/// Checks a single-event body (a JSON object) and returns its key.
pub fn check_event(text: &str) -> Result<EventKey<'_>, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let key = EventSeed(None).deserialize(&mut de).map_err(describe)?;
    de.end().map_err(describe)?;
    Ok(key)
}

fn describe(e: serde_json::Error) -> String {
    match e.classify() {
        serde_json::error::Category::Eof => format!("the body ends early ({e})"),
        serde_json::error::Category::Syntax => format!("the body is not JSON ({e})"),
        _ => e.to_string(),
    }
}

struct CollectionVisitor;

impl<'de> Visitor<'de> for CollectionVisitor {
    type Value = Vec<EventKey<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array of events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut keys = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(100_000));
        while let Some(key) = seq.next_element_seed(EventSeed(Some(keys.len())))? {
            keys.push(key);
        }
        Ok(keys)
    }
}

/// Reads one event; carries its index in the collection for error messages.
struct EventSeed(Option<usize>);

impl EventSeed {
    fn name(&self) -> String {
        match self.0 {
            Some(i) => format!("event {i}"),
            None => "the event".to_string(),
        }
    }
}

impl<'de> DeserializeSeed<'de> for EventSeed {
    type Value = EventKey<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EventSeed {
    type Value = EventKey<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} to be a JSON object", self.name())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut href, mut timestamp, mut event_type) = (None, None, None);
        while let Some(field) = map.next_key::<Field>()? {
            // A repeated key keeps its last value, as JSON.parse does.
            match field {
                Field::Href => href = Some(map.next_value::<MaybeStr>()?),
                Field::Timestamp => timestamp = Some(map.next_value::<MaybeStr>()?),
                Field::EventType => event_type = Some(map.next_value::<MaybeStr>()?),
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let require = |value: Option<MaybeStr<'de>>, field: &str| match value {
            Some(MaybeStr::Str(s)) => Ok(s),
            Some(MaybeStr::Other(kind)) => Err(de::Error::custom(format!(
                "{} has `{field}` of type {kind}, not a string",
                self.name()
            ))),
            None => Err(de::Error::custom(format!(
                "{} has no `{field}`",
                self.name()
            ))),
        };
        let href = require(href, "href")?;
        let timestamp = require(timestamp, "timestamp")?;
        require(event_type, "event_type")?;
        Ok(EventKey { href, timestamp })
    }
}

/// The three fields the check reads; every other key is skipped without allocating.
enum Field {
    Href,
    Timestamp,
    EventType,
    Other,
}

impl<'de> de::Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl Visitor<'_> for FieldVisitor {
            type Value = Field;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
                Ok(match v {
                    "href" => Field::Href,
                    "timestamp" => Field::Timestamp,
                    "event_type" => Field::EventType,
                    _ => Field::Other,
                })
            }
        }
        d.deserialize_identifier(FieldVisitor)
    }
}

/// A value that should be a string; anything else is skipped and named by its type.
pub enum MaybeStr<'a> {
    /// A string, borrowed from the body when it has no escapes.
    Str(Cow<'a, str>),
    /// Any other JSON value, by its type name.
    Other(&'static str),
}

impl MaybeStr<'_> {
    /// The string, if the value was one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            Self::Other(_) => None,
        }
    }
}

impl<'de: 'a, 'a> de::Deserialize<'de> for MaybeStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = MaybeStr<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(MaybeStr::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(MaybeStr::Str(Cow::Owned(v.to_string())))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(MaybeStr::Other("boolean"))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(MaybeStr::Other("number"))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(MaybeStr::Other("number"))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(MaybeStr::Other("number"))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(MaybeStr::Other("null"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(MaybeStr::Other("array"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(MaybeStr::Other("object"))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/illumio-py-events.json"
    ));

    #[test]
    fn the_real_payloads_pass_with_their_keys() {
        let keys = check_events(FIXTURES).unwrap();
        assert_eq!(keys.len(), 7);
        assert_eq!(
            keys[0].href,
            "/orgs/1/events/71d7ba77-7a84-4e56-ae46-7226b983b550"
        );
        assert_eq!(keys[0].timestamp, "2022-08-17T18:12:24.268Z");
        assert!(keys.iter().any(|k| k.href.starts_with("/system_events/")));
    }

    #[test]
    fn unknown_fields_kinds_and_severities_pass() {
        let body = r#"[{"href":"/orgs/1/events/a","timestamp":"t","event_type":"x.y",
            "severity":"catastrophic","created_by":{"robot":{"id":1}},"status":null,
            "new_field":[1,{"deep":[null]}],"action":null}]"#;
        assert_eq!(check_events(body).unwrap().len(), 1);
        assert_eq!(check_events("[]").unwrap().len(), 0);
    }

    #[test]
    fn escaped_strings_are_read() {
        let body = r#"{"href":"\/orgs\/1\/events\/a","timestamp":"2022","event_type":"x"}"#;
        assert_eq!(check_event(body).unwrap().href, "/orgs/1/events/a");
    }

    #[test]
    fn contract_breaks_are_described() {
        let cases = [
            ("", "ends early"),
            ("[{\"href\":", "ends early"),
            ("<html>", "not JSON"),
            ("42", "array"),
            ("{\"href\":\"a\"}", "array"),
            ("[1]", "event 0"),
            ("[{\"timestamp\":\"t\",\"event_type\":\"e\"}]", "`href`"),
            (
                "[{\"href\":5,\"timestamp\":\"t\",\"event_type\":\"e\"}]",
                "number",
            ),
            (
                "[{\"href\":\"h\",\"timestamp\":null,\"event_type\":\"e\"}]",
                "`timestamp`",
            ),
            ("[{\"href\":\"h\",\"timestamp\":\"t\"}]", "`event_type`"),
            ("[] x", "trailing"),
        ];
        for (body, expected) in cases {
            let err = check_events(body).unwrap_err();
            assert!(err.contains(expected), "{body:?}: {err}");
        }
        assert!(check_event("[]").unwrap_err().contains("JSON object"));
    }

    #[test]
    fn deep_nesting_never_crashes() {
        let deep = "[".repeat(100_000);
        assert!(check_events(&deep).is_err());
        let deep_value = format!(
            "[{{\"href\":\"h\",\"timestamp\":\"t\",\"event_type\":\"e\",\"x\":{}{}}}]",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        // Skipped values are walked without recursion, so valid deep JSON passes, as in JSON.parse.
        assert_eq!(check_events(&deep_value).unwrap().len(), 1);
    }
}
