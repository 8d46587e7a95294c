//! What every event family shares: the generator's draws of people, hosts and addresses, the
//! JSON pieces they are written with, and the assembly of a whole event from a family's result.

use pce_time::{civil_from_days, DAY_MS};

use super::rng::{entity_uuid, Rng};
use super::stored::Fields;
use super::vocabulary::{User, HOSTS, LABELS, PCE_FQDN, USERS};
use crate::values::{obj, object, opt, s};
use serde_json::Value;

/// The generator of one event: its org, its random numbers, and the burst it belongs to.
pub struct Gen<'a> {
    /// The org of the hrefs.
    pub org: u64,
    /// The event's own random numbers.
    pub rng: &'a mut Rng,
    /// The id of the burst (failed sign-ins from one address, or tampering on one host)
    /// this event is part of.
    pub burst: Option<u64>,
}

/// An event's `action`: the API call that caused it.
pub struct Act {
    endpoint: Option<String>,
    method: Option<&'static str>,
    code: Option<i64>,
    src_ip: Option<String>,
    info: Option<Value>,
    errors: Option<Value>,
}

impl Act {
    /// A call of `method` on `endpoint`, answered with `code`, from `src_ip`.
    pub fn new(
        method: &'static str,
        endpoint: impl Into<String>,
        code: i64,
        src_ip: String,
    ) -> Act {
        Act {
            endpoint: Some(endpoint.into()),
            method: Some(method),
            code: Some(code),
            src_ip: Some(src_ip),
            info: None,
            errors: None,
        }
    }

    /// No API call, only perhaps an address: what a system task records.
    pub fn internal(src_ip: Option<String>) -> Act {
        Act {
            endpoint: None,
            method: None,
            code: None,
            src_ip,
            info: None,
            errors: None,
        }
    }

    /// The same call, with `info` about it.
    pub fn with_info(mut self, info: Value) -> Act {
        self.info = Some(info);
        self
    }

    /// The same call, with the `errors` it was refused with.
    pub fn with_errors(mut self, errors: Value) -> Act {
        self.errors = Some(errors);
        self
    }
}

/// What a family decides about one event; the rest (href, timestamp, PCE) is the same for all.
pub struct Outcome {
    /// `event_type`.
    pub event_type: &'static str,
    /// `status`: `success`, `failure`, or none.
    pub status: Option<&'static str>,
    /// `severity`.
    pub severity: &'static str,
    /// `created_by`.
    pub created_by: Value,
    /// `action` (an object, or null).
    pub action: Value,
    /// `resource_changes`.
    pub changes: Vec<Value>,
    /// `notifications`.
    pub notes: Vec<Value>,
    /// Whether the href is a `/system_events/` one rather than an org's.
    pub system_href: bool,
}

impl Outcome {
    /// A successful `info` event with no changes or notifications yet.
    pub fn new(event_type: &'static str, created_by: Value, action: Value) -> Outcome {
        Outcome {
            event_type,
            status: Some("success"),
            severity: "info",
            created_by,
            action,
            changes: Vec::new(),
            notes: Vec::new(),
            system_href: false,
        }
    }

    /// The same event with this severity.
    pub fn severity(mut self, severity: &'static str) -> Outcome {
        self.severity = severity;
        self
    }

    /// The same event with this status.
    pub fn status(mut self, status: Option<&'static str>) -> Outcome {
        self.status = status;
        self
    }

    /// The same event, a failure if `failed`.
    pub fn failed(self, failed: bool) -> Outcome {
        if failed {
            self.status(Some("failure"))
        } else {
            self
        }
    }

    /// The same event, under `/system_events/` if `system`.
    pub fn system_href(mut self, system: bool) -> Outcome {
        self.system_href = system;
        self
    }
}

/// A generated event: its ordered JSON, and the fields the store indexes.
pub struct Generated {
    /// Its `href`.
    pub href: String,
    /// Its filterable fields.
    pub fields: Fields,
    /// The whole event.
    pub event: Value,
}

/// A change from `before` to `after`.
pub fn ba(before: Value, after: Value) -> Value {
    obj([("before", before), ("after", after)])
}

/// A change that sets a value where there was none.
pub fn new_value(after: Value) -> Value {
    ba(Value::Null, after)
}

/// A list change that only adds `items`.
pub fn created(items: Vec<Value>) -> Value {
    obj([("created", Value::Array(items))])
}

/// An RFC 3339 timestamp with milliseconds, as a PCE writes them (`null` outside years
/// 0 to 9999): the text of `pce_time::format_rfc3339_millis`, written by hand because
/// `format!` was an eighth of the time it takes to seed millions of events.
pub fn iso(ms: i64) -> Value {
    let (year, month, day) = civil_from_days(ms.div_euclid(DAY_MS));
    if !(0..=9999).contains(&year) {
        return Value::Null;
    }
    let in_day = ms.rem_euclid(DAY_MS);
    let mut out = *b"0000-00-00T00:00:00.000Z";
    let fields = [
        (0, 4, year),
        (5, 2, i64::from(month)),
        (8, 2, i64::from(day)),
        (11, 2, in_day / 3_600_000),
        (14, 2, in_day / 60_000 % 60),
        (17, 2, in_day / 1000 % 60),
        (20, 3, in_day % 1000),
    ];
    for (at, width, mut value) in fields {
        for i in (at..at + width).rev() {
            out[i] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    }
    Value::String(out.iter().map(|&b| char::from(b)).collect())
}

/// A reference to an object of `kind` by its href: `{"label": {"href": ...}}`.
pub fn resource(kind: &'static str, href: String) -> Value {
    obj([(kind, obj([("href", s(href))]))])
}

/// An agent, VEN or workload as events name them: its href and hostname.
pub fn host_ref(href: String, hostname: &str) -> Value {
    obj([("href", s(href)), ("hostname", s(hostname))])
}

/// `created_by` of what the PCE itself does.
pub fn system_creator() -> Value {
    obj([("system", obj([]))])
}

/// A user as events name them: href and username.
pub fn user_ref(user: User) -> Value {
    obj([
        ("href", s(format!("/users/{}", user.0))),
        ("username", s(user.1)),
    ])
}

/// `created_by` of what a user does.
pub fn user_creator(user: User) -> Value {
    obj([("user", user_ref(user))])
}

impl Gen<'_> {
    /// An address on the internal network.
    pub fn internal_ip(&mut self) -> String {
        format!(
            "10.{}.{}.{}",
            10 + self.rng.below(20),
            self.rng.below(256),
            2 + self.rng.below(250)
        )
    }

    /// Someone who acts on the PCE.
    pub fn user(&mut self) -> User {
        // A few people do most of the work.
        let idx = if self.rng.chance(0.5) {
            self.rng.below(3)
        } else {
            self.rng.below(USERS.len() as u64)
        };
        USERS[idx as usize]
    }

    /// An agent: its id and its host.
    pub fn agent(&mut self) -> (u64, &'static str) {
        let n = self.rng.below(HOSTS.len() as u64);
        (100 + n * 7, HOSTS[n as usize])
    }

    /// The href of a label.
    pub fn label_href(&mut self) -> String {
        format!(
            "/orgs/{}/labels/{}",
            self.org,
            1 + self.rng.below(LABELS.len() as u64 * 40)
        )
    }

    /// The href of a workload.
    pub fn workload_href(&mut self) -> String {
        format!(
            "/orgs/{}/workloads/{}",
            self.org,
            entity_uuid(3, self.rng.below(400))
        )
    }

    /// The id of a rule set.
    pub fn rule_set_id(&mut self) -> u64 {
        200 + self.rng.below(60)
    }

    /// The address of an API caller, now and then hidden as a PCE may hide it.
    pub fn src_ip(&mut self) -> String {
        if self.rng.chance(0.06) {
            "FILTERED".to_string()
        } else {
            self.internal_ip()
        }
    }

    /// The `action` object of a call.
    pub fn action(&mut self, a: Act) -> Value {
        let mut fields: Vec<(&str, Value)> = vec![("uuid", s(self.rng.uuid()))];
        if let Some(info) = a.info {
            fields.push(("info", info));
        }
        fields.push(("api_endpoint", opt(a.endpoint.as_deref())));
        fields.push(("api_method", opt(a.method)));
        fields.push(("http_status_code", a.code.map_or(Value::Null, Value::from)));
        fields.push(("src_ip", opt(a.src_ip.as_deref())));
        if let Some(errors) = a.errors {
            fields.push(("errors", errors));
        }
        object(fields)
    }

    /// A call of the public API, mostly with an API key, with errors when it was refused.
    fn api_act(&mut self, method: &'static str, endpoint: String, code: i64) -> Act {
        let info = if self.rng.chance(0.75) {
            Some(obj([(
                "api_key_id",
                s(format!("{:x}", self.rng.next_u64() >> 4)),
            )]))
        } else {
            None
        };
        let mut act = Act::new(method, endpoint, code, self.src_ip());
        if let Some(info) = info {
            act = act.with_info(info);
        }
        if code >= 400 {
            let token = if code == 406 {
                "invalid_uri"
            } else {
                "input_validation_error"
            };
            act = act.with_errors(Value::Array(vec![obj([
                ("token", s(token)),
                ("message", s("The request was refused: a referenced object does not exist or a value is out of range")),
            ])]));
        }
        act
    }

    /// The `action` of a call of the public API: mostly with an API key, with errors when refused.
    pub fn api_action(&mut self, method: &'static str, endpoint: String, code: i64) -> Value {
        let act = self.api_act(method, endpoint, code);
        self.action(act)
    }

    /// A notification of `kind`.
    pub fn notification(&mut self, kind: &str, info: Value) -> Value {
        obj([
            ("uuid", s(self.rng.uuid())),
            ("notification_type", s(kind)),
            ("info", info),
        ])
    }

    /// A resource change.
    pub fn change(
        &mut self,
        resource: Value,
        changes: Vec<(&'static str, Value)>,
        change_type: &str,
    ) -> Value {
        obj([
            ("uuid", s(self.rng.uuid())),
            ("resource", resource),
            ("changes", object(changes)),
            ("change_type", s(change_type)),
        ])
    }

    /// `n` label references.
    pub fn label_list(&mut self, n: u64) -> Value {
        Value::Array(
            (0..n)
                .map(|_| obj([("href", s(self.label_href()))]))
                .collect(),
        )
    }

    /// One label added and one removed.
    pub fn label_swap(&mut self) -> Value {
        obj([
            ("created", self.label_list(1)),
            ("deleted", self.label_list(1)),
        ])
    }

    /// The whole event at `ts` from what its family decided; the event's id is the last draw.
    pub fn assemble(self, out: Outcome, ts: i64) -> Generated {
        let id = self.rng.uuid();
        let href = if out.system_href {
            format!("/system_events/{id}")
        } else {
            format!("/orgs/{}/events/{id}", self.org)
        };
        let event = obj([
            ("href", s(href.clone())),
            ("timestamp", iso(ts)),
            ("pce_fqdn", s(PCE_FQDN)),
            ("created_by", out.created_by),
            ("event_type", s(out.event_type)),
            ("status", opt(out.status)),
            ("severity", s(out.severity)),
            ("action", out.action),
            ("resource_changes", Value::Array(out.changes)),
            ("notifications", Value::Array(out.notes)),
            ("version", Value::from(2)),
        ]);
        let fields = Fields {
            event_type: Some(out.event_type.to_string()),
            status: out.status.map(str::to_string),
            severity: Some(out.severity.to_string()),
            pce_fqdn: Some(PCE_FQDN.to_string()),
        };
        Generated {
            href,
            fields,
            event,
        }
    }
}

#[cfg(test)]
mod tests {
    use pce_time::format_rfc3339_millis;

    use super::*;
    use crate::values::Compact;

    #[test]
    fn iso_writes_what_pce_time_formats() {
        let mut ms: i64 = -62_167_219_200_000 - 5; // just before year 0
        let mut step: i64 = 1;
        while ms < 253_402_300_800_000 + 5 {
            let want = format_rfc3339_millis(ms).map_or(Value::Null, Value::String);
            assert_eq!(iso(ms).to_bytes(), want.to_bytes(), "{ms}");
            ms += step;
            step = step * 3 / 2 + 7;
        }
        for ms in [
            0,
            999,
            1_000,
            1_800_000_000_123,
            253_402_300_799_999,
            253_402_300_800_000,
        ] {
            let want = format_rfc3339_millis(ms).map_or(Value::Null, Value::String);
            assert_eq!(iso(ms).to_bytes(), want.to_bytes(), "{ms}");
        }
    }
}
