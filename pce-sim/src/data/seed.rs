//! The seeded, deterministic generator: when events happen (office hours, quiet nights, bursts),
//! and what kind each one is.

use pce_time::DAY_MS;
use rayon::slice::ParallelSliceMut;
use serde_json::Value;

use super::families;
use super::gen::{Gen, Generated};
use super::rng::{mix, Rng};
use super::stored::StoredEvent;
use super::vocabulary::{pick_kind, Kind, DAY_KINDS, NIGHT_KINDS};
use crate::values::Compact;

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

/// What the seeded events are made from: the org, the seed, and the bursts. With an event's
/// index and timestamp it gives that event again, byte for byte, which is what lets the store
/// keep only compact columns and write an event's JSON when it is served.
#[derive(Clone, Debug)]
pub struct Plan {
    org: u64,
    seed: u64,
    bursts: Vec<Burst>,
}

impl Plan {
    /// The plan of a configuration and the timestamps of its events, oldest first: the same
    /// configuration always gives the same timestamps and byte-identical events.
    pub fn new(cfg: &GenConfig) -> (Plan, Vec<i64>) {
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
        // Equal timestamps are indistinguishable, so any sort gives the same list.
        stamps.par_sort_unstable();
        let plan = Plan {
            org: cfg.org,
            seed: cfg.seed,
            bursts,
        };
        (plan, stamps)
    }

    /// The `index`th seeded event, at `ts_ms` (its timestamp in the plan's list). Each event
    /// has its own PRNG, so events can be made in any order, in parallel, and again.
    pub fn event(&self, index: usize, ts_ms: i64) -> Generated {
        let mut r = Rng::new(mix(self
            .seed
            .wrapping_add(index as u64)
            .wrapping_mul(0xA24B_AED4_963E_E407)));
        let burst = self
            .bursts
            .iter()
            .find(|b| ts_ms >= b.start_ms && ts_ms < b.end_ms)
            .copied()
            .filter(|_| r.chance(0.85));
        make_event(&mut r, self.org, ts_ms, burst, &Value::Null)
    }
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

/// Whether an instant is at night or at a weekend, when machines do most of the work.
fn is_quiet(ms: i64) -> bool {
    activity(ms) < 0.5
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
            let generated = make_event(rng, org, at, None, overrides);
            // Overrides may change the indexed fields, so those events are read back.
            if overrides.as_object().is_some_and(|o| !o.is_empty()) {
                let text = String::from_utf8(generated.event.to_bytes()).unwrap_or_default();
                StoredEvent::from_json(&text).unwrap_or_else(|_| stored(at, generated))
            } else {
                stored(at, generated)
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
) -> Generated {
    let kind = match burst {
        Some(b) if b.tampering => Kind::Tampering,
        Some(_) => Kind::AuthFailed,
        None if is_quiet(ts_ms) && rng.chance(0.7) => pick_kind(rng, NIGHT_KINDS),
        None => pick_kind(rng, DAY_KINDS),
    };
    let burst = burst.map(|b| b.id);
    let mut generated = families::build(Gen { org, rng, burst }, kind, ts_ms);
    if let Some(map) = overrides.as_object() {
        for (k, v) in map {
            generated.event.set(k, v.clone());
        }
    }
    generated
}

/// A generated event as the store keeps it.
fn stored(ts_ms: i64, g: Generated) -> StoredEvent {
    StoredEvent::from_generated(ts_ms, g.href, g.fields, &g.event)
}
