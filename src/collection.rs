//! How many events to ask for: `X-Total-Count` read strictly, and the rule that gets every
//! match (one synchronous page, else the asynchronous collection grown until nothing is cut).

use crate::query::MAX_SYNC_RESULTS;

/// How `fetch_all` gets every match: after one synchronous page of `MAX_SYNC_RESULTS`,
/// whether that page held them all, and else how many to ask the asynchronous collection for.
///
/// The page holds all when it was not full and `X-Total-Count` (if any) says no more match.
/// Otherwise the collection asks for the count plus headroom for events that arrive
/// meanwhile; `grow_collection` then doubles it while an answer comes back full.
pub fn collection_size(got: u64, total: Option<u64>) -> Option<u32> {
    if got < u64::from(MAX_SYNC_RESULTS) && total.is_none_or(|t| t <= got) {
        return None;
    }
    let wanted = total.unwrap_or(got).max(got) + u64::from(MAX_SYNC_RESULTS);
    Some(u32::try_from(wanted).unwrap_or(u32::MAX))
}

/// The next size of an asynchronous collection that answered `got` events when asked for
/// `asked`: none when it was not full (the PCE cuts the oldest at `max_results`, so a full
/// answer may have lost some), else twice as many.
pub fn grow_collection(asked: u32, got: usize) -> Option<u32> {
    (got >= asked as usize && asked < u32::MAX).then(|| asked.saturating_mul(2))
}

/// Reads `X-Total-Count`: a plain decimal integer of at most 15 digits (exact in a JavaScript
/// number), surrounding white space allowed; anything else is no count.
pub fn parse_total_count(header: Option<&str>) -> Option<u64> {
    let text = header?.trim();
    if text.is_empty() || text.len() > 15 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_match_is_one_page_or_a_collection_grown_until_nothing_is_cut() {
        assert_eq!(collection_size(9_999, Some(9_999)), None);
        assert_eq!(collection_size(40, None), None);
        assert_eq!(
            collection_size(40, Some(41)),
            Some(10_041),
            "a count above the page"
        );
        assert_eq!(collection_size(10_000, None), Some(20_000), "a full page");
        assert_eq!(collection_size(10_000, Some(25_000)), Some(35_000));
        assert_eq!(collection_size(10_000, Some(u64::MAX / 2)), Some(u32::MAX));
        assert_eq!(grow_collection(35_000, 34_999), None);
        assert_eq!(grow_collection(35_000, 35_000), Some(70_000));
        assert_eq!(grow_collection(u32::MAX, u32::MAX as usize), None);
        assert_eq!(
            grow_collection(3_000_000_000, 3_000_000_000),
            Some(u32::MAX)
        );
    }

    #[test]
    fn total_counts_are_plain_integers() {
        assert_eq!(parse_total_count(Some("42")), Some(42));
        assert_eq!(parse_total_count(Some(" 0 ")), Some(0));
        assert_eq!(
            parse_total_count(Some("999999999999999")),
            Some(999_999_999_999_999)
        );
        for bad in [
            None,
            Some(""),
            Some("-1"),
            Some("+5"),
            Some("1e3"),
            Some("4.0"),
            Some("1000000000000000"),
        ] {
            assert_eq!(parse_total_count(bad), None, "{bad:?}");
        }
    }
}
