//! Words people mistype: the candidate a misspelt name most likely means.

/// The candidate closest to `name` by edit distance, when close enough to be a likely typo.
///
/// Close enough: an edit distance of at most a third of the longer name's length (at least 1),
/// or one name inside the other, ignoring case. Rules ask it about every name of a workspace
/// (every bound class of a thousand Workers), so the distance is computed only for a candidate
/// that can pass: the difference of two lengths is a lower bound of their edit distance.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    candidates
        .filter(|c| *c != name)
        .filter_map(|c| distance_if_close(name, &lower, c, &c.to_lowercase()).map(|d| (d, c)))
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// True when `a` and `b` differ and [`closest`] would take either for the other: for callers
/// that compare one name with many whose lowercase forms they keep (no allocation per pair).
pub fn is_close(a: &str, a_lower: &str, b: &str, b_lower: &str) -> bool {
    a != b && distance_if_close(a, a_lower, b, b_lower).is_some()
}

/// The edit distance of two names' lowercase forms when they are close enough ([`closest`]).
fn distance_if_close(a: &str, a_lower: &str, b: &str, b_lower: &str) -> Option<usize> {
    let limit = (a.len().max(b.len()) / 3).max(1);
    let contained = a_lower.contains(b_lower) || b_lower.contains(a_lower);
    if !contained && a_lower.chars().count().abs_diff(b_lower.chars().count()) > limit {
        return None;
    }
    let distance = strsim::levenshtein(a_lower, b_lower);
    (distance <= limit || contained).then_some(distance)
}

/// The candidate `key` most likely misspells: the closest by edit distance ([`closest`]), else
/// one with the same letters in another order (`tga` for `tag`, which edit distance finds too
/// far). The one judge of a misspelt config key: the config reader reads the key as this one,
/// and the shape rules name it in their did-you-mean.
pub fn likely_meant<'a>(key: &str, candidates: &[&'a str]) -> Option<&'a str> {
    closest(key, candidates.iter().copied()).or_else(|| {
        let sorted = |s: &str| {
            let mut chars: Vec<char> = s.to_lowercase().chars().collect();
            chars.sort_unstable();
            chars
        };
        let letters = sorted(key);
        candidates.iter().copied().find(|c| sorted(c) == letters)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `closest` as it was before the length bound: the distance computed for every candidate.
    fn reference<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
        let lower = name.to_lowercase();
        candidates
            .iter()
            .copied()
            .filter(|c| *c != name)
            .map(|c| (strsim::levenshtein(&lower, &c.to_lowercase()), c))
            .filter(|(d, c)| {
                *d <= (c.len().max(name.len()) / 3).max(1)
                    || c.to_lowercase().contains(&lower)
                    || lower.contains(&c.to_lowercase())
            })
            .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
            .map(|(_, c)| c)
    }

    #[test]
    fn the_length_bound_changes_no_answer() {
        let names = [
            "ChatRoom",
            "chatroom",
            "ChatRooms",
            "CHAT_ROOM",
            "Chat",
            "Room",
            "RateLimiter",
            "RateLimitr",
            "Counter",
            "Countr",
            "COUNTERS",
            "Sessions",
            "Leaderboard",
            "LeaderBoardV2",
            "X",
            "xy",
            "",
            "Zürich",
            "ZÜRICH",
            "Zurich",
            "ÄpfelKorb",
            "apfelkorb",
            "MyDurableObject",
            "MyDurableObjectV2",
            "DO",
        ];
        let mut answers = 0;
        for name in names {
            for take in 1..=names.len() {
                let candidates: Vec<&str> = names.iter().copied().cycle().skip(take).take(take).collect();
                let expected = reference(name, &candidates);
                answers += usize::from(expected.is_some());
                assert_eq!(closest(name, candidates.iter().copied()), expected, "{name} in {candidates:?}");
            }
        }
        assert!(answers > 100, "{answers} answers: too few cases that find a name");
        // `is_close` says what `closest` says of one pair, either way round.
        for a in names {
            for b in names {
                let (la, lb) = (a.to_lowercase(), b.to_lowercase());
                assert_eq!(is_close(a, &la, b, &lb), reference(a, &[b]).is_some(), "{a} / {b}");
                assert_eq!(is_close(a, &la, b, &lb), is_close(b, &lb, a, &la), "{a} / {b}");
            }
        }
        assert_eq!(closest("COUNTERS", ["COUNTER", "SESSIONS"].into_iter()), Some("COUNTER"));
        assert_eq!(closest("Chat", ["MyChatRoomObject"].into_iter()), Some("MyChatRoomObject"));
    }
}
