//! The event store and the seeded, deterministic event generator.
//!
//! Every event's JSON is serialized once, when it is stored; collections are
//! answered by concatenating those bytes, which keeps a 10000-event answer cheap.

use std::collections::HashMap;
use std::sync::Arc;

use pce_time::{format_rfc3339_millis, parse_rfc3339, Instant, DAY_MS};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::json::{minify, obj, opt, s, J};

/// The seven real events from illumio-py's public test data, kept verbatim.
pub const FIXTURES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/illumio-py-events.json"
));

/// A small, fast, seedable PRNG (splitmix64): no `rand` crate needed for test data.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose whole sequence follows from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// A uniform integer in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// A uniform float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// A random (version 4) UUID.
    pub fn uuid(&mut self) -> String {
        uuid_from(self.next_u64(), self.next_u64())
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn uuid_from(a: u64, b: u64) -> String {
    let a = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
    let b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFFF,
        b >> 48,
        b & 0xFFFF_FFFF_FFFF
    )
}

/// A stable UUID for the `n`th entity of a kind (agents, VENs, clusters), the same in every run.
fn entity_uuid(kind: u64, n: u64) -> String {
    uuid_from(
        mix(kind.wrapping_mul(31).wrapping_add(n)),
        mix(n ^ kind.rotate_left(17)),
    )
}

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

    fn from_generated(ts_ms: i64, fields: &GenFields, event: &J) -> StoredEvent {
        let created_by = match event {
            J::Obj(pairs) => pairs.iter().find(|(k, _)| k == "created_by"),
            _ => None,
        }
        .and_then(|(_, j)| serde_json::from_slice::<Value>(&j.to_bytes()).ok());
        StoredEvent {
            ts: instant_of_millis(ts_ms),
            seq: 0,
            href: fields.href.clone(),
            fields: Fields {
                event_type: Some(fields.event_type.to_string()),
                status: fields.status.map(str::to_string),
                severity: Some(fields.severity.to_string()),
                pce_fqdn: Some(PCE_FQDN.to_string()),
            },
            creators: creators_of(created_by.as_ref()),
            json: String::from_utf8(event.to_bytes())
                .unwrap_or_default()
                .into_boxed_str(),
        }
    }
}

/// The names a `created_by` filter matches: each creator's `href`, `username` and `hostname`.
fn creators_of(created_by: Option<&Value>) -> Box<[Box<str>]> {
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

    fn matches(&self, e: &StoredEvent) -> bool {
        self.fields.accept(&e.fields)
            && self
                .created_by
                .as_deref()
                .is_none_or(|wanted| e.creators.iter().any(|c| &**c == wanted))
    }
}

/// All events, oldest first (by timestamp, then arrival), with an index by href.
#[derive(Default)]
pub struct Store {
    events: Vec<Arc<StoredEvent>>,
    by_href: HashMap<String, Arc<StoredEvent>>,
    next_seq: u64,
}

impl Store {
    /// Adds an event, keeping the order; an event with an href already stored replaces it.
    pub fn insert(&mut self, mut event: StoredEvent) -> Arc<StoredEvent> {
        if let Some(old) = self.by_href.remove(&event.href) {
            self.events.retain(|e| !Arc::ptr_eq(e, &old));
        }
        event.seq = self.next_seq;
        self.next_seq += 1;
        let event = Arc::new(event);
        let at = self.events.partition_point(|e| e.ts <= event.ts);
        self.events.insert(at, event.clone());
        self.by_href.insert(event.href.clone(), event.clone());
        event
    }

    /// Adds many events at once (sorting once rather than inserting one by one).
    pub fn extend(&mut self, events: Vec<StoredEvent>) {
        for mut event in events {
            if self.by_href.contains_key(&event.href) {
                self.insert(event);
                continue;
            }
            event.seq = self.next_seq;
            self.next_seq += 1;
            let event = Arc::new(event);
            self.by_href.insert(event.href.clone(), event.clone());
            self.events.push(event);
        }
        self.events
            .sort_by(|a, b| a.ts.cmp(&b.ts).then(a.seq.cmp(&b.seq)));
    }

    /// The event with this href.
    pub fn get(&self, href: &str) -> Option<Arc<StoredEvent>> {
        self.by_href.get(href).cloned()
    }

    /// How many events are stored.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// The number of matches, and the first `limit` of them, newest first.
    pub fn query(&self, filter: &Filter, limit: usize) -> (usize, Vec<Arc<StoredEvent>>) {
        // The timestamp bounds select a contiguous range of the sorted vector.
        let lo = filter
            .since
            .map_or(0, |t| self.events.partition_point(|e| e.ts < t));
        let hi = filter.until.map_or(self.events.len(), |t| {
            self.events.partition_point(|e| e.ts <= t)
        });
        let mut total = 0;
        let mut out = Vec::new();
        if lo < hi {
            for e in self.events[lo..hi].iter().rev() {
                if filter.matches(e) {
                    total += 1;
                    if out.len() < limit {
                        out.push(e.clone());
                    }
                }
            }
        }
        (total, out)
    }
}

/// The events as one JSON array.
pub fn json_array(events: &[Arc<StoredEvent>]) -> Vec<u8> {
    let size: usize = events.iter().map(|e| e.json.len() + 1).sum();
    let mut out = Vec::with_capacity(size + 2);
    out.push(b'[');
    for (i, e) in events.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(e.json.as_bytes());
    }
    out.push(b']');
    out
}

/// Reads the fixture file into stored events, each exactly as the file has it.
pub fn fixture_events() -> Vec<StoredEvent> {
    let raw: Vec<Box<RawValue>> = serde_json::from_str(FIXTURES).unwrap_or_default();
    raw.iter()
        .filter_map(|r| StoredEvent::from_json(r.get()).ok())
        .collect()
}

const PCE_FQDN: &str = "pce.company.com";

const USERS: &[(u32, &str)] = &[
    (1, "first.last@company.com"),
    (2, "ana.silva@company.com"),
    (3, "raj.patel@company.com"),
    (4, "mei.chen@company.com"),
    (5, "jonas.berg@company.com"),
    (6, "fatima.khan@company.com"),
    (7, "li.wang@company.com"),
    (8, "sam.okafor@company.com"),
    (11, "svc-automation@company.com"),
    (12, "svc-ansible@company.com"),
];

const HOSTS: &[&str] = &[
    "web-prod-01.company.com",
    "web-prod-02.company.com",
    "web-prod-03.company.com",
    "app-prod-01.company.com",
    "app-prod-02.company.com",
    "db-prod-01.company.com",
    "db-prod-02.company.com",
    "cache-prod-01.company.com",
    "web-stg-01.company.com",
    "app-stg-01.company.com",
    "db-stg-01.company.com",
    "jump-01.company.com",
    "dc-01.corp.company.com",
    "dc-02.corp.company.com",
    "fs-01.corp.company.com",
    "build-01.dev.company.com",
    "build-02.dev.company.com",
    "k8s-node-01.company.com",
    "k8s-node-02.company.com",
    "k8s-node-03.company.com",
];

const CLUSTERS: &[&str] = &["openshift-prod", "aks-payments", "eks-analytics"];

const LABELS: &[(&str, &str)] = &[
    ("role", "Web"),
    ("role", "Database"),
    ("role", "Cache"),
    ("role", "Jump Host"),
    ("app", "Payments"),
    ("app", "HRM"),
    ("app", "CRM"),
    ("app", "Analytics"),
    ("env", "Production"),
    ("env", "Staging"),
    ("env", "Development"),
    ("loc", "Amsterdam"),
    ("loc", "Dallas"),
    ("loc", "Singapore"),
];

const API_PATHS: &[&str] = &[
    "/api/v2/orgs/1/workloads",
    "/api/v2/orgs/1/labels",
    "/api/v2/orgs/1/events",
    "/api/v2/orgs/1/sec_policy/draft/rule_sets",
    "/api/v2/orgs/1/traffic_flows/async_queries",
    "/api/v2/users/login",
];

const SERVICES: &[(&str, u16)] = &[
    ("HTTPS", 443),
    ("PostgreSQL", 5432),
    ("Redis", 6379),
    ("SSH", 22),
    ("RDP", 3389),
    ("LDAP", 389),
];

/// What an event is about, chosen by weight.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    SignIn,
    SignOut,
    Login,
    Logout,
    AuthFailed,
    Tampering,
    CloneDetected,
    AgentActivate,
    AgentGoodbye,
    AgentSuspend,
    VenUpdate,
    OfflineCheck,
    ExpireKeys,
    PruneEvents,
    SecRule(Verb),
    RuleSet(Verb),
    Provision,
    Label(Verb),
    IpList(Verb),
    Workload(Verb),
    BulkUpdate,
    ApiKey(Verb),
    Service,
    Cluster,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Verb {
    Create,
    Update,
    Delete,
}

impl Verb {
    fn name(self) -> &'static str {
        match self {
            Verb::Create => "create",
            Verb::Update => "update",
            Verb::Delete => "delete",
        }
    }

    fn method(self) -> &'static str {
        match self {
            Verb::Create => "POST",
            Verb::Update => "PUT",
            Verb::Delete => "DELETE",
        }
    }

    fn code(self) -> i64 {
        match self {
            Verb::Create => 201,
            _ => 204,
        }
    }
}

/// Daytime work, by weight.
const DAY_KINDS: &[(Kind, u32)] = &[
    (Kind::SignIn, 90),
    (Kind::SignOut, 60),
    (Kind::Login, 80),
    (Kind::Logout, 50),
    (Kind::AuthFailed, 15),
    (Kind::Tampering, 3),
    (Kind::CloneDetected, 3),
    (Kind::AgentActivate, 15),
    (Kind::AgentGoodbye, 8),
    (Kind::AgentSuspend, 2),
    (Kind::VenUpdate, 85),
    (Kind::OfflineCheck, 60),
    (Kind::ExpireKeys, 22),
    (Kind::PruneEvents, 12),
    (Kind::SecRule(Verb::Create), 40),
    (Kind::SecRule(Verb::Update), 35),
    (Kind::SecRule(Verb::Delete), 10),
    (Kind::RuleSet(Verb::Create), 10),
    (Kind::RuleSet(Verb::Update), 20),
    (Kind::Provision, 25),
    (Kind::Label(Verb::Create), 20),
    (Kind::Label(Verb::Update), 8),
    (Kind::Label(Verb::Delete), 4),
    (Kind::IpList(Verb::Create), 6),
    (Kind::IpList(Verb::Update), 12),
    (Kind::Workload(Verb::Create), 25),
    (Kind::Workload(Verb::Update), 60),
    (Kind::Workload(Verb::Delete), 8),
    (Kind::BulkUpdate, 15),
    (Kind::ApiKey(Verb::Create), 5),
    (Kind::ApiKey(Verb::Delete), 3),
    (Kind::Service, 8),
    (Kind::Cluster, 30),
];

/// What machines do at night and at weekends.
const NIGHT_KINDS: &[(Kind, u32)] = &[
    (Kind::VenUpdate, 40),
    (Kind::OfflineCheck, 30),
    (Kind::ExpireKeys, 8),
    (Kind::PruneEvents, 6),
    (Kind::Cluster, 12),
    (Kind::AgentGoodbye, 3),
    (Kind::AuthFailed, 1),
];

fn pick_kind(rng: &mut Rng, table: &[(Kind, u32)]) -> Kind {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    let mut r = rng.below(u64::from(total)) as u32;
    for (kind, w) in table {
        if r < *w {
            return *kind;
        }
        r -= w;
    }
    table[0].0
}

/// A burst: a run of failed sign-ins from one address, or tampering on one host.
#[derive(Clone, Copy, Debug)]
pub struct Burst {
    start_ms: i64,
    end_ms: i64,
    tampering: bool,
    id: u64,
}

/// The generator's settings.
#[derive(Clone, Debug)]
pub struct GenConfig {
    /// The org of the hrefs.
    pub org: u64,
    /// How many events to make.
    pub events: usize,
    /// Over how many days before `now_ms`.
    pub days: u32,
    /// The seed.
    pub seed: u64,
    /// The simulated now, in ms since the epoch.
    pub now_ms: i64,
}

/// The seeded events: the same configuration always gives byte-identical events.
pub fn seeded_events(cfg: &GenConfig) -> Vec<StoredEvent> {
    let mut rng = Rng::new(cfg.seed ^ 0x005E_ED0F_E7E7);
    let days = i64::from(cfg.days.max(1));
    let start_ms = cfg.now_ms - days * DAY_MS;
    let minutes = (days * 1440) as usize;

    // Activity per minute: office hours on weekdays, quiet nights and weekends,
    // some noise per hour, and a few short bursts.
    let mut weights = vec![0f64; minutes];
    let mut hour_noise = 1.0;
    for (m, w) in weights.iter_mut().enumerate() {
        let at = start_ms + m as i64 * 60_000;
        if m % 60 == 0 {
            hour_noise = 0.6 + rng.unit() * 0.8;
        }
        *w = activity(at) * hour_noise;
    }
    let mut bursts = Vec::new();
    let burst_count = (days / 3).max(1) as u64;
    for id in 0..burst_count {
        let first = rng.below(minutes as u64) as usize;
        let len = 3 + rng.below(18) as usize;
        for w in weights.iter_mut().skip(first).take(len) {
            *w += 12.0;
        }
        bursts.push(Burst {
            start_ms: start_ms + first as i64 * 60_000,
            end_ms: start_ms + (first + len) as i64 * 60_000,
            tampering: rng.chance(0.35),
            id,
        });
    }
    let mut cumulative = Vec::with_capacity(minutes);
    let mut acc = 0.0;
    for w in &weights {
        acc += w;
        cumulative.push(acc);
    }
    let mut stamps: Vec<i64> = (0..cfg.events)
        .map(|_| {
            let r = rng.unit() * acc;
            let m = cumulative.partition_point(|c| *c <= r).min(minutes - 1);
            (start_ms + m as i64 * 60_000 + rng.below(60_000) as i64).min(cfg.now_ms)
        })
        .collect();
    stamps.sort_unstable();

    // Each event has its own PRNG, so the two halves can be built in parallel
    // and still give the same bytes.
    let seed = cfg.seed;
    let org = cfg.org;
    let build = |range: std::ops::Range<usize>| -> Vec<StoredEvent> {
        range
            .map(|i| {
                let mut r = Rng::new(mix(seed
                    .wrapping_add(i as u64)
                    .wrapping_mul(0xA24B_AED4_963E_E407)));
                let ts = stamps[i];
                let burst = bursts
                    .iter()
                    .find(|b| ts >= b.start_ms && ts < b.end_ms)
                    .copied()
                    .filter(|_| r.chance(0.85));
                let (fields, event) = make_event(&mut r, org, ts, burst, &Value::Null);
                StoredEvent::from_generated(ts, &fields, &event)
            })
            .collect()
    };
    let n = stamps.len();
    let half = n / 2;
    let (mut a, b) = std::thread::scope(|scope| {
        let second = scope.spawn(|| build(half..n));
        let first = build(0..half);
        (first, second.join().unwrap_or_default())
    });
    a.extend(b);
    a
}

/// Relative activity at an instant: weekday office hours are busy, nights and weekends quiet.
fn activity(ms: i64) -> f64 {
    let days = ms.div_euclid(DAY_MS);
    let weekday = (days + 4).rem_euclid(7); // 0 = Sunday
    let hour = ms.rem_euclid(DAY_MS) / 3_600_000;
    let weekend = weekday == 0 || weekday == 6;
    match (weekend, hour) {
        (true, 10..=16) => 0.35,
        (true, _) => 0.15,
        (false, 0..=5) => 0.12,
        (false, 6..=7) => 0.6,
        (false, 8..=11) => 3.0,
        (false, 12) => 1.8,
        (false, 13..=17) => 3.0,
        (false, 18..=19) => 1.0,
        (false, _) => 0.3,
    }
}

fn is_quiet(ms: i64) -> bool {
    activity(ms) < 0.5
}

/// The fields of a generated event that the store indexes.
struct GenFields {
    href: String,
    event_type: &'static str,
    status: Option<&'static str>,
    severity: &'static str,
}

/// Generates `count` events at `ts_ms` (spread evenly over `spread_ms`), with `overrides`
/// (a JSON object) replacing top-level fields; for `POST /_sim/events`.
pub fn generate(
    rng: &mut Rng,
    org: u64,
    count: usize,
    ts_ms: i64,
    spread_ms: i64,
    overrides: &Value,
) -> Vec<StoredEvent> {
    (0..count)
        .map(|i| {
            let at = if count > 1 && spread_ms > 0 {
                ts_ms + spread_ms * i as i64 / (count as i64 - 1)
            } else {
                ts_ms
            };
            let (fields, event) = make_event(rng, org, at, None, overrides);
            if overrides.as_object().is_some_and(|o| !o.is_empty()) {
                let text = String::from_utf8(event.to_bytes()).unwrap_or_default();
                StoredEvent::from_json(&text)
                    .unwrap_or_else(|_| StoredEvent::from_generated(at, &fields, &event))
            } else {
                StoredEvent::from_generated(at, &fields, &event)
            }
        })
        .collect()
}

/// One realistic event; `overrides` (an object, or null) replaces top-level fields.
fn make_event(
    rng: &mut Rng,
    org: u64,
    ts_ms: i64,
    burst: Option<Burst>,
    overrides: &Value,
) -> (GenFields, J) {
    let kind = match burst {
        Some(b) if b.tampering => Kind::Tampering,
        Some(_) => Kind::AuthFailed,
        None if is_quiet(ts_ms) && rng.chance(0.7) => pick_kind(rng, NIGHT_KINDS),
        None => pick_kind(rng, DAY_KINDS),
    };
    let g = Gen { org, rng, burst };
    let (fields, mut event) = g.build(kind, ts_ms);
    if let Some(map) = overrides.as_object() {
        for (k, v) in map {
            event.set(k, J::from(v));
        }
    }
    (fields, event)
}

struct Gen<'a> {
    org: u64,
    rng: &'a mut Rng,
    burst: Option<Burst>,
}

struct Act {
    endpoint: Option<String>,
    method: Option<&'static str>,
    code: Option<i64>,
    src_ip: Option<String>,
    info: Option<J>,
    errors: Option<J>,
}

impl Gen<'_> {
    fn internal_ip(&mut self) -> String {
        format!(
            "10.{}.{}.{}",
            10 + self.rng.below(20),
            self.rng.below(256),
            2 + self.rng.below(250)
        )
    }

    fn user(&mut self) -> (u32, &'static str) {
        // A few people do most of the work.
        let idx = if self.rng.chance(0.5) {
            self.rng.below(3)
        } else {
            self.rng.below(USERS.len() as u64)
        };
        USERS[idx as usize]
    }

    fn user_ref(&self, user: (u32, &str)) -> J {
        obj([
            ("href", s(format!("/users/{}", user.0))),
            ("username", s(user.1)),
        ])
    }

    fn agent(&mut self) -> (u64, &'static str) {
        let n = self.rng.below(HOSTS.len() as u64);
        (100 + n * 7, HOSTS[n as usize])
    }

    fn label_href(&mut self) -> String {
        format!(
            "/orgs/{}/labels/{}",
            self.org,
            1 + self.rng.below(LABELS.len() as u64 * 40)
        )
    }

    fn workload_href(&mut self) -> String {
        format!(
            "/orgs/{}/workloads/{}",
            self.org,
            entity_uuid(3, self.rng.below(400))
        )
    }

    fn rule_set_id(&mut self) -> u64 {
        200 + self.rng.below(60)
    }

    fn src_ip(&mut self) -> String {
        if self.rng.chance(0.06) {
            "FILTERED".to_string()
        } else {
            self.internal_ip()
        }
    }

    fn action(&mut self, a: Act) -> J {
        let mut fields = vec![("uuid".into(), s(self.rng.uuid()))];
        if let Some(info) = a.info {
            fields.push(("info".into(), info));
        }
        fields.push(("api_endpoint".into(), opt(a.endpoint.as_deref())));
        fields.push(("api_method".into(), opt(a.method)));
        fields.push(("http_status_code".into(), a.code.map_or(J::Null, J::Int)));
        fields.push(("src_ip".into(), opt(a.src_ip.as_deref())));
        if let Some(errors) = a.errors {
            fields.push(("errors".into(), errors));
        }
        J::Obj(fields)
    }

    fn api_act(&mut self, method: &'static str, endpoint: String, code: i64) -> Act {
        let info = if self.rng.chance(0.75) {
            Some(obj([(
                "api_key_id",
                s(format!("{:x}", self.rng.next_u64() >> 4)),
            )]))
        } else {
            None
        };
        let errors = if code >= 400 {
            Some(J::Arr(vec![obj([
                ("token", s(if code == 406 { "invalid_uri" } else { "input_validation_error" })),
                ("message", s("The request was refused: a referenced object does not exist or a value is out of range")),
            ])]))
        } else {
            None
        };
        Act {
            endpoint: Some(endpoint),
            method: Some(method),
            code: Some(code),
            src_ip: Some(self.src_ip()),
            info,
            errors,
        }
    }

    fn notification(&mut self, kind: &str, info: J) -> J {
        obj([
            ("uuid", s(self.rng.uuid())),
            ("notification_type", s(kind)),
            ("info", info),
        ])
    }

    fn change(&mut self, resource: J, changes: Vec<(&'static str, J)>, change_type: &str) -> J {
        obj([
            ("uuid", s(self.rng.uuid())),
            ("resource", resource),
            (
                "changes",
                J::Obj(changes.into_iter().map(|(k, v)| (k.into(), v)).collect()),
            ),
            ("change_type", s(change_type)),
        ])
    }

    fn ba(before: J, after: J) -> J {
        obj([("before", before), ("after", after)])
    }

    fn label_list(&mut self, n: u64) -> J {
        J::Arr(
            (0..n)
                .map(|_| obj([("href", s(self.label_href()))]))
                .collect(),
        )
    }

    fn iso(ms: i64) -> J {
        opt(format_rfc3339_millis(ms).as_deref())
    }

    fn build(mut self, kind: Kind, ts: i64) -> (GenFields, J) {
        let org = self.org;
        let mut status = Some("success");
        let mut severity = "info";
        let event_type: &'static str;
        let mut changes = Vec::new();
        let mut notes = Vec::new();
        let mut system_href = false;
        let created_by;
        let action;
        match kind {
            Kind::SignIn | Kind::SignOut | Kind::Login | Kind::Logout => {
                let user = self.user();
                let ip = self.internal_ip();
                let user_j = self.user_ref(user);
                let failed = self.rng.chance(0.04);
                if failed {
                    status = Some("failure");
                }
                let (et, method, endpoint, code, note) = match kind {
                    Kind::SignIn => (
                        "user.sign_in",
                        "POST",
                        "/login/users/sign_in",
                        if failed { 401 } else { 302 },
                        "user.login_session_created",
                    ),
                    Kind::SignOut => (
                        "user.sign_out",
                        "GET",
                        "/login/logout",
                        if failed { 200 } else { 302 },
                        "user.login_session_terminated",
                    ),
                    Kind::Login => (
                        "user.login",
                        "GET",
                        "/api/v2/users/login",
                        if failed { 401 } else { 200 },
                        "user.pce_session_created",
                    ),
                    _ => (
                        "user.logout",
                        "POST",
                        "/api/v2/users/logout_from_jwt",
                        204,
                        "user.pce_session_terminated",
                    ),
                };
                event_type = et;
                created_by = if kind == Kind::Logout && self.rng.chance(0.3) {
                    system_href = self.rng.chance(0.5);
                    obj([("system", obj([]))])
                } else {
                    obj([("user", user_j.clone())])
                };
                let act = Act {
                    endpoint: Some(endpoint.to_string()),
                    method: Some(method),
                    code: Some(code),
                    src_ip: Some(ip.clone()),
                    info: None,
                    errors: None,
                };
                action = self.action(act);
                if kind == Kind::SignIn {
                    let count = 1 + self.rng.below(300) as i64;
                    let prev_ip = self.internal_ip();
                    let res = obj([(
                        "user",
                        obj([
                            ("href", s(format!("/users/{}", user.0))),
                            ("type", s("local")),
                            ("username", s(user.1)),
                        ]),
                    )]);
                    let mut c = vec![
                        ("last_sign_in_ip", Self::ba(s(prev_ip), s(ip.clone()))),
                        (
                            "sign_in_attempts_count",
                            Self::ba(J::Int(count), J::Int(count + 1)),
                        ),
                    ];
                    if !failed {
                        c.push((
                            "last_sign_in_at",
                            Self::ba(
                                Self::iso(ts - 86_400_000 - self.rng.below(600_000_000) as i64),
                                Self::iso(ts),
                            ),
                        ));
                    }
                    changes.push(self.change(res, c, "update"));
                }
                if !failed {
                    let mut info = vec![("user".into(), user_j)];
                    if matches!(kind, Kind::SignOut | Kind::Logout) {
                        let reason = if self.rng.chance(0.3) {
                            "timeout"
                        } else {
                            "user_logout"
                        };
                        info.insert(0, ("reason".into(), s(reason)));
                    }
                    notes.push(self.notification(note, J::Obj(info)));
                }
            }
            Kind::AuthFailed => {
                event_type = "request.authentication_failed";
                severity = "err";
                status = Some("failure");
                created_by = obj([("system", obj([]))]);
                let ip = match self.burst {
                    Some(b) => format!("203.0.113.{}", 10 + b.id % 200),
                    None if self.rng.chance(0.3) => "FILTERED".to_string(),
                    None => format!("198.51.100.{}", self.rng.below(250) + 1),
                };
                let endpoint = self.rng.pick(API_PATHS).to_string();
                let user = self.user();
                let act = Act {
                    endpoint: Some(endpoint),
                    method: Some("GET"),
                    code: Some(401),
                    src_ip: Some(ip),
                    errors: None,
                    info: Some(obj([(
                        "authentication_type",
                        s(if self.rng.chance(0.7) {
                            "api_key"
                        } else {
                            "session"
                        }),
                    )])),
                };
                action = self.action(act);
                let info = obj([
                    ("user", obj([("username", s(user.1))])),
                    ("reason", s("invalid_credentials")),
                ]);
                notes.push(self.notification("request.authentication_failed", info));
            }
            Kind::Tampering | Kind::CloneDetected | Kind::AgentActivate | Kind::AgentGoodbye => {
                let (id, host) = match (kind, self.burst) {
                    (Kind::Tampering, Some(b)) => {
                        let n = b.id % HOSTS.len() as u64;
                        (100 + n * 7, HOSTS[n as usize])
                    }
                    _ => self.agent(),
                };
                let agent_href = format!("/orgs/{org}/agents/{id}");
                let hostname = if self.rng.chance(0.2) {
                    J::Null
                } else {
                    s(host)
                };
                created_by = obj([(
                    "agent",
                    obj([("href", s(agent_href.clone())), ("hostname", hostname)]),
                )]);
                let (et, sev, endpoint, note) = match kind {
                    Kind::Tampering => (
                        "agent.tampering",
                        "err",
                        "firewall_tampering",
                        "agent.firewall_tampered",
                    ),
                    Kind::CloneDetected => (
                        "agent.clone_detected",
                        "warning",
                        "clone_detected",
                        "agent.clone_detected",
                    ),
                    Kind::AgentActivate => {
                        ("agent.activate", "info", "activate", "agent.activated")
                    }
                    _ => ("agent.goodbye", "notice", "goodbye", "agent.deactivated"),
                };
                event_type = et;
                severity = sev;
                if kind == Kind::Tampering && self.rng.chance(0.3) {
                    status = None;
                }
                let act = Act {
                    endpoint: Some(format!("/api/v18/orgs/{org}/agents/{id}/{endpoint}")),
                    method: Some(if kind == Kind::AgentActivate {
                        "POST"
                    } else {
                        "PUT"
                    }),
                    code: Some(if kind == Kind::AgentActivate {
                        201
                    } else {
                        204
                    }),
                    src_ip: Some(self.internal_ip()),
                    info: None,
                    errors: None,
                };
                action = self.action(act);
                let workload = obj([(
                    "workload",
                    obj([("href", s(self.workload_href())), ("hostname", s(host))]),
                )]);
                match kind {
                    Kind::AgentActivate => {
                        let labels = self.label_list(3);
                        let c = vec![
                            ("hostname", Self::ba(J::Null, s(host))),
                            ("labels", obj([("created", labels)])),
                            ("online", Self::ba(J::Null, J::Bool(true))),
                            ("enforcement_mode", Self::ba(J::Null, s("visibility_only"))),
                        ];
                        changes.push(self.change(workload, c, "create"));
                    }
                    Kind::AgentGoodbye => {
                        let c = vec![("online", Self::ba(J::Bool(true), J::Bool(false)))];
                        changes.push(self.change(workload, c, "update"));
                    }
                    _ => {}
                }
                let info = if kind == Kind::AgentGoodbye && self.rng.chance(0.5) {
                    J::Null
                } else {
                    obj([(
                        "agent",
                        obj([("href", s(agent_href)), ("hostname", s(host))]),
                    ), ("details", s(match kind {
                        Kind::Tampering => "Firewall rules were modified outside of the VEN; the VEN restored its policy.",
                        Kind::CloneDetected => "Two VENs reported the same machine identifier; one of them is a clone.",
                        Kind::AgentActivate => "The VEN paired with the PCE using pairing profile Default.",
                        _ => "The VEN was uninstalled and sent a goodbye message.",
                    }))])
                };
                notes.push(self.notification(note, info));
            }
            Kind::AgentSuspend => {
                event_type = "agent.suspend";
                severity = "warning";
                let user = self.user();
                created_by = obj([("user", self.user_ref(user))]);
                let (id, host) = self.agent();
                let act = Act {
                    endpoint: Some(format!("/api/v2/orgs/{org}/agents/{id}/suspend")),
                    method: Some("PUT"),
                    code: Some(204),
                    src_ip: Some(self.src_ip()),
                    info: None,
                    errors: None,
                };
                action = self.action(act);
                let res = obj([(
                    "agent",
                    obj([
                        ("href", s(format!("/orgs/{org}/agents/{id}"))),
                        ("hostname", s(host)),
                    ]),
                )]);
                changes.push(self.change(
                    res,
                    vec![("status", Self::ba(s("active"), s("suspended")))],
                    "update",
                ));
            }
            Kind::VenUpdate => {
                event_type = "agent.update";
                let n = self.rng.below(HOSTS.len() as u64);
                let host = HOSTS[n as usize];
                let ven_href = format!("/orgs/{org}/vens/{}", entity_uuid(1, n));
                created_by = obj([(
                    "ven",
                    obj([("href", s(ven_href.clone())), ("hostname", s(host))]),
                )]);
                let act = Act {
                    endpoint: Some(format!("/api/v18/orgs/{org}/agents/{}/update", 100 + n * 7)),
                    method: Some("PUT"),
                    code: Some(204),
                    src_ip: Some(self.internal_ip()),
                    info: None,
                    errors: None,
                };
                action = self.action(act);
                let versions = ["22.5.10-1234", "23.2.20-224", "23.5.1-11"];
                let vi = self.rng.below(2) as usize;
                let res = obj([(
                    "ven",
                    obj([
                        ("href", s(ven_href)),
                        ("hostname", s(host)),
                        ("name", s(host)),
                    ]),
                )]);
                let c = vec![
                    (
                        "last_heartbeat_at",
                        Self::ba(Self::iso(ts - 300_000), Self::iso(ts)),
                    ),
                    ("version", Self::ba(s(versions[vi]), s(versions[vi + 1]))),
                    (
                        "interfaces",
                        obj([
                            (
                                "created",
                                J::Arr(vec![obj([
                                    ("name", s("eth0")),
                                    ("address", s(self.internal_ip())),
                                ])]),
                            ),
                            ("deleted", J::Arr(vec![])),
                        ]),
                    ),
                ];
                changes.push(self.change(res, c, "update"));
            }
            Kind::OfflineCheck | Kind::ExpireKeys | Kind::PruneEvents => {
                created_by = obj([("system", obj([]))]);
                system_href = self.rng.chance(0.15);
                event_type = match kind {
                    Kind::OfflineCheck => "system_task.agent_offline_check",
                    Kind::ExpireKeys => "system_task.expire_service_account_api_keys",
                    _ => "system_task.prune_old_log_events",
                };
                if self.rng.chance(0.35) {
                    status = None;
                }
                action = if self.rng.chance(0.4) {
                    J::Null
                } else {
                    let ip = if self.rng.chance(0.5) {
                        Some("FILTERED".to_string())
                    } else {
                        None
                    };
                    self.action(Act {
                        endpoint: None,
                        method: None,
                        code: None,
                        src_ip: ip,
                        info: None,
                        errors: None,
                    })
                };
                if kind == Kind::OfflineCheck && self.rng.chance(0.3) {
                    let (id, host) = self.agent();
                    let res = obj([(
                        "agent",
                        obj([
                            ("href", s(format!("/orgs/{org}/agents/{id}"))),
                            ("hostname", s(host)),
                        ]),
                    )]);
                    changes.push(self.change(
                        res,
                        vec![("status", Self::ba(s("active"), s("stopped")))],
                        "update",
                    ));
                    let info = obj([
                        (
                            "agent",
                            obj([
                                ("href", s(format!("/orgs/{org}/agents/{id}"))),
                                ("hostname", s(host)),
                            ]),
                        ),
                        ("missed_heartbeats", J::Int(3)),
                    ]);
                    notes.push(self.notification("agent.missed_heartbeats", info));
                } else if self.rng.chance(0.3) {
                    notes.push(self.notification("system_task.completed", J::Null));
                }
            }
            Kind::SecRule(v) | Kind::RuleSet(v) => {
                let user = self.user();
                created_by = obj([("user", self.user_ref(user))]);
                let rs = self.rule_set_id();
                let rule = 200 + self.rng.below(400);
                let is_rule = matches!(kind, Kind::SecRule(_));
                event_type = match (is_rule, v) {
                    (true, Verb::Create) => "sec_rule.create",
                    (true, Verb::Update) => "sec_rule.update",
                    (true, Verb::Delete) => "sec_rule.delete",
                    (false, Verb::Create) => "rule_set.create",
                    (false, _) => "rule_set.update",
                };
                let rs_href = format!("/orgs/{org}/sec_policy/draft/rule_sets/{rs}");
                let (endpoint, href) = match (is_rule, v) {
                    (true, Verb::Create) => (
                        format!("/api/v2{rs_href}/sec_rules"),
                        format!("{rs_href}/sec_rules/{rule}"),
                    ),
                    (true, _) => (
                        format!("/api/v2{rs_href}/sec_rules/{rule}"),
                        format!("{rs_href}/sec_rules/{rule}"),
                    ),
                    (false, Verb::Create) => (
                        format!("/api/v2/orgs/{org}/sec_policy/draft/rule_sets"),
                        rs_href.clone(),
                    ),
                    (false, _) => (format!("/api/v2{rs_href}"), rs_href.clone()),
                };
                let failed = self.rng.chance(0.05);
                let code = if failed { 406 } else { v.code() };
                if failed {
                    status = Some("failure");
                }
                let act = self.api_act(v.method(), endpoint, code);
                action = self.action(act);
                if !failed {
                    let res_kind = if is_rule { "sec_rule" } else { "rule_set" };
                    let res = obj([(res_kind, obj([("href", s(href))]))]);
                    let (svc, port) = *self.rng.pick(SERVICES);
                    let c = match v {
                        Verb::Create if is_rule => vec![
                            (
                                "rule_list",
                                Self::ba(J::Null, obj([("href", s(rs_href.clone()))])),
                            ),
                            ("type", Self::ba(J::Null, s("SecRule"))),
                            (
                                "resolve_labels",
                                Self::ba(
                                    J::Null,
                                    obj([
                                        ("providers", J::Arr(vec![s("workloads")])),
                                        ("consumers", J::Arr(vec![s("workloads")])),
                                    ]),
                                ),
                            ),
                            (
                                "providers",
                                obj([(
                                    "created",
                                    J::Arr(vec![obj([
                                        ("provider", J::Bool(true)),
                                        ("label", obj([("href", s(self.label_href()))])),
                                    ])]),
                                )]),
                            ),
                            (
                                "consumers",
                                obj([(
                                    "created",
                                    J::Arr(vec![obj([
                                        ("provider", J::Bool(false)),
                                        ("actors", s("ams")),
                                    ])]),
                                )]),
                            ),
                            (
                                "ingress_services",
                                obj([(
                                    "created",
                                    J::Arr(vec![obj([
                                        ("name", s(svc)),
                                        ("port", J::Int(i64::from(port))),
                                        ("proto", J::Int(6)),
                                    ])]),
                                )]),
                            ),
                        ],
                        Verb::Create => vec![
                            (
                                "name",
                                Self::ba(
                                    J::Null,
                                    s(format!(
                                        "RS-{}-{}",
                                        self.rng.pick(LABELS).1.to_uppercase(),
                                        rs
                                    )),
                                ),
                            ),
                            ("enabled", Self::ba(J::Null, J::Bool(true))),
                            (
                                "scopes",
                                obj([("created", J::Arr(vec![self.label_list(2)]))]),
                            ),
                        ],
                        Verb::Update => vec![
                            (
                                "enabled",
                                Self::ba(
                                    J::Bool(self.rng.chance(0.5)),
                                    J::Bool(self.rng.chance(0.5)),
                                ),
                            ),
                            (
                                "consumers",
                                obj([
                                    ("created", self.label_list(1)),
                                    ("deleted", self.label_list(1)),
                                ]),
                            ),
                            (
                                "description",
                                Self::ba(
                                    J::Null,
                                    s(format!("Allow {svc} from the application tier")),
                                ),
                            ),
                        ],
                        Verb::Delete => vec![("deleted_at", Self::ba(J::Null, Self::iso(ts)))],
                    };
                    changes.push(self.change(res, c, v.name()));
                }
            }
            Kind::Provision => {
                event_type = "sec_policy.create";
                let user = self.user();
                created_by = obj([("user", self.user_ref(user))]);
                let version = 100 + self.rng.below(900) as i64;
                let act = self.api_act("POST", format!("/api/v2/orgs/{org}/sec_policy"), 201);
                action = self.action(act);
                let res = obj([(
                    "sec_policy",
                    obj([("href", s(format!("/orgs/{org}/sec_policy/{version}")))]),
                )]);
                let messages = [
                    "Open HTTPS to the payments tier",
                    "Quarterly rule cleanup",
                    "Ring-fence staging",
                    "Allow backups to the file servers",
                ];
                let c = vec![
                    (
                        "commit_message",
                        Self::ba(J::Null, s(*self.rng.pick(&messages))),
                    ),
                    ("version", Self::ba(J::Null, J::Int(version))),
                    (
                        "object_counts",
                        Self::ba(
                            J::Null,
                            obj([
                                ("rule_sets", J::Int(1 + self.rng.below(5) as i64)),
                                ("ip_lists", J::Int(self.rng.below(3) as i64)),
                            ]),
                        ),
                    ),
                ];
                changes.push(self.change(res, c, "create"));
                let info = if self.rng.chance(0.5) {
                    J::Null
                } else {
                    obj([
                        ("version", J::Int(version)),
                        ("workloads_affected", J::Int(self.rng.below(300) as i64)),
                    ])
                };
                notes.push(self.notification("sec_policy.provisioned", info));
            }
            Kind::Label(v) | Kind::IpList(v) | Kind::Workload(v) | Kind::ApiKey(v) => {
                let user = self.user();
                created_by = obj([("user", self.user_ref(user))]);
                let (et, res_kind, base, href) = match kind {
                    Kind::Label(_) => {
                        let id = 500 + self.rng.below(200);
                        (
                            ["label.create", "label.update", "label.delete"],
                            "label",
                            format!("/orgs/{org}/labels"),
                            format!("/orgs/{org}/labels/{id}"),
                        )
                    }
                    Kind::IpList(_) => {
                        let id = 1 + self.rng.below(40);
                        (
                            ["ip_list.create", "ip_list.update", "ip_list.delete"],
                            "ip_list",
                            format!("/orgs/{org}/sec_policy/draft/ip_lists"),
                            format!("/orgs/{org}/sec_policy/draft/ip_lists/{id}"),
                        )
                    }
                    Kind::Workload(_) => {
                        let href = self.workload_href();
                        (
                            ["workload.create", "workload.update", "workload.delete"],
                            "workload",
                            format!("/orgs/{org}/workloads"),
                            href,
                        )
                    }
                    _ => {
                        let id = format!("{:x}", self.rng.next_u64() >> 8);
                        (
                            ["api_key.create", "api_key.update", "api_key.delete"],
                            "api_key",
                            format!("/users/{}/api_keys", user.0),
                            format!("/users/{}/api_keys/{id}", user.0),
                        )
                    }
                };
                event_type = match v {
                    Verb::Create => et[0],
                    Verb::Update => et[1],
                    Verb::Delete => et[2],
                };
                let endpoint = if v == Verb::Create {
                    format!("/api/v2{base}")
                } else {
                    format!("/api/v2{href}")
                };
                let failed = self.rng.chance(0.04);
                if failed {
                    status = Some("failure");
                }
                let act = self.api_act(v.method(), endpoint, if failed { 422 } else { v.code() });
                action = self.action(act);
                if !failed {
                    let res = obj([(res_kind, obj([("href", s(href))]))]);
                    let c = match (res_kind, v) {
                        ("label", Verb::Create) => {
                            let (key, value) = *self.rng.pick(LABELS);
                            vec![
                                ("key", Self::ba(J::Null, s(key))),
                                (
                                    "value",
                                    Self::ba(
                                        J::Null,
                                        s(format!("{value} {}", self.rng.below(90) + 10)),
                                    ),
                                ),
                            ]
                        }
                        ("label", Verb::Update) => {
                            vec![("value", Self::ba(s("Web Tier"), s("Web")))]
                        }
                        ("ip_list", _) => vec![
                            ("name", Self::ba(J::Null, s("Corporate Networks"))),
                            (
                                "ip_ranges",
                                obj([
                                    (
                                        "created",
                                        J::Arr(vec![obj([
                                            (
                                                "from_ip",
                                                s(format!(
                                                    "172.{}.0.0/16",
                                                    16 + self.rng.below(16)
                                                )),
                                            ),
                                            ("exclusion", J::Bool(false)),
                                        ])]),
                                    ),
                                    (
                                        "deleted",
                                        J::Arr(vec![obj([
                                            (
                                                "from_ip",
                                                s(format!("192.168.{}.0/24", self.rng.below(255))),
                                            ),
                                            ("exclusion", J::Bool(false)),
                                        ])]),
                                    ),
                                ]),
                            ),
                        ],
                        ("workload", Verb::Create) => {
                            let host = *self.rng.pick(HOSTS);
                            vec![
                                ("hostname", Self::ba(J::Null, s(host))),
                                ("labels", obj([("created", self.label_list(4))])),
                                ("managed", Self::ba(J::Null, J::Bool(false))),
                            ]
                        }
                        ("workload", Verb::Update) => vec![
                            (
                                "labels",
                                obj([
                                    ("created", self.label_list(1)),
                                    ("deleted", self.label_list(1)),
                                ]),
                            ),
                            (
                                "enforcement_mode",
                                Self::ba(s("visibility_only"), s("selective")),
                            ),
                        ],
                        ("api_key", Verb::Create) => vec![
                            (
                                "name",
                                Self::ba(J::Null, s(format!("automation-{}", self.rng.below(100)))),
                            ),
                            (
                                "auth_username",
                                Self::ba(
                                    J::Null,
                                    s(format!("api_{:014x}", self.rng.next_u64() >> 8)),
                                ),
                            ),
                        ],
                        _ => vec![("deleted", Self::ba(J::Bool(false), J::Bool(true)))],
                    };
                    changes.push(self.change(res, c, v.name()));
                }
            }
            Kind::BulkUpdate => {
                event_type = "workloads.bulk_update";
                let user = self.user();
                created_by = obj([("user", self.user_ref(user))]);
                let act = self.api_act(
                    "PUT",
                    format!("/api/v2/orgs/{org}/workloads/bulk_update"),
                    200,
                );
                action = self.action(act);
                for _ in 0..(2 + self.rng.below(2)) {
                    let res = obj([("workload", obj([("href", s(self.workload_href()))]))]);
                    let c = vec![(
                        "labels",
                        obj([
                            ("created", self.label_list(1)),
                            ("deleted", self.label_list(1)),
                        ]),
                    )];
                    changes.push(self.change(res, c, "update"));
                }
            }
            Kind::Service => {
                event_type = "service.create";
                let user = self.user();
                created_by = obj([("user", self.user_ref(user))]);
                let act = self.api_act(
                    "POST",
                    format!("/api/v2/orgs/{org}/sec_policy/draft/services"),
                    201,
                );
                action = self.action(act);
                let (name, port) = *self.rng.pick(SERVICES);
                let res = obj([(
                    "service",
                    obj([(
                        "href",
                        s(format!(
                            "/orgs/{org}/sec_policy/draft/services/{}",
                            10 + self.rng.below(200)
                        )),
                    )]),
                )]);
                let c = vec![
                    ("name", Self::ba(J::Null, s(format!("{name}-custom")))),
                    (
                        "service_ports",
                        obj([(
                            "created",
                            J::Arr(vec![obj([
                                ("port", J::Int(i64::from(port))),
                                ("proto", J::Int(6)),
                            ])]),
                        )]),
                    ),
                ];
                changes.push(self.change(res, c, "create"));
            }
            Kind::Cluster => {
                event_type = "container_cluster.update";
                let n = self.rng.below(CLUSTERS.len() as u64);
                let href = format!("/orgs/{org}/container_clusters/{}", entity_uuid(2, n));
                created_by = obj([(
                    "container_cluster",
                    obj([("href", s(href.clone())), ("name", s(CLUSTERS[n as usize]))]),
                )]);
                let act = Act {
                    endpoint: Some(format!("/api/v2{href}/put_from_cluster")),
                    method: Some("PUT"),
                    code: Some(204),
                    src_ip: Some(self.internal_ip()),
                    info: None,
                    errors: None,
                };
                action = self.action(act);
                let res = obj([(
                    "container_cluster",
                    obj([("href", s(href)), ("name", s(CLUSTERS[n as usize]))]),
                )]);
                let c = vec![
                    (
                        "last_connected",
                        Self::ba(Self::iso(ts - 60_000), Self::iso(ts)),
                    ),
                    (
                        "nodes",
                        obj([
                            (
                                "created",
                                J::Arr(vec![obj([("name", s(*self.rng.pick(&HOSTS[17..])))])]),
                            ),
                            ("deleted", J::Arr(vec![])),
                        ]),
                    ),
                ];
                changes.push(self.change(res, c, "update"));
            }
        }
        let id = self.rng.uuid();
        let href = if system_href {
            format!("/system_events/{id}")
        } else {
            format!("/orgs/{org}/events/{id}")
        };
        let event = obj([
            ("href", s(href.clone())),
            ("timestamp", Self::iso(ts)),
            ("pce_fqdn", s(PCE_FQDN)),
            ("created_by", created_by),
            ("event_type", s(event_type)),
            ("status", opt(status)),
            ("severity", s(severity)),
            ("action", action),
            ("resource_changes", J::Arr(changes)),
            ("notifications", J::Arr(notes)),
            ("version", J::Int(2)),
        ]);
        (
            GenFields {
                href,
                event_type,
                status,
                severity,
            },
            event,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(events: usize) -> GenConfig {
        GenConfig {
            org: 1,
            events,
            days: 30,
            seed: 7,
            now_ms: 1_800_000_000_000,
        }
    }

    #[test]
    fn seeded_data_is_deterministic() {
        let a = seeded_events(&cfg(500));
        let b = seeded_events(&cfg(500));
        assert_eq!(a.len(), 500);
        assert!(a.iter().zip(&b).all(|(x, y)| x.json == y.json));
    }

    #[test]
    fn events_are_sized_and_valid() {
        let events = seeded_events(&cfg(3000));
        let total: usize = events.iter().map(|e| e.json.len()).sum();
        let mean = total / events.len();
        assert!((700..=1600).contains(&mean), "mean size {mean}");
        for e in &events {
            let v: Value = serde_json::from_str(&e.json).unwrap();
            assert_eq!(v["href"].as_str(), Some(e.href.as_str()));
            assert!(StoredEvent::from_json(&e.json).is_ok());
        }
    }

    #[test]
    fn fixtures_load_verbatim() {
        let fixtures = fixture_events();
        assert_eq!(fixtures.len(), 7);
        let original: Value = serde_json::from_str(FIXTURES).unwrap();
        for (i, e) in fixtures.iter().enumerate() {
            let v: Value = serde_json::from_str(&e.json).unwrap();
            assert_eq!(v, original[i]);
        }
    }
}
