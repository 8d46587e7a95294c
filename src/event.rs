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

/// The filters whose answer the package checks itself: the PCE documents them least,
/// so an answer that ignored one is refused rather than passed on unfiltered.
#[derive(Clone, Copy, Debug, Default)]
pub struct Expect<'q> {
    /// `createdBy`: each event's creator has this href, username or host name.
    pub created_by: Option<&'q str>,
    /// `pceFqdn`: each event's `pce_fqdn`.
    pub pce_fqdn: Option<&'q str>,
}

/// Checks a collection body (a JSON array of events) and returns each event's key, in order.
pub fn check_events(text: &str) -> Result<Vec<EventKey<'_>>, String> {
    check_events_matching(text, Expect::default())
}

/// `check_events`, also requiring every event to match `expect`.
pub fn check_events_matching<'b>(
    text: &'b str,
    expect: Expect<'_>,
) -> Result<Vec<EventKey<'b>>, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let keys = de
        .deserialize_any(CollectionVisitor(expect))
        .map_err(describe)?;
    de.end().map_err(describe)?;
    Ok(keys)
}

/// Checks a single-event body (a JSON object) and returns its key.
pub fn check_event(text: &str) -> Result<EventKey<'_>, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let key = EventSeed(None, Expect::default())
        .deserialize(&mut de)
        .map_err(describe)?;
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

struct CollectionVisitor<'q>(Expect<'q>);

impl<'de> Visitor<'de> for CollectionVisitor<'_> {
    type Value = Vec<EventKey<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array of events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut keys = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(100_000));
        while let Some(key) = seq.next_element_seed(EventSeed(Some(keys.len()), self.0))? {
            keys.push(key);
        }
        Ok(keys)
    }
}

/// Reads one event; carries its index in the collection for error messages, and the filters.
struct EventSeed<'q>(Option<usize>, Expect<'q>);

impl EventSeed<'_> {
    fn name(&self) -> String {
        match self.0 {
            Some(i) => format!("event {i}"),
            None => "the event".to_string(),
        }
    }
}

impl<'de> DeserializeSeed<'de> for EventSeed<'_> {
    type Value = EventKey<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EventSeed<'_> {
    type Value = EventKey<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} to be a JSON object", self.name())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut href, mut timestamp, mut event_type) = (None, None, None);
        let (mut fqdn_matches, mut creator_matches) = (false, false);
        while let Some(field) = map.next_key::<Field>()? {
            // A repeated key keeps its last value, as JSON.parse does.
            match field {
                Field::Href => href = Some(map.next_value::<MaybeStr>()?),
                Field::Timestamp => timestamp = Some(map.next_value::<MaybeStr>()?),
                Field::EventType => event_type = Some(map.next_value::<MaybeStr>()?),
                Field::PceFqdn if self.1.pce_fqdn.is_some() => {
                    fqdn_matches = map.next_value::<MaybeStr>()?.as_str() == self.1.pce_fqdn;
                }
                Field::CreatedBy => {
                    if let Some(wanted) = self.1.created_by {
                        creator_matches = map.next_value_seed(CreatorSeed {
                            wanted,
                            in_creator: false,
                        })?;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Field::PceFqdn | Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let ignored = |filter: &str, wanted: &str| {
            de::Error::custom(format!(
                "the PCE ignored the `{filter}` filter: {} does not match {wanted:?}",
                self.name()
            ))
        };
        if let Some(wanted) = self.1.pce_fqdn.filter(|_| !fqdn_matches) {
            return Err(ignored("pceFqdn", wanted));
        }
        if let Some(wanted) = self.1.created_by.filter(|_| !creator_matches) {
            return Err(ignored("createdBy", wanted));
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

/// Reads `created_by` (`{"user": {"href": …, "username": …}}`, `{"agent": {"hostname": …}}`, …):
/// whether any creator, of whatever kind, has the wanted href, username or host name.
/// `in_creator` tells the two levels apart: the kinds, then one creator's fields.
struct CreatorSeed<'q> {
    wanted: &'q str,
    in_creator: bool,
}

impl<'de> DeserializeSeed<'de> for CreatorSeed<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CreatorSeed<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut found = false;
        while let Some(key) = map.next_key::<MaybeStr>()? {
            found |= if !self.in_creator {
                map.next_value_seed(CreatorSeed {
                    wanted: self.wanted,
                    in_creator: true,
                })?
            } else if matches!(key.as_str(), Some("href" | "username" | "hostname")) {
                map.next_value::<MaybeStr>()?.as_str() == Some(self.wanted)
            } else {
                map.next_value::<IgnoredAny>()?;
                false
            };
        }
        Ok(found)
    }

    // Anything but an object names no creator.
    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_str<E>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }
}

/// The fields the check reads; every other key is skipped without allocating.
enum Field {
    Href,
    Timestamp,
    EventType,
    PceFqdn,
    CreatedBy,
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
                    "pce_fqdn" => Field::PceFqdn,
                    "created_by" => Field::CreatedBy,
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
    fn created_by_and_pce_fqdn_are_checked_when_asked() {
        let expect = |created_by, pce_fqdn| Expect {
            created_by,
            pce_fqdn,
        };
        // Users by href or username, agents by hostname, whatever the creator's kind.
        assert_eq!(
            check_events_matching(FIXTURES, expect(None, Some("pce.company.com")))
                .unwrap()
                .len(),
            7
        );
        let agent = r#"[{"href":"h","timestamp":"t","event_type":"e","pce_fqdn":"p",
            "created_by":{"agent":{"href":"/orgs/1/agents/66","hostname":"db-1"}}}]"#;
        for name in ["/orgs/1/agents/66", "db-1"] {
            assert!(check_events_matching(agent, expect(Some(name), Some("p"))).is_ok());
        }
        let user = r#"[{"href":"h","timestamp":"t","event_type":"e",
            "created_by":{"user":{"href":"/users/1","username":"a@b.c"}}}]"#;
        assert!(check_events_matching(user, expect(Some("a@b.c"), None)).is_ok());
        for (body, filter, wanted) in [
            (user, "createdBy", expect(Some("/users/2"), None)),
            (user, "pceFqdn", expect(None, Some("p"))),
            (agent, "createdBy", expect(Some("db-2"), None)),
            (agent, "pceFqdn", expect(None, Some("q"))),
            (FIXTURES, "createdBy", expect(Some("/users/1"), None)),
        ] {
            let err = check_events_matching(body, wanted).unwrap_err();
            assert!(
                err.contains(&format!("ignored the `{filter}` filter")),
                "{err}"
            );
        }
        let odd = r#"[{"href":"h","timestamp":"t","event_type":"e",
            "created_by":{"system":{},"x":null,"y":[1],"z":{"href":5,"name":"/users/1"}}}]"#;
        assert!(check_events_matching(odd, expect(Some("/users/1"), None)).is_err());
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
