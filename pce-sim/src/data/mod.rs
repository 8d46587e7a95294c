//! The simulator's events: the store that answers queries, the seeded generator that fills it
//! (random numbers, vocabulary, one generator per event family), and the real fixture events.

mod families;
#[cfg(test)]
mod fingerprint;
mod gen;
mod rng;
mod seed;
mod seeded;
mod store;
mod stored;
mod vocabulary;

use serde_json::value::RawValue;

pub use rng::Rng;
pub use seed::{generate, GenConfig};
pub use seeded::Seeded;
pub use store::{json_array, EventRef, Store};
pub use stored::{Filter, StoredEvent};

/// The seeded events of a configuration, as compact columns (on every core).
pub fn seeded_events(cfg: &GenConfig) -> Seeded {
    Seeded::build(cfg)
}

/// The seven real events from illumio-py's public test data, kept verbatim.
pub const FIXTURES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/illumio-py-events.json"
));

/// Reads the fixture file into stored events, each exactly as the file has it.
pub fn fixture_events() -> Vec<StoredEvent> {
    let raw: Vec<Box<RawValue>> = serde_json::from_str(FIXTURES).unwrap_or_default();
    raw.iter()
        .filter_map(|r| StoredEvent::from_json(r.get()).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

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
