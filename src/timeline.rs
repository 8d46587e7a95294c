//! Bucket arithmetic of `eventTimeline`: default sizes, UTC alignment, counting.

use crate::arguments::{check_keys, integer_in, string, Options, Value};
use crate::error::{PceError, Result};
use crate::query::{bound, SEVERITIES};
use pce_time::parse_rfc3339;
use std::collections::HashMap;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// The round bucket sizes a timeline picks from, smallest first.
pub const BUCKET_STEPS_MS: [i64; 12] = [
    MINUTE,
    5 * MINUTE,
    10 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    2 * HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
    7 * DAY,
];

/// The most buckets a default size may give.
pub const MAX_DEFAULT_BUCKETS: i64 = 120;

/// The most buckets any timeline may have.
pub const MAX_BUCKETS: i64 = 100_000;

/// What `groupBy` reads from each event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    /// `severity`.
    Severity,
    /// `event_type`.
    EventType,
    /// `status`.
    Status,
    /// The single key of `created_by`.
    CreatedBy,
}

impl GroupBy {
    /// Reads a `groupBy` option value.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "severity" => Some(Self::Severity),
            "event_type" => Some(Self::EventType),
            "status" => Some(Self::Status),
            "created_by" => Some(Self::CreatedBy),
            _ => None,
        }
    }

    /// The event field this grouping reads.
    pub fn field(self) -> &'static str {
        match self {
            Self::Severity => "severity",
            Self::EventType => "event_type",
            Self::Status => "status",
            Self::CreatedBy => "created_by",
        }
    }
}

/// The smallest round size giving at most 120 buckets over `start..=end`
/// (a week when even that gives more).
pub fn default_bucket_ms(start_ms: i64, end_ms: i64) -> i64 {
    BUCKET_STEPS_MS
        .iter()
        .copied()
        .find(|step| bucket_count(start_ms, end_ms, *step) <= MAX_DEFAULT_BUCKETS)
        .unwrap_or(7 * DAY)
}

fn bucket_count(start_ms: i64, end_ms: i64, bucket_ms: i64) -> i64 {
    let first = start_ms.div_euclid(bucket_ms) * bucket_ms;
    (end_ms - first).div_euclid(bucket_ms) + 1
}

/// Contiguous buckets of one size from the aligned start through the one holding `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The first bucket's start: `start` aligned down to a multiple of the size since the epoch.
    pub first_ms: i64,
    /// The size of each bucket.
    pub bucket_ms: i64,
    /// How many buckets.
    pub count: usize,
    /// The window's start, inclusive.
    pub start_ms: i64,
    /// The window's end, inclusive.
    pub end_ms: i64,
}

impl Plan {
    /// Plans the buckets of `start..=end`, with `bucket_ms` or the default size.
    pub fn new(start_ms: i64, end_ms: i64, bucket_ms: Option<i64>) -> Result<Plan> {
        if start_ms > end_ms {
            return Err(PceError::invalid_argument("start", "is later than end"));
        }
        let bucket_ms = bucket_ms.unwrap_or_else(|| default_bucket_ms(start_ms, end_ms));
        if bucket_ms <= 0 {
            return Err(PceError::invalid_argument(
                "bucketMs",
                "must be a positive integer",
            ));
        }
        let count = bucket_count(start_ms, end_ms, bucket_ms);
        if count > MAX_BUCKETS {
            return Err(PceError::invalid_argument(
                "bucketMs",
                &format!("gives {count} buckets, more than {MAX_BUCKETS}: choose a larger bucketMs or a shorter range"),
            ));
        }
        Ok(Plan {
            first_ms: start_ms.div_euclid(bucket_ms) * bucket_ms,
            bucket_ms,
            count: count as usize,
            start_ms,
            end_ms,
        })
    }

    /// The bucket holding `at`, or `None` outside `start..=end`.
    pub fn bucket_of(&self, at_ms: i64) -> Option<usize> {
        if at_ms < self.start_ms || at_ms > self.end_ms {
            return None;
        }
        usize::try_from((at_ms - self.first_ms) / self.bucket_ms).ok()
    }
}

/// The groups seen, each with a stable index, in order of first sight.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Groups {
    /// The names, by index.
    pub names: Vec<String>,
    index: HashMap<String, usize>,
}

impl Groups {
    /// The index of a group, added on first sight.
    pub fn index_of(&mut self, name: &str) -> usize {
        if let Some(i) = self.index.get(name) {
            return *i;
        }
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), self.names.len() - 1);
        self.names.len() - 1
    }

    /// Group indexes in a stable output order: severities by urgency, then
    /// anything else alphabetically, whatever order the events came in.
    pub fn ordered(&self, group_by: GroupBy) -> Vec<usize> {
        let rank = |name: &str| match group_by {
            GroupBy::Severity => SEVERITIES
                .iter()
                .position(|s| *s == name)
                .unwrap_or(SEVERITIES.len()),
            _ => 0,
        };
        let mut order: Vec<usize> = (0..self.names.len()).collect();
        order.sort_by(|a, b| {
            let (a, b) = (&self.names[*a], &self.names[*b]);
            rank(a).cmp(&rank(b)).then_with(|| a.cmp(b))
        });
        order
    }
}

/// Counts per bucket and group index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counts {
    /// One row per bucket, one cell per group index, grown as groups appear.
    rows: Vec<Vec<u32>>,
}

impl Counts {
    /// Empty counts for a plan.
    pub fn new(plan: &Plan) -> Self {
        Self {
            rows: vec![Vec::new(); plan.count],
        }
    }

    /// Adds one event in `bucket` to group index `group`.
    pub fn add(&mut self, bucket: usize, group: usize) {
        if let Some(row) = self.rows.get_mut(bucket) {
            if row.len() <= group {
                row.resize(group + 1, 0);
            }
            row[group] += 1;
        }
    }

    /// The count of group index `group` in `bucket`.
    pub fn get(&self, bucket: usize, group: usize) -> u32 {
        self.rows
            .get(bucket)
            .and_then(|row| row.get(group))
            .copied()
            .unwrap_or(0)
    }
}

/// The keys of `TimelineOptions`.
pub const TIMELINE_OPTIONS: &[&str] = &["bucketMs", "start", "end", "groupBy"];

/// Validated `TimelineOptions`.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineOptions {
    /// The bucket size, when given.
    pub bucket_ms: Option<i64>,
    /// The window's start, when given.
    pub start_ms: Option<i64>,
    /// The window's end, when given.
    pub end_ms: Option<i64>,
    /// What to group by; default severity.
    pub group_by: GroupBy,
}

impl TimelineOptions {
    /// Validates the options of `eventTimeline`, each failure naming its option.
    pub fn parse(options: &Options) -> Result<Self> {
        let present = check_keys(options, TIMELINE_OPTIONS, "timeline")?;
        let bucket_ms = present
            .get("bucketMs")
            .map(|v| match v {
                Value::Number(n) if *n <= 0.0 => {
                    Err(PceError::invalid_argument("bucketMs", "must be positive"))
                }
                other => integer_in(other, "bucketMs", 1.0, 9_007_199_254_740_991.0),
            })
            .transpose()?
            .map(|n| n as i64);
        let instant = |key: &str| {
            present
                .get(key)
                .map(|v| bound(v, key).map(|b| b.at.millis()))
                .transpose()
        };
        let (start_ms, end_ms) = (instant("start")?, instant("end")?);
        if let (Some(s), Some(e)) = (start_ms, end_ms) {
            if s > e {
                return Err(PceError::invalid_argument("start", "is later than end"));
            }
        }
        let group_by = match present.get("groupBy") {
            None => GroupBy::Severity,
            Some(v) => GroupBy::parse(string(v, "groupBy")?).ok_or_else(|| {
                PceError::invalid_argument(
                    "groupBy",
                    &format!(
                        "expected one of severity, event_type, status, created_by, got {}",
                        v.describe()
                    ),
                )
            })?,
        };
        Ok(Self {
            bucket_ms,
            start_ms,
            end_ms,
            group_by,
        })
    }

    /// The window: the given bounds, else the earliest and latest readable timestamps
    /// (an end never before the start), else `fallback_ms` for an empty list.
    pub fn window(
        &self,
        earliest: Option<i64>,
        latest: Option<i64>,
        fallback_ms: i64,
    ) -> (i64, i64) {
        let start = self
            .start_ms
            .or(earliest)
            .or(self.end_ms)
            .unwrap_or(fallback_ms);
        let end = self.end_ms.or(latest).unwrap_or(start).max(start);
        (start.min(end), end)
    }
}

/// A counted timeline: what `eventTimeline` hands back, before it becomes JavaScript objects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counted {
    /// The plan: window, bucket size and count.
    pub plan: Plan,
    /// The group names, in their stable order.
    pub groups: Vec<String>,
    /// Each bucket's total.
    pub totals: Vec<u32>,
    /// Each bucket's count of each group, bucket after bucket, groups in `groups` order.
    pub counts: Vec<u32>,
    /// Events whose timestamp is unreadable or outside the window.
    pub skipped: u32,
}

/// Counts events given as columns: their timestamps, one per line (as the package's
/// JavaScript joined them), and each one's index into `names`, its group's name.
/// `now_ms` is the window of an empty list. Columns that disagree in length mean the
/// events changed while they were read: an `invalid_argument` on `events`.
pub fn count_columns(
    timestamps: &str,
    group_of: &[u32],
    names: &[String],
    options: &TimelineOptions,
    now_ms: i64,
) -> Result<Counted> {
    let changed = || PceError::invalid_argument("events", "changed while the timeline was read");
    // Groups are registered on first sight among readable events, so the order is theirs.
    let mut groups = Groups::default();
    let mut registered: Vec<Option<usize>> = vec![None; names.len()];
    let mut stamps = timestamps.split('\n');
    let mut read: Vec<Option<(i64, usize)>> = Vec::with_capacity(group_of.len());
    for group in group_of {
        let stamp = stamps.next().ok_or_else(changed)?;
        read.push(parse_rfc3339(stamp).map(|at| {
            let js_index = *group as usize;
            let name = names.get(js_index).map_or("", String::as_str);
            let index = match registered.get_mut(js_index) {
                Some(slot) => *slot.get_or_insert_with(|| groups.index_of(name)),
                None => groups.index_of(name),
            };
            (at.millis(), index)
        }));
    }
    // An empty list has no timestamps, and "" splits into one empty piece.
    if stamps
        .next()
        .is_some_and(|rest| !rest.is_empty() || !group_of.is_empty())
    {
        return Err(changed());
    }
    let (earliest, latest) = read
        .iter()
        .flatten()
        .fold((None, None), |(lo, hi), (at, _)| {
            (
                Some(lo.map_or(*at, |l: i64| l.min(*at))),
                Some(hi.map_or(*at, |h: i64| h.max(*at))),
            )
        });
    let (start, end) = options.window(earliest, latest, now_ms);
    let plan = Plan::new(start, end, options.bucket_ms)?;
    let mut counts = Counts::new(&plan);
    let mut totals = vec![0u32; plan.count];
    let mut skipped = 0u32;
    for (at, group) in read.iter().map(|r| r.unwrap_or((i64::MIN, 0))) {
        match plan.bucket_of(at) {
            Some(bucket) => {
                counts.add(bucket, group);
                totals[bucket] += 1;
            }
            None => skipped += 1,
        }
    }
    let order = groups.ordered(options.group_by);
    Ok(Counted {
        plan,
        groups: order.iter().map(|i| groups.names[*i].clone()).collect(),
        counts: (0..plan.count)
            .flat_map(|bucket| order.iter().map(move |g| (bucket, *g)))
            .map(|(bucket, g)| counts.get(bucket, g))
            .collect(),
        totals,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(text: &str) -> i64 {
        parse_rfc3339(text).unwrap().millis()
    }

    #[test]
    fn columns_are_counted_with_skipped_and_window() {
        let names: Vec<String> = ["info", "err"].map(String::from).to_vec();
        let options = TimelineOptions::parse(&vec![(
            "bucketMs".to_string(),
            crate::arguments::Value::Number(60_000.0),
        )])
        .unwrap();
        let stamps =
            "2026-11-20T00:00:10Z\n2026-11-20T00:01:59.999Z\nnot a time\n2026-11-20T00:00:00Z";
        let counted = count_columns(stamps, &[0, 1, 1, 1], &names, &options, 0).unwrap();
        assert_eq!(counted.plan.count, 2);
        assert_eq!(counted.skipped, 1);
        assert_eq!(
            counted.groups,
            ["err", "info"],
            "severity order, most urgent first"
        );
        assert_eq!(counted.totals, [2, 1]);
        assert_eq!(counted.counts, [1, 1, 1, 0]);
        // Columns that disagree: the events changed while JavaScript read them.
        for (stamps, groups) in [
            ("2026-11-20T00:00:10Z", &[0u32, 0][..]),
            ("a\nb", &[0u32][..]),
        ] {
            let err = count_columns(stamps, groups, &names, &options, 0).unwrap_err();
            assert!(err.message.contains("`events`"), "{}", err.message);
        }
        let empty = count_columns("", &[], &names, &options, 120_000).unwrap();
        assert_eq!(
            (empty.plan.start_ms, empty.totals.len(), empty.skipped),
            (120_000, 1, 0)
        );
    }

    #[test]
    fn picks_the_smallest_round_size_within_120_buckets() {
        let start = ms("2026-11-20T00:00:00Z");
        assert_eq!(default_bucket_ms(start, start), MINUTE);
        assert_eq!(default_bucket_ms(start, start + 119 * MINUTE), MINUTE);
        assert_eq!(default_bucket_ms(start, start + 120 * MINUTE), 5 * MINUTE);
        assert_eq!(default_bucket_ms(start, start + DAY - 1), 15 * MINUTE);
        assert_eq!(default_bucket_ms(start, start + 30 * DAY - 1), 6 * HOUR);
        assert_eq!(default_bucket_ms(start, start + 30 * DAY), 12 * HOUR);
        assert_eq!(default_bucket_ms(start, start + 3650 * DAY), 7 * DAY);
    }

    #[test]
    fn aligns_to_utc_multiples_across_leap_days_and_years() {
        let plan = Plan::new(
            ms("2024-02-28T23:59:00Z"),
            ms("2024-03-01T00:00:00Z"),
            Some(DAY),
        )
        .unwrap();
        assert_eq!(plan.first_ms, ms("2024-02-28T00:00:00Z"));
        assert_eq!(plan.count, 3, "28 Feb, 29 Feb, 1 Mar");
        assert_eq!(plan.bucket_of(ms("2024-02-29T12:00:00Z")), Some(1));
        let plan = Plan::new(
            ms("2025-12-31T23:30:00Z"),
            ms("2026-01-01T00:30:00Z"),
            Some(HOUR),
        )
        .unwrap();
        assert_eq!(plan.first_ms, ms("2025-12-31T23:00:00Z"));
        assert_eq!(plan.count, 2);
        assert_eq!(plan.bucket_of(ms("2026-01-01T00:00:00Z")), Some(1));
        // Weeks since the epoch start on Thursdays, 1970-01-01 being one.
        let plan = Plan::new(
            ms("2026-11-20T00:00:00Z"),
            ms("2026-11-20T00:00:00Z"),
            Some(7 * DAY),
        )
        .unwrap();
        assert_eq!(plan.first_ms, ms("2026-11-19T00:00:00Z"));
        let before_epoch = Plan::new(-1, 0, Some(HOUR)).unwrap();
        assert_eq!((before_epoch.first_ms, before_epoch.count), (-HOUR, 2));
    }

    #[test]
    fn the_window_bounds_are_inclusive() {
        let plan = Plan::new(1000, 5000, Some(1000)).unwrap();
        assert_eq!(plan.count, 5);
        assert_eq!(plan.bucket_of(999), None);
        assert_eq!(plan.bucket_of(1000), Some(0));
        assert_eq!(plan.bucket_of(5000), Some(4));
        assert_eq!(plan.bucket_of(5001), None);
    }

    #[test]
    fn refuses_bad_plans() {
        assert!(Plan::new(2, 1, None)
            .unwrap_err()
            .message
            .contains("`start`"));
        assert!(Plan::new(0, 1, Some(0))
            .unwrap_err()
            .message
            .contains("`bucketMs`"));
        assert!(Plan::new(0, 100_000 * MINUTE, Some(MINUTE))
            .unwrap_err()
            .message
            .contains("100000"));
        assert!(Plan::new(0, 99_999 * MINUTE, Some(MINUTE)).is_ok());
    }

    #[test]
    fn counts_in_a_stable_group_order() {
        let plan = Plan::new(0, 10, Some(5)).unwrap();
        let (mut groups, mut counts) = (Groups::default(), Counts::new(&plan));
        for name in ["info", "zeta", "err", "info", "alpha", "null"] {
            counts.add(0, groups.index_of(name));
        }
        let names = |by| -> Vec<String> {
            groups
                .ordered(by)
                .into_iter()
                .map(|i| groups.names[i].clone())
                .collect()
        };
        assert_eq!(
            names(GroupBy::Severity),
            ["err", "info", "alpha", "null", "zeta"]
        );
        assert_eq!(
            names(GroupBy::EventType),
            ["alpha", "err", "info", "null", "zeta"]
        );
        let info = groups.index_of("info");
        assert_eq!(
            (
                counts.get(0, info),
                counts.get(1, info),
                counts.get(9, info)
            ),
            (2, 0, 0)
        );
    }

    #[test]
    fn options_are_checked_and_windows_default_to_the_events() {
        let opts = |pairs: Vec<(&str, Value)>| -> Options {
            pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
        };
        for (key, value) in [
            ("bucketMs", Value::Number(0.0)),
            ("bucketMs", Value::Number(-5.0)),
            ("bucketMs", Value::Number(1.5)),
            ("groupBy", Value::String("user".into())),
            ("start", Value::String("today".into())),
            ("bucket", Value::Number(1.0)),
        ] {
            let err = TimelineOptions::parse(&opts(vec![(key, value)])).unwrap_err();
            assert!(err.message.contains(&format!("`{key}`")), "{}", err.message);
        }
        let reversed = opts(vec![
            ("start", Value::String("2026-01-02T00:00:00Z".into())),
            ("end", Value::Date(0.0)),
        ]);
        assert!(TimelineOptions::parse(&reversed)
            .unwrap_err()
            .message
            .contains("`start`"));
        let defaults = TimelineOptions::parse(&Vec::new()).unwrap();
        assert_eq!(defaults.group_by, GroupBy::Severity);
        assert_eq!(defaults.window(Some(5), Some(9), 0), (5, 9));
        assert_eq!(defaults.window(None, None, 42), (42, 42));
        let from = TimelineOptions {
            start_ms: Some(100),
            ..defaults.clone()
        };
        assert_eq!(
            from.window(Some(5), Some(9), 0),
            (100, 100),
            "an end never before the start"
        );
    }
}
