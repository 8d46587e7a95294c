//! Several event types in one query. The PCE filters by one `event_type` a request, so
//! each type is asked on its own; this module plans those requests and merges the answers
//! newest first, downloading about as many events as the caller wants, not all of them.

use pce_time::{parse_rfc3339, Instant};
use std::collections::HashMap;

/// An event's href and timestamp as sent.
pub type Key = (String, String);

/// Where a merged event sits: its type's index, the page, and its place in that page.
pub type Place = (usize, usize, usize);

/// Orders pages of events from several types newest first: ties between types in the
/// caller's order of types, within a type in the PCE's order; each href once (its first place).
///
/// A merge of the types' lists (each newest first, as the PCE sends them) rather than a sort:
/// each sort instance adds kilobytes to the wasm, and the PCE's own order within a type is kept
/// as sent.
pub fn merge_newest_first(pages: &[Vec<Vec<Key>>]) -> Vec<Place> {
    // A timestamp that cannot be read sorts as the oldest.
    let oldest = Instant {
        secs: i64::MIN,
        nanos: 0,
    };
    let lists: Vec<Vec<(Instant, Place)>> = pages
        .iter()
        .enumerate()
        .map(|(kind, kind_pages)| {
            kind_pages
                .iter()
                .enumerate()
                .flat_map(|(page, keys)| {
                    keys.iter().enumerate().map(move |(index, (_, ts))| {
                        (parse_rfc3339(ts).unwrap_or(oldest), (kind, page, index))
                    })
                })
                .collect()
        })
        .collect();
    let mut heads = vec![0usize; lists.len()];
    // The same map type as the timeline's groups: no new instance of the hash table.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut merged = Vec::new();
    loop {
        let mut best: Option<(Instant, usize)> = None;
        for (kind, list) in lists.iter().enumerate() {
            if let Some((at, _)) = list.get(heads[kind]) {
                // Strictly newer wins, so an earlier type keeps a tie.
                if best.is_none_or(|(b, _)| *at > b) {
                    best = Some((*at, kind));
                }
            }
        }
        let Some((_, kind)) = best else {
            return merged;
        };
        let place = lists[kind][heads[kind]].1;
        heads[kind] += 1;
        let href = &pages[place.0][place.1][place.2].0;
        if !seen.contains_key(href.as_str()) {
            seen.insert(href.clone(), merged.len());
            merged.push(place);
        }
    }
}

/// One request of the plan: the newest `max_results` events of a type up to `until`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// The type's index in the caller's array.
    pub kind: usize,
    /// `timestamp[lte]` as sent (an event's own timestamp), or the query's own when `None`.
    pub until: Option<String>,
    /// How many events to ask for (above 10000, the asynchronous collection).
    pub max_results: u32,
}

/// What is known of one type.
#[derive(Clone, Debug, Default)]
struct Stream {
    /// Its `X-Total-Count` when the query began.
    count: u64,
    /// Distinct hrefs fetched so far (the value is unused: the map type is the timeline's).
    fetched: HashMap<String, usize>,
    /// Whether every event up to the query's `until` is fetched.
    exhausted: bool,
    /// The size of the next page after one that brought nothing new.
    grow_to: Option<u32>,
}

impl Stream {
    fn remaining(&self) -> u64 {
        self.count.saturating_sub(self.fetched.len() as u64)
    }
}

/// The newest `max_results` events over several types, fetched page by page: each type's
/// first page is its share of `max_results` by its count, and a type is asked for more
/// (below the oldest event it gave) only while its unknown events could still be among them.
#[derive(Clone, Debug)]
pub struct TypeMerge {
    max_results: usize,
    streams: Vec<Stream>,
    /// Each type's pages, newest first.
    pages: Vec<Vec<Vec<Key>>>,
}

impl TypeMerge {
    /// A merge of types whose counts (`X-Total-Count`, in the caller's order) are known.
    pub fn new(counts: &[u64], max_results: u32) -> TypeMerge {
        TypeMerge {
            max_results: max_results as usize,
            streams: counts
                .iter()
                .map(|&count| Stream {
                    count,
                    exhausted: count == 0,
                    ..Stream::default()
                })
                .collect(),
            pages: vec![Vec::new(); counts.len()],
        }
    }

    /// The oldest timestamp fetched of a type: its unknown events are no newer.
    fn frontier(&self, kind: usize) -> Option<&str> {
        self.pages[kind]
            .iter()
            .rev()
            .find_map(|page| page.last())
            .map(|(_, ts)| ts.as_str())
    }

    /// The requests to send next, all at once; none when the merge is complete.
    pub fn next_requests(&self) -> Vec<PageRequest> {
        let open: Vec<usize> = match self.cutoff() {
            None => (0..self.streams.len())
                .filter(|i| !self.streams[*i].exhausted)
                .collect(),
            Some((cutoff, cutoff_kind)) => (0..self.streams.len())
                .filter(|i| {
                    let s = &self.streams[*i];
                    // Unknown events of this type are no newer than its frontier, and at the
                    // cutoff's own timestamp only an earlier type's would come first.
                    !s.exhausted
                        && self
                            .frontier(*i)
                            .and_then(parse_rfc3339)
                            .is_none_or(|f| f > cutoff || (f == cutoff && *i < cutoff_kind))
                })
                .collect(),
        };
        let need = self.max_results.saturating_sub(self.settled()) as u64;
        let remaining: u64 = open.iter().map(|i| self.streams[*i].remaining()).sum();
        open.into_iter()
            .map(|kind| {
                let s = &self.streams[kind];
                // This type's share of what is still needed; an event at the frontier comes again.
                let share = (need * s.remaining()).div_ceil(remaining.max(1));
                let frontier = self.frontier(kind);
                let again = self.pages[kind]
                    .iter()
                    .flatten()
                    .filter(|(_, ts)| Some(ts.as_str()) == frontier)
                    .count() as u64;
                let size = share.min(s.remaining()).max(1) + again;
                PageRequest {
                    kind,
                    until: frontier.map(str::to_string),
                    max_results: s
                        .grow_to
                        .unwrap_or(0)
                        .max(u32::try_from(size).unwrap_or(u32::MAX)),
                }
            })
            .collect()
    }

    /// Takes the answer to `request`: the keys of its events, in the PCE's order.
    pub fn add_page(&mut self, request: &PageRequest, keys: Vec<Key>) {
        let s = &mut self.streams[request.kind];
        let before = s.fetched.len();
        for (href, _) in &keys {
            s.fetched.insert(href.clone(), 0);
        }
        let new = s.fetched.len() - before;
        s.exhausted =
            keys.len() < request.max_results as usize || s.fetched.len() as u64 >= s.count;
        // A page of events that all share the frontier's timestamp moves nothing: ask for more.
        s.grow_to = (new == 0 && !s.exhausted).then(|| request.max_results.saturating_mul(2));
        self.pages[request.kind].push(keys);
    }

    /// The pages received, by type, for `merge_newest_first` and the caller's arrays.
    pub fn pages(&self) -> &[Vec<Vec<Key>>] {
        &self.pages
    }

    /// The newest `max_results` events once `next_requests` is empty, merged.
    pub fn result(&self) -> Vec<Place> {
        let mut merged = merge_newest_first(&self.pages);
        merged.truncate(self.max_results);
        merged
    }

    /// The timestamp and type of the `max_results`-th newest event known, once that many are known.
    fn cutoff(&self) -> Option<(Instant, usize)> {
        let merged = merge_newest_first(&self.pages);
        let (kind, page, index) = merged.get(self.max_results.checked_sub(1)?)?;
        Some((parse_rfc3339(&self.pages[*kind][*page][*index].1)?, *kind))
    }

    /// How many known events are newer than every open type's frontier: certainly in the result.
    fn settled(&self) -> usize {
        let open = (0..self.streams.len()).filter(|i| !self.streams[*i].exhausted);
        if open.clone().any(|i| self.pages[i].is_empty()) {
            return 0;
        }
        let newest_frontier = open
            .filter_map(|i| self.frontier(i).and_then(parse_rfc3339))
            .max();
        self.pages
            .iter()
            .flatten()
            .flatten()
            .filter(|(_, ts)| {
                newest_frontier.is_none_or(|f| parse_rfc3339(ts).is_some_and(|at| at > f))
            })
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(href: &str, second: u32) -> Key {
        (href.to_string(), format!("2026-11-20T00:00:{second:02}Z"))
    }

    /// A PCE holding events per type, answering page requests as the real one would.
    struct Pce {
        types: Vec<Vec<Key>>,
        downloaded: usize,
    }

    impl Pce {
        fn answer(&mut self, request: &PageRequest) -> Vec<Key> {
            let until = request.until.as_deref().and_then(parse_rfc3339);
            let keys: Vec<Key> = self.types[request.kind]
                .iter()
                .filter(|(_, ts)| until.is_none_or(|u| parse_rfc3339(ts).unwrap() <= u))
                .take(request.max_results as usize)
                .cloned()
                .collect();
            self.downloaded += keys.len();
            keys
        }

        fn run(&mut self, max_results: u32) -> Vec<String> {
            let counts: Vec<u64> = self.types.iter().map(|t| t.len() as u64).collect();
            let mut merge = TypeMerge::new(&counts, max_results);
            for _ in 0..100 {
                let requests = merge.next_requests();
                if requests.is_empty() {
                    let pages = merge.pages().to_vec();
                    return merge
                        .result()
                        .into_iter()
                        .map(|(k, p, i)| pages[k][p][i].0.clone())
                        .collect();
                }
                for request in requests {
                    let keys = self.answer(&request);
                    merge.add_page(&request, keys);
                }
            }
            panic!("the plan did not end");
        }
    }

    /// The right answer: every event of every type, newest first, ties in type order.
    fn expected(types: &[Vec<Key>], max_results: usize) -> Vec<String> {
        let mut all: Vec<(u32, usize, usize, String)> = types
            .iter()
            .enumerate()
            .flat_map(|(kind, keys)| {
                keys.iter().enumerate().map(move |(i, (href, ts))| {
                    let second = ts[17..19].parse::<u32>().unwrap();
                    (second, kind, i, href.clone())
                })
            })
            .collect();
        all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        all.into_iter().take(max_results).map(|e| e.3).collect()
    }

    /// Events of type `name` at these seconds, newest first as the PCE lists them.
    fn events(name: &str, seconds: &[u32]) -> Vec<Key> {
        let mut seconds = seconds.to_vec();
        seconds.sort_by(|a, b| b.cmp(a));
        seconds
            .iter()
            .enumerate()
            .map(|(i, s)| key(&format!("/{name}/{i}"), *s))
            .collect()
    }

    #[test]
    fn ties_between_types_follow_the_callers_order() {
        let types = vec![events("a", &[5, 3, 3]), events("b", &[5, 4, 3])];
        for max in 1..=7 {
            let mut pce = Pce {
                types: types.clone(),
                downloaded: 0,
            };
            assert_eq!(pce.run(max), expected(&types, max as usize), "max {max}");
        }
    }

    #[test]
    fn skewed_and_interleaved_types_give_the_newest_events() {
        let dense: Vec<u32> = (0..60).map(|i| i % 60).collect();
        let cases = vec![
            vec![events("a", &dense), events("b", &[59, 1]), events("c", &[])],
            vec![
                events("a", &(0..30).collect::<Vec<_>>()),
                events("b", &(30..60).collect::<Vec<_>>()),
            ],
            vec![
                events("a", &[10; 25]),
                events("b", &[10; 5]),
                events("c", &[9]),
            ],
        ];
        for types in cases {
            for max in [1, 2, 5, 10, 29, 30, 31, 100] {
                let mut pce = Pce {
                    types: types.clone(),
                    downloaded: 0,
                };
                let got = pce.run(max);
                assert_eq!(got, expected(&types, max as usize), "max {max}");
                let total: usize = types.iter().map(Vec::len).sum();
                let wanted = (max as usize).min(total);
                assert!(
                    pce.downloaded <= 2 * wanted + 3 * types.len() + 25,
                    "downloaded {} for {wanted}",
                    pce.downloaded
                );
            }
        }
    }

    #[test]
    fn twenty_types_download_about_what_is_asked() {
        let types: Vec<Vec<Key>> = (0..20)
            .map(|t| {
                events(
                    &format!("t{t}"),
                    &(0..50).map(|i| (i * 7 + t) % 60).collect::<Vec<_>>(),
                )
            })
            .collect();
        let mut pce = Pce {
            types: types.clone(),
            downloaded: 0,
        };
        assert_eq!(pce.run(100), expected(&types, 100));
        assert!(pce.downloaded <= 200 + 3 * 20, "{}", pce.downloaded);
    }

    #[test]
    fn each_href_appears_once() {
        let pages = vec![
            vec![
                vec![key("/x", 5), key("/y", 4)],
                vec![key("/y", 4), key("/z", 3)],
            ],
            vec![vec![key("/x", 5)]],
        ];
        let merged = merge_newest_first(&pages);
        assert_eq!(merged, vec![(0, 0, 0), (0, 0, 1), (0, 1, 1)]);
    }
}
