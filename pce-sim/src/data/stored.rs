//! One verbatim event as the store keeps it (its JSON serialized once, and the fields the
//! filters read), and the filters of a collection query.

use pce_time::{parse_rfc3339, Instant};
use serde_json::Value;

use crate::values::{minify, Compact};

/// The string fields a collection query can filter on, as an event holds them or a
/// filter wants them (`None`: not a string, or no filter on it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields {
    /// `event_type`.
    pub event_type: Option<String>,
    /// `status`.
    pub status: Option<String>,
    /// `severity`.
    pub severity: Option<String>,
    /// `pce_fqdn`.
    pub pce_fqdn: Option<String>,
}

impl Fields {
    /// Whether an event's fields satisfy these wanted ones.
    fn accept(&self, event: &Fields) -> bool {
        [
            (&self.event_type, &event.event_type),
            (&self.status, &event.status),
            (&self.severity, &event.severity),
            (&self.pce_fqdn, &event.pce_fqdn),
        ]
        .iter()
        .all(|(want, got)| want.as_ref().is_none_or(|w| got.as_ref() == Some(w)))
    }
}

/// One stored event: its serialized JSON and the fields the filters read.
#[derive(Debug)]
pub struct StoredEvent {
    /// The instant of its `timestamp`.
    pub ts: Instant,
    /// Arrival order, which breaks ties between equal timestamps.
    pub seq: u64,
    /// Its `href`.
    pub href: String,
    /// Its filterable fields.
    pub fields: Fields,
    /// Who created it, in every form `created_by` may name them: the creator's
    /// `href`, `username` and `hostname`, whatever the creator's kind.
    pub creators: Box<[Box<str>]>,
    /// The compact JSON text of the whole event.
    pub json: Box<str>,
}

impl StoredEvent {
    /// Reads the filterable fields of an event's JSON text (compact or not; stored compact).
    pub fn from_json(text: &str) -> Result<StoredEvent, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let object = value.as_object().ok_or("an event must be a JSON object")?;
        let href = object
            .get("href")
            .and_then(Value::as_str)
            .ok_or("an event needs a string href")?;
        let timestamp = object
            .get("timestamp")
            .and_then(Value::as_str)
            .ok_or("an event needs a string timestamp")?;
        let ts = parse_rfc3339(timestamp).ok_or("the event's timestamp is not RFC 3339")?;
        let field = |name: &str| object.get(name).and_then(Value::as_str).map(str::to_string);
        Ok(StoredEvent {
            ts,
            seq: 0,
            href: href.to_string(),
            fields: Fields {
                event_type: field("event_type"),
                status: field("status"),
                severity: field("severity"),
                pce_fqdn: field("pce_fqdn"),
            },
            creators: creators_of(object.get("created_by")),
            json: minify(text).into_boxed_str(),
        })
    }

    /// Stores a generated event, whose indexed fields the generator already knows.
    pub fn from_generated(ts_ms: i64, href: String, fields: Fields, event: &Value) -> StoredEvent {
        let created_by = event.get("created_by");
        StoredEvent {
            ts: instant_of_millis(ts_ms),
            seq: 0,
            href,
            fields,
            creators: creators_of(created_by),
            json: String::from_utf8(event.to_bytes())
                .unwrap_or_default()
                .into_boxed_str(),
        }
    }
}

/// The names a `created_by` filter matches: each creator's `href`, `username` and `hostname`.
pub fn creators_of(created_by: Option<&Value>) -> Box<[Box<str>]> {
    created_by
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|kinds| kinds.values())
        .filter_map(Value::as_object)
        .flat_map(|creator| {
            ["href", "username", "hostname"]
                .into_iter()
                .filter_map(|key| creator.get(key)?.as_str())
        })
        .map(Box::from)
        .collect()
}

/// The instant of a count of milliseconds since the epoch.
pub fn instant_of_millis(ms: i64) -> Instant {
    Instant {
        secs: ms.div_euclid(1000),
        nanos: (ms.rem_euclid(1000) * 1_000_000) as u32,
    }
}

/// The filters of an events collection query.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// `event_type`, `status`, `severity`, `pce_fqdn`.
    pub fields: Fields,
    /// `created_by`: an href, username or hostname of the event's creator.
    pub created_by: Option<String>,
    /// `timestamp[gte]`.
    pub since: Option<Instant>,
    /// `timestamp[lte]`.
    pub until: Option<Instant>,
}

impl Filter {
    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        self.fields == Fields::default()
            && self.created_by.is_none()
            && self.since.is_none()
            && self.until.is_none()
    }

    /// Whether an event with these fields and creators passes the filters other than time.
    pub fn accepts(&self, fields: &Fields, creators: &[Box<str>]) -> bool {
        self.fields.accept(fields)
            && self
                .created_by
                .as_deref()
                .is_none_or(|wanted| creators.iter().any(|c| &**c == wanted))
    }

    /// Whether only the time window is filtered on.
    pub fn only_time(&self) -> bool {
        self.fields == Fields::default() && self.created_by.is_none()
    }

    /// Whether a stored event passes the filters other than time.
    pub fn matches(&self, e: &StoredEvent) -> bool {
        self.accepts(&e.fields, &e.creators)
    }
}
