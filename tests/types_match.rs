//! The hand-written TypeScript types (pkg-template/index.d.ts) name exactly the option keys
//! the Rust side validates, and queryTimeline's JavaScript planner uses the core's constants,
//! so the two sides cannot drift apart.
#![cfg(not(target_arch = "wasm32"))]

use illumio_events::config::KNOWN as CONFIG_KEYS;
use illumio_events::query::QueryFor;
use illumio_events::timeline::TIMELINE_OPTIONS;
use illumio_events::watch::WATCH_OPTIONS;
use std::collections::BTreeSet;

const TYPES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/pkg-template/index.d.ts"
));

/// The property names declared directly in `export interface NAME { ... }`.
fn interface_keys(name: &str) -> BTreeSet<String> {
    let head = format!("export interface {name} ");
    let start = TYPES
        .find(&head)
        .unwrap_or_else(|| panic!("index.d.ts declares no interface {name}"));
    let body = &TYPES[start..];
    let body = &body[body.find('{').unwrap() + 1..];
    let mut keys = BTreeSet::new();
    let mut depth = 0usize;
    for line in body.lines() {
        let trimmed = line.trim();
        if depth == 0 && trimmed.starts_with('}') {
            return keys;
        }
        if depth == 0 && !trimmed.starts_with("/*") && !trimmed.starts_with('*') {
            let key: String = trimmed
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let rest = &trimmed[key.len()..];
            if !key.is_empty() && (rest.starts_with("?:") || rest.starts_with(':')) {
                keys.insert(key);
            }
        }
        depth += line.matches('{').count();
        depth = depth.saturating_sub(line.matches('}').count());
    }
    panic!("interface {name} does not end");
}

fn set(keys: &[&str]) -> BTreeSet<String> {
    keys.iter().map(|k| k.to_string()).collect()
}

/// The keys an `Omit<EventQuery, ...>` alias leaves.
fn omitted(alias: &str) -> BTreeSet<String> {
    let head = format!("export type {alias} = Omit<EventQuery, ");
    let start = TYPES.find(&head).expect("the alias") + head.len();
    let list = &TYPES[start..start + TYPES[start..].find('>').unwrap()];
    let gone: BTreeSet<String> = list
        .split('|')
        .map(|k| k.trim().trim_matches('"').to_string())
        .collect();
    interface_keys("EventQuery")
        .difference(&gone)
        .cloned()
        .collect()
}

#[test]
fn each_options_type_names_the_keys_rust_accepts() {
    assert_eq!(interface_keys("PceConfig"), set(CONFIG_KEYS), "PceConfig");
    assert_eq!(
        interface_keys("EventQuery"),
        set(QueryFor::Query.keys()),
        "EventQuery"
    );
    assert_eq!(
        omitted("WatchQuery"),
        set(QueryFor::Watch.keys()),
        "WatchQuery"
    );
    assert_eq!(
        interface_keys("WatchOptions"),
        set(WATCH_OPTIONS),
        "WatchOptions"
    );
    assert_eq!(
        interface_keys("TimelineOptions"),
        set(TIMELINE_OPTIONS),
        "TimelineOptions"
    );
}

#[test]
fn count_events_takes_the_query_without_its_result_options() {
    let start = TYPES
        .find("export function countEvents(")
        .expect("countEvents");
    let signature = &TYPES[start..start + TYPES[start..].find(';').unwrap()];
    let list = &signature[signature.find("Omit<EventQuery, ").unwrap() + 17..];
    let gone: BTreeSet<String> = list[..list.find('>').unwrap()]
        .split('|')
        .map(|k| k.trim().trim_matches('"').to_string())
        .collect();
    let left: BTreeSet<String> = interface_keys("EventQuery")
        .difference(&gone)
        .cloned()
        .collect();
    assert_eq!(left, set(QueryFor::Count.keys()));
}

const QUERY_TIMELINE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/pkg-template/query-timeline.js"
));

/// The numbers or strings of `const NAME = [...]` (or `= value;`) in query-timeline.js.
fn js_constant(name: &str) -> Vec<String> {
    let line = QUERY_TIMELINE
        .lines()
        .find(|l| l.contains(&format!("const {name} = ")))
        .unwrap_or_else(|| panic!("query-timeline.js has no const {name}"));
    let value = line.split_once(" = ").unwrap().1;
    value
        .trim_end_matches(';')
        .trim_matches(['[', ']'])
        .split(',')
        .map(|item| item.trim().trim_matches('"').to_string())
        .collect()
}

/// queryTimeline's planner is JavaScript (for the wasm's size), so the rules it shares with
/// eventTimeline and the query are held here to the core's.
#[test]
fn query_timeline_uses_the_cores_bucket_sizes_and_severities() {
    use illumio_events::query::SEVERITIES;
    use illumio_events::timeline::{BUCKET_STEPS_MS, MAX_DEFAULT_BUCKETS};
    let (minute, hour, day) = (60_000, 3_600_000, 86_400_000);
    let steps: Vec<i64> = js_constant("BUCKET_STEPS_MS")
        .iter()
        .map(|step| {
            let (factor, unit) = step.split_once(" * ").unwrap_or(("1", step));
            let unit = match unit {
                "MINUTE" => minute,
                "HOUR" => hour,
                "DAY" => day,
                other => panic!("unknown unit {other}"),
            };
            factor.parse::<i64>().unwrap() * unit
        })
        .collect();
    assert_eq!(steps, BUCKET_STEPS_MS);
    assert_eq!(
        js_constant("MAX_DEFAULT_BUCKETS"),
        [MAX_DEFAULT_BUCKETS.to_string()]
    );
    assert_eq!(js_constant("SEVERITIES"), SEVERITIES);
}
