//! Caller option objects as the pure core sees them: keys with classified values.

use crate::error::{PceError, Result};

/// One option value, classified at the JavaScript boundary.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `undefined`: the option is treated as absent, as TypeScript's `?:` allows.
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number (NaN and infinities included).
    Number(f64),
    /// A string.
    String(String),
    /// A `Date`, as its `getTime()` (NaN for an invalid date).
    Date(f64),
    /// An `AbortSignal`.
    Signal,
    /// A function.
    Function,
    /// An array, its elements classified (an array inside reads as `Other("array")`).
    Array(Vec<Value>),
    /// Anything else, named by its type (`"object"`, `"array"`, `"bigint"`, `"symbol"`).
    Other(&'static str),
}

impl Value {
    /// How the value reads in an error message.
    pub fn describe(&self) -> String {
        match self {
            Self::Undefined => "undefined".into(),
            Self::Null => "null".into(),
            Self::Bool(b) => b.to_string(),
            Self::Number(n) => format_number(*n),
            Self::String(s) if s.chars().count() > 60 => "a long string".into(),
            Self::String(s) => format!("{s:?}"),
            Self::Date(_) => "a Date".into(),
            Self::Signal => "an AbortSignal".into(),
            Self::Function => "a function".into(),
            Self::Array(items) => format!("an array of {} items", items.len()),
            Self::Other(kind) => format!("a value of type {kind}"),
        }
    }
}

/// Formats a number for a message, as JavaScript prints it for the common cases.
///
/// Integer arithmetic only: core's float formatting would add about 15 KB to the wasm.
pub fn format_number(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    let sign = if n < 0.0 { "-" } else { "" };
    let abs = n.abs();
    if abs.is_infinite() {
        return format!("{sign}Infinity");
    }
    if abs >= 9.0e15 {
        return format!("{sign}a number beyond 2^53");
    }
    let whole = abs.trunc() as u64;
    // Six decimals are plenty to recognise a mistyped option in a message.
    let micros = ((abs - abs.trunc()) * 1e6).round() as u64;
    match micros {
        0 => format!("{sign}{whole}"),
        1_000_000 => format!("{sign}{}", whole + 1),
        _ => {
            let fraction = format!("{micros:06}");
            format!("{sign}{whole}.{}", fraction.trim_end_matches('0'))
        }
    }
}

/// An options object: its own enumerable keys, in order, with their values.
pub type Options = Vec<(String, Value)>;

/// Checks that every key is one of `known` (ignoring `undefined` values is not
/// done here: a misspelt key is an error whatever its value), then returns the
/// present values by key.
pub fn check_keys<'a>(options: &'a Options, known: &[&str], what: &str) -> Result<Present<'a>> {
    for (key, _) in options {
        if !known.contains(&key.as_str()) {
            let hint = suggest(key, known)
                .map(|k| format!("; did you mean `{k}`?"))
                .unwrap_or_default();
            return Err(PceError::invalid_argument(
                key,
                &format!("unknown {what} option (known: {}){hint}", known.join(", ")),
            ));
        }
    }
    Ok(Present(options))
}

/// The options of one object, after their keys were checked.
pub struct Present<'a>(&'a Options);

impl Present<'_> {
    /// The value of `key`, unless it is missing or `undefined`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .filter(|v| **v != Value::Undefined)
    }

    /// Checks that `key`, when present, holds a value of `wanted`'s kind (an AbortSignal, a function).
    pub fn expect(&self, key: &str, wanted: Value) -> Result<()> {
        match self.get(key) {
            Some(v) if *v != wanted => Err(PceError::invalid_argument(
                key,
                &format!("expected {}, got {}", wanted.describe(), v.describe()),
            )),
            _ => Ok(()),
        }
    }
}

/// The known key closest to a misspelt one (`max_results` → `maxResults`, `evenType` → `eventType`).
fn suggest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '_' && *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let wanted = fold(key);
    known
        .iter()
        .map(|k| (edit_distance(&wanted, &fold(k)), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// A whole number in `min..=max`, or an `invalid_argument` error naming `key`.
pub fn integer_in(value: &Value, key: &str, min: f64, max: f64) -> Result<f64> {
    match value {
        Value::Number(n) if n.fract() == 0.0 && (min..=max).contains(n) => Ok(*n),
        other => Err(PceError::invalid_argument(
            key,
            &format!(
                "expected an integer from {} to {}, got {}",
                format_number(min),
                format_number(max),
                other.describe()
            ),
        )),
    }
}

/// A string, or an `invalid_argument` error naming `key`.
pub fn string<'v>(value: &'v Value, key: &str) -> Result<&'v str> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(PceError::invalid_argument(
            key,
            &format!("expected a string, got {}", other.describe()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_named_with_a_suggestion() {
        let opts = vec![("max_results".to_string(), Value::Number(5.0))];
        let err = check_keys(&opts, &["eventType", "maxResults"], "query")
            .err()
            .unwrap();
        assert!(err.message.contains("`max_results`"), "{}", err.message);
        assert!(
            err.message.contains("did you mean `maxResults`"),
            "{}",
            err.message
        );
        let opts = vec![("evenType".to_string(), Value::Undefined)];
        let err = check_keys(&opts, &["eventType"], "query").err().unwrap();
        assert!(err.message.contains("did you mean `eventType`"));
    }

    #[test]
    fn numbers_read_as_javascript_prints_them() {
        for (n, text) in [
            (3.0, "3"),
            (-2.5, "-2.5"),
            (0.125, "0.125"),
            (1e20, "a number beyond 2^53"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
            (9.9999999, "10"),
        ] {
            assert_eq!(format_number(n), text);
        }
    }

    #[test]
    fn undefined_counts_as_absent() {
        let opts = vec![("apiKey".to_string(), Value::Undefined)];
        let present = check_keys(&opts, &["apiKey"], "config").unwrap();
        assert_eq!(present.get("apiKey"), None);
    }

    #[test]
    fn integers_are_checked_for_range_and_fraction() {
        assert_eq!(integer_in(&Value::Number(3.0), "n", 0.0, 10.0), Ok(3.0));
        for bad in [
            Value::Number(3.5),
            Value::Number(11.0),
            Value::Number(f64::NAN),
            Value::String("3".into()),
        ] {
            assert!(integer_in(&bad, "n", 0.0, 10.0).is_err());
        }
    }
}
