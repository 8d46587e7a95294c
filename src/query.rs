//! `EventQuery`: parse, validate, and render the query string of `GET /events`.

use crate::arguments::{check_keys, integer_in, string, Options, Value};
use crate::error::{PceError, Result};
use crate::event::Expect;
use pce_time::{format_rfc3339_millis, parse_rfc3339, Instant};

/// The severities a PCE knows, in falling order of urgency.
pub const SEVERITIES: [&str; 8] = [
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
];

/// The most events one synchronous GET may ask for.
pub const MAX_SYNC_RESULTS: u32 = 10_000;

/// The PCE's own default for `max_results`.
pub const DEFAULT_MAX_RESULTS: u32 = 100;

/// The most event types one query may name (each costs requests of its own).
pub const MAX_EVENT_TYPES: usize = 20;

/// The longest `createdBy` accepted: far above any href, username or host name.
const MAX_CREATED_BY: usize = 1024;

/// Which function the query belongs to: each accepts its own set of keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryFor {
    /// `queryEvents`: every `EventQuery` key.
    Query,
    /// `countEvents`: no `maxResults`, no `onProgress`.
    Count,
    /// `watchEvents`: no `until`, `maxResults`, `signal` or `onProgress`.
    Watch,
}

impl QueryFor {
    /// The option keys this function accepts.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            Self::Query => &[
                "eventType",
                "status",
                "severity",
                "createdBy",
                "pceFqdn",
                "since",
                "until",
                "maxResults",
                "signal",
                "onProgress",
            ],
            Self::Count => &[
                "eventType",
                "status",
                "severity",
                "createdBy",
                "pceFqdn",
                "since",
                "until",
                "signal",
            ],
            Self::Watch => &[
                "eventType",
                "status",
                "severity",
                "createdBy",
                "pceFqdn",
                "since",
            ],
        }
    }
}

/// A bound of the time window: the text sent on the wire and the instant it means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bound {
    /// RFC 3339, as the caller gave it or as `Date.toISOString()` writes it.
    pub text: String,
    /// The instant, for comparisons.
    pub at: Instant,
}

impl Bound {
    /// The bound at `millis` since the epoch, written as `Date.toISOString()` would.
    pub fn from_millis(millis: i64) -> Option<Bound> {
        let text = format_rfc3339_millis(millis)?;
        let at = parse_rfc3339(&text)?;
        Some(Bound { text, at })
    }
}

/// A validated query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventQuery {
    /// `event_type`: none, one, or several (one request each, see `per_type`).
    pub event_types: Vec<String>,
    /// `status`.
    pub status: Option<String>,
    /// `severity`.
    pub severity: Option<String>,
    /// `created_by`: the creator's href, username or host name.
    pub created_by: Option<String>,
    /// `pce_fqdn`: the PCE of a Supercluster that recorded the event.
    pub pce_fqdn: Option<String>,
    /// `timestamp[gte]`.
    pub since: Option<Bound>,
    /// `timestamp[lte]`.
    pub until: Option<Bound>,
    /// How many events the caller wants at most.
    pub max_results: u32,
}

impl EventQuery {
    /// Validates the options of an `EventQuery` for `purpose`; `signal` and
    /// `onProgress` are only type-checked here, the boundary keeps the objects.
    pub fn parse(options: &Options, purpose: QueryFor) -> Result<EventQuery> {
        let present = check_keys(options, purpose.keys(), "query")?;
        let one_of = |key: &str, allowed: &[&str]| -> Result<Option<String>> {
            present
                .get(key)
                .map(|v| {
                    let text = string(v, key)?;
                    if allowed.contains(&text) {
                        Ok(text.to_string())
                    } else {
                        Err(PceError::invalid_argument(
                            key,
                            &format!(
                                "expected one of {}, got {}",
                                allowed.join(", "),
                                v.describe()
                            ),
                        ))
                    }
                })
                .transpose()
        };
        let event_types = present
            .get("eventType")
            .map(event_types)
            .transpose()?
            .unwrap_or_default();
        let query = EventQuery {
            event_types,
            status: one_of("status", &["success", "failure"])?,
            severity: one_of("severity", &SEVERITIES)?,
            created_by: present.get("createdBy").map(created_by).transpose()?,
            pce_fqdn: present.get("pceFqdn").map(pce_fqdn).transpose()?,
            since: present
                .get("since")
                .map(|v| bound(v, "since"))
                .transpose()?,
            until: present
                .get("until")
                .map(|v| bound(v, "until"))
                .transpose()?,
            max_results: present
                .get("maxResults")
                .map_or(Ok(f64::from(DEFAULT_MAX_RESULTS)), |v| {
                    integer_in(v, "maxResults", 1.0, f64::from(u32::MAX))
                })? as u32,
        };
        if let (Some(since), Some(until)) = (&query.since, &query.until) {
            if since.at > until.at {
                return Err(PceError::invalid_argument(
                    "since",
                    &format!("{} is later than until {}", since.text, until.text),
                ));
            }
        }
        present.expect("signal", Value::Signal)?;
        present.expect("onProgress", Value::Function)?;
        Ok(query)
    }

    /// The filters the package checks on every answer itself (see `event::Expect`).
    pub fn expect(&self) -> Expect<'_> {
        Expect {
            created_by: self.created_by.as_deref(),
            pce_fqdn: self.pce_fqdn.as_deref(),
        }
    }

    /// Whether the caller wants more than one synchronous GET can return.
    pub fn needs_async(&self) -> bool {
        self.max_results > MAX_SYNC_RESULTS
    }

    /// One query per event type, in the caller's order (the query itself when it names at most one).
    pub fn per_type(&self) -> Vec<EventQuery> {
        if self.event_types.len() <= 1 {
            return vec![self.clone()];
        }
        self.event_types
            .iter()
            .map(|t| EventQuery {
                event_types: vec![t.clone()],
                ..self.clone()
            })
            .collect()
    }

    /// The query string (without `?`) for `max_results`, every value percent-encoded.
    /// A query of several event types is rendered through `per_type`: the PCE takes one.
    pub fn render(&self, max_results: u32) -> String {
        debug_assert!(self.event_types.len() <= 1, "render each of per_type()");
        let mut out = String::new();
        let mut pair = |key: &str, value: &str| {
            if !out.is_empty() {
                out.push('&');
            }
            percent_encode(key, &mut out);
            out.push('=');
            percent_encode(value, &mut out);
        };
        if let Some(v) = self.event_types.first() {
            pair("event_type", v);
        }
        if let Some(v) = &self.status {
            pair("status", v);
        }
        if let Some(v) = &self.severity {
            pair("severity", v);
        }
        if let Some(v) = &self.created_by {
            pair("created_by", v);
        }
        if let Some(v) = &self.pce_fqdn {
            pair("pce_fqdn", v);
        }
        if let Some(b) = &self.since {
            pair("timestamp[gte]", &b.text);
        }
        if let Some(b) = &self.until {
            pair("timestamp[lte]", &b.text);
        }
        pair("max_results", &max_results.to_string());
        out
    }
}

/// Reads `eventType`: one non-empty string, or an array of 1 to 20 distinct ones.
fn event_types(value: &Value) -> Result<Vec<String>> {
    let one = |v: &Value, key: &str| match v {
        Value::String(text) if text.is_empty() => Err(PceError::invalid_argument(
            key,
            "must not be empty (an event type looks like \"user.sign_in\")",
        )),
        Value::String(text) => Ok(text.clone()),
        other => Err(PceError::invalid_argument(
            key,
            &format!(
                "expected an event type string or an array of them, got {}",
                other.describe()
            ),
        )),
    };
    let Value::Array(items) = value else {
        return Ok(vec![one(value, "eventType")?]);
    };
    if items.is_empty() || items.len() > MAX_EVENT_TYPES {
        return Err(PceError::invalid_argument(
            "eventType",
            &format!(
                "expected 1 to {MAX_EVENT_TYPES} event types, got {}",
                items.len()
            ),
        ));
    }
    let mut types: Vec<String> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let text = one(item, &format!("eventType[{i}]"))?;
        if types.contains(&text) {
            return Err(PceError::invalid_argument(
                "eventType",
                &format!("names {text:?} twice"),
            ));
        }
        types.push(text);
    }
    Ok(types)
}

/// Reads `createdBy`: a creator's href (`/users/14`), username or host name, sent as given.
fn created_by(value: &Value) -> Result<String> {
    let text = string(value, "createdBy")?;
    if text.is_empty() || text.len() > MAX_CREATED_BY || text.chars().any(char::is_control) {
        return Err(PceError::invalid_argument(
            "createdBy",
            &format!(
                "expected the creator's href, username or host name (such as \"/users/14\"), got {}",
                value.describe()
            ),
        ));
    }
    Ok(text.to_string())
}

/// Reads `pceFqdn`: a host name such as `pce2.example.com`, sent as given.
fn pce_fqdn(value: &Value) -> Result<String> {
    let text = string(value, "pceFqdn")?;
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if text.len() > 253 || !text.split('.').all(label_ok) {
        return Err(PceError::invalid_argument(
            "pceFqdn",
            &format!(
                "expected a host name such as \"pce2.example.com\", got {}",
                value.describe()
            ),
        ));
    }
    Ok(text.to_string())
}

/// Reads `since` or `until`: an RFC 3339 string (sent as given) or a valid `Date`.
pub fn bound(value: &Value, key: &str) -> Result<Bound> {
    let problem = match value {
        Value::String(text) => match parse_rfc3339(text) {
            Some(at) => {
                return Ok(Bound {
                    text: text.clone(),
                    at,
                })
            }
            None => format!(
                "expected an RFC 3339 timestamp such as \"2026-11-01T00:00:00Z\", got {}",
                value.describe()
            ),
        },
        Value::Date(ms) if ms.is_finite() => {
            let text = format_rfc3339_millis(*ms as i64);
            match text.as_deref().and_then(parse_rfc3339) {
                Some(at) => {
                    return Ok(Bound {
                        text: text.unwrap_or_default(),
                        at,
                    })
                }
                None => "the Date lies outside the years 0 to 9999".to_string(),
            }
        }
        Value::Date(_) => "the Date is invalid".to_string(),
        other => format!(
            "expected an RFC 3339 string or a Date, got {}",
            other.describe()
        ),
    };
    Err(PceError::invalid_argument(key, &problem))
}

/// Appends `text` percent-encoded: everything but RFC 3986's unreserved characters.
pub fn percent_encode(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, Value)], purpose: QueryFor) -> Result<EventQuery> {
        let opts: Options = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        EventQuery::parse(&opts, purpose)
    }

    fn s(v: &str) -> Value {
        Value::String(v.into())
    }

    #[test]
    fn renders_every_filter_percent_encoded() {
        let q = parse(
            &[
                ("eventType", s("user.sign_in")),
                ("status", s("failure")),
                ("severity", s("err")),
                ("since", s("2026-11-01T00:00:00+01:00")),
                ("until", Value::Date(1_793_491_200_000.0)),
                ("maxResults", Value::Number(500.0)),
            ],
            QueryFor::Query,
        )
        .unwrap();
        assert_eq!(
            q.render(q.max_results),
            "event_type=user.sign_in&status=failure&severity=err\
             &timestamp%5Bgte%5D=2026-11-01T00%3A00%3A00%2B01%3A00\
             &timestamp%5Blte%5D=2026-11-01T00%3A00%3A00.000Z&max_results=500"
        );
        assert!(!q.needs_async());
    }

    #[test]
    fn defaults_to_the_pce_default_of_100() {
        let q = parse(&[], QueryFor::Query).unwrap();
        assert_eq!(q.render(q.max_results), "max_results=100");
        assert!(
            parse(&[("maxResults", Value::Number(10_001.0))], QueryFor::Query)
                .unwrap()
                .needs_async()
        );
    }

    #[test]
    fn refuses_each_bad_option_by_name() {
        let cases = [
            ("severity", s("error")),
            ("severity", s("INFO")),
            ("status", s("ok")),
            ("since", s("2026-11-01")),
            ("since", s("last week")),
            ("since", Value::Date(f64::NAN)),
            ("until", Value::Number(5.0)),
            ("maxResults", Value::Number(0.0)),
            ("maxResults", Value::Number(2.5)),
            ("maxResults", s("10")),
            ("eventType", s("")),
            ("eventType", Value::Number(1.0)),
            ("signal", Value::Other("object")),
            ("onProgress", s("log")),
        ];
        for (key, value) in cases {
            let err = parse(&[(key, value.clone())], QueryFor::Query).unwrap_err();
            assert!(
                err.message.contains(&format!("`{key}`")),
                "{key} {value:?}: {}",
                err.message
            );
        }
    }

    #[test]
    fn since_after_until_is_refused() {
        let err = parse(
            &[
                ("since", s("2026-11-02T00:00:00Z")),
                ("until", s("2026-11-01T23:00:00+01:00")),
            ],
            QueryFor::Query,
        )
        .unwrap_err();
        assert!(err.message.contains("`since`"));
        assert!(parse(
            &[
                ("since", s("2026-11-02T00:00:00Z")),
                ("until", s("2026-11-01T23:00:00-02:00"))
            ],
            QueryFor::Query,
        )
        .is_ok());
    }

    #[test]
    fn each_function_accepts_only_its_keys() {
        assert!(parse(&[("maxResults", Value::Number(1.0))], QueryFor::Count).is_err());
        assert!(parse(&[("onProgress", Value::Function)], QueryFor::Count).is_err());
        assert!(parse(&[("signal", Value::Signal)], QueryFor::Count).is_ok());
        assert!(parse(&[("until", s("2026-11-01T00:00:00Z"))], QueryFor::Watch).is_err());
        assert!(parse(&[("signal", Value::Signal)], QueryFor::Watch).is_err());
        assert!(parse(&[("since", s("2026-11-01T00:00:00Z"))], QueryFor::Watch).is_ok());
    }

    #[test]
    fn several_event_types_are_read_and_split() {
        let types = |v: Value| parse(&[("eventType", v)], QueryFor::Query);
        let q = types(Value::Array(vec![s("a.b"), s("c.d")])).unwrap();
        assert_eq!(q.event_types, ["a.b", "c.d"]);
        let singles = q.per_type();
        assert_eq!(singles.len(), 2);
        assert!(singles[1].render(5).starts_with("event_type=c.d&"));
        assert_eq!(types(s("a.b")).unwrap().per_type().len(), 1);
        let many = Value::Array((0..21).map(|i| s(&format!("t.{i}"))).collect());
        for (bad, named) in [
            (Value::Array(vec![]), "`eventType`"),
            (many, "`eventType`"),
            (Value::Array(vec![s("a"), s("a")]), "`eventType`"),
            (Value::Array(vec![s("a"), s("")]), "`eventType[1]`"),
            (Value::Array(vec![Value::Null]), "`eventType[0]`"),
        ] {
            let err = types(bad).unwrap_err();
            assert!(err.message.contains(named), "{}", err.message);
        }
    }

    #[test]
    fn created_by_and_pce_fqdn_are_checked_and_rendered() {
        let q = parse(
            &[
                ("createdBy", s("/users/14")),
                ("pceFqdn", s("pce2.example.com")),
            ],
            QueryFor::Count,
        )
        .unwrap();
        assert_eq!(
            q.render(0),
            "created_by=%2Fusers%2F14&pce_fqdn=pce2.example.com&max_results=0"
        );
        for (key, bad) in [
            ("createdBy", ""),
            ("createdBy", "a\tb"),
            ("pceFqdn", "a b"),
            ("pceFqdn", "-a.com"),
            ("pceFqdn", "a..com"),
            ("pceFqdn", "https://a.com"),
        ] {
            assert!(
                parse(&[(key, s(bad))], QueryFor::Watch).is_err(),
                "{key} {bad:?}"
            );
        }
    }

    #[test]
    fn percent_encoding_keeps_only_unreserved_characters() {
        let mut out = String::new();
        percent_encode("a b&c=d/é~", &mut out);
        assert_eq!(out, "a%20b%26c%3Dd%2F%C3%A9~");
    }
}
