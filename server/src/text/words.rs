//! Words people mistype: the candidate a misspelt name most likely means.

/// The candidate closest to `name` by edit distance, when close enough to be a likely typo.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    candidates
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
