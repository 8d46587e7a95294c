//! EventQuery: parse generated option lists, render the query string, read it back.
//!
//! Properties: no panic; an accepted query renders only unreserved characters,
//! `%XX`, `&` and `=`; parsing the rendered string back (with the small reader
//! below) gives exactly the filters the caller passed, in the wire's order; a
//! refused query is `invalid_argument` naming an option the caller passed.
#![no_main]

use arbitrary::{Arbitrary, Result, Unstructured};
use illumio_events::arguments::{Options, Value};
use illumio_events::error::ErrorKind;
use illumio_events::query::{EventQuery, QueryFor, MAX_SYNC_RESULTS, SEVERITIES};
use libfuzzer_sys::fuzz_target;
use pce_time::format_rfc3339_millis;

/// A timestamp assembled from parts, mostly valid RFC 3339, sometimes not.
fn timestamp(u: &mut Unstructured<'_>) -> Result<String> {
    let year = u.int_in_range(0..=10_000u32)?;
    let month = u.int_in_range(0..=13u32)?;
    let day = u.int_in_range(0..=32u32)?;
    let (h, m, s) = (
        u.int_in_range(0..=24u32)?,
        u.int_in_range(0..=60u32)?,
        u.int_in_range(0..=61u32)?,
    );
    let t = *u.choose(&['T', 't', ' '])?;
    let fraction = match u.int_in_range(0..=3u8)? {
        0 => String::new(),
        1 => format!(".{:03}", u.int_in_range(0..=999u32)?),
        2 => format!(".{}", u.int_in_range(0..=u64::MAX)?),
        _ => ".".to_string(),
    };
    let offset = match u.int_in_range(0..=4u8)? {
        0 => "Z".to_string(),
        1 => "z".to_string(),
        2 => format!(
            "{}{:02}:{:02}",
            u.choose(&['+', '-'])?,
            u.int_in_range(0..=24u32)?,
            u.int_in_range(0..=60u32)?
        ),
        3 => String::new(),
        _ => u.arbitrary::<String>()?,
    };
    Ok(format!(
        "{year:04}-{month:02}-{day:02}{t}{h:02}:{m:02}:{s:02}{fraction}{offset}"
    ))
}

fn string(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0..=5u8)? {
        0 => u.choose(&SEVERITIES)?.to_string(),
        1 => u
            .choose(&["success", "failure", "INFO", "error", ""])?
            .to_string(),
        2 => u
            .choose(&[
                "user.sign_in",
                "agent.tampering",
                "a b&c=d",
                "é/?#%",
                "pce2.example.com",
                "/users/14",
            ])?
            .to_string(),
        3 | 4 => timestamp(u)?,
        _ => u.arbitrary()?,
    })
}

fn value(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(match u.int_in_range(0..=12u8)? {
        0 => Value::Undefined,
        1 => Value::Null,
        2 => Value::Bool(u.arbitrary()?),
        3 => Value::Number(f64::from(u.int_in_range(0..=20_001u32)?)),
        4 => Value::Number(u.arbitrary()?),
        5 => Value::Date(u.int_in_range(-62_200_000_000_000..=253_500_000_000_000i64)? as f64),
        6 => Value::Date(u.arbitrary()?),
        7 => Value::Signal,
        8 => Value::Function,
        9 => Value::Other(*u.choose(&["object", "array", "bigint", "symbol"])?),
        10 => {
            let mut items = Vec::new();
            for _ in 0..u.int_in_range(0..=22u8)? {
                items.push(if u.ratio(1, 20)? {
                    Value::Number(1.0)
                } else {
                    Value::String(string(u)?)
                });
            }
            Value::Array(items)
        }
        _ => Value::String(string(u)?),
    })
}

#[derive(Debug)]
struct Input {
    options: Options,
    purpose: QueryFor,
    render_max: Option<u32>,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut options: Options = Vec::new();
        for _ in 0..u.int_in_range(0..=8u8)? {
            let key = if u.ratio(1, 12)? {
                u.arbitrary::<String>()?
            } else {
                u.choose(QueryFor::Query.keys())?.to_string()
            };
            // A JavaScript object holds each key once.
            if options.iter().all(|(k, _)| *k != key) {
                options.push((key, value(u)?));
            }
        }
        let purpose = *u.choose(&[QueryFor::Query, QueryFor::Count, QueryFor::Watch])?;
        Ok(Input {
            options,
            purpose,
            render_max: u.arbitrary()?,
        })
    }
}

fn hex(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).map(|d| d as u8)
}

/// Reads a `k=v&k=v` query string, percent-decoding each side.
fn read_query(text: &str) -> Vec<(String, String)> {
    let decode = |s: &str| -> String {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                let byte = (b.get(i + 1).copied().and_then(hex))
                    .zip(b.get(i + 2).copied().and_then(hex))
                    .map(|(h, l)| h << 4 | l)
                    .unwrap_or_else(|| panic!("a bad escape in {s:?}"));
                out.push(byte);
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        String::from_utf8(out).expect("the decoded value is UTF-8")
    };
    text.split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').expect("each pair has one =");
            assert!(!v.contains('='), "a raw = in a value: {pair:?}");
            (decode(k), decode(v))
        })
        .collect()
}

/// The wire filters the caller's options mean for one of its event types, in the order the
/// query string has them.
fn expected(
    options: &Options,
    event_type: Option<&str>,
    max_results: u32,
) -> Vec<(String, String)> {
    let get = |key: &str| {
        options
            .iter()
            .find(|(k, v)| k == key && *v != Value::Undefined)
            .map(|(_, v)| v)
    };
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Date(ms) => format_rfc3339_millis(*ms as i64).expect("an accepted Date formats"),
        other => panic!("accepted a filter of {other:?}"),
    };
    let mut out = Vec::new();
    if let Some(t) = event_type {
        out.push(("event_type".to_string(), t.to_string()));
    }
    for (key, wire) in [
        ("status", "status"),
        ("severity", "severity"),
        ("createdBy", "created_by"),
        ("pceFqdn", "pce_fqdn"),
        ("since", "timestamp[gte]"),
        ("until", "timestamp[lte]"),
    ] {
        if let Some(v) = get(key) {
            out.push((wire.to_string(), text(v)));
        }
    }
    out.push(("max_results".to_string(), max_results.to_string()));
    out
}

fuzz_target!(|input: Input| {
    let query = match EventQuery::parse(&input.options, input.purpose) {
        Ok(query) => query,
        Err(e) => {
            assert_eq!(e.kind, ErrorKind::InvalidArgument);
            assert!(
                input
                    .options
                    .iter()
                    // An item of an array option is named by its index: `eventType[2]`.
                    .any(|(k, _)| e.message.contains(&format!("`{k}`"))
                        || e.message.contains(&format!("`{k}["))),
                "{} names no given option of {:?}",
                e.message,
                input.options
            );
            return;
        }
    };
    if let Some(Value::Number(n)) = input
        .options
        .iter()
        .find(|(k, _)| k == "maxResults")
        .map(|(_, v)| v)
    {
        assert_eq!(f64::from(query.max_results), *n);
    } else {
        assert_eq!(query.max_results, 100);
    }
    assert_eq!(query.needs_async(), query.max_results > MAX_SYNC_RESULTS);
    if let (Some(since), Some(until)) = (&query.since, &query.until) {
        assert!(since.at <= until.at);
    }
    let types: Vec<Option<String>> = match input
        .options
        .iter()
        .find(|(k, v)| k == "eventType" && *v != Value::Undefined)
        .map(|(_, v)| v)
    {
        Some(Value::String(t)) => vec![Some(t.clone())],
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(t) => Some(t.clone()),
                other => panic!("accepted an event type of {other:?}"),
            })
            .collect(),
        Some(other) => panic!("accepted an eventType of {other:?}"),
        None => vec![None],
    };
    let singles = query.per_type();
    assert_eq!(singles.len(), types.len());
    for (single, event_type) in singles.iter().zip(&types) {
        for max in [Some(query.max_results), input.render_max, Some(0)]
            .into_iter()
            .flatten()
        {
            let rendered = single.render(max);
            assert!(
                rendered
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~%&=".contains(&b)),
                "{rendered}"
            );
            assert_eq!(
                read_query(&rendered),
                expected(&input.options, event_type.as_deref(), max),
                "{rendered}"
            );
        }
    }
});
