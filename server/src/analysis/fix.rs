//! Fixes: edits a finding offers, applied by the editor (`workspace/applyEdit` through code
//! actions) or by `check --fix`.

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::text::Span;

/// Replace the bytes `span` of `path` with `new_text` (an empty span inserts).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TextEdit {
    /// The file.
    pub path: Arc<PathBuf>,
    /// The bytes replaced, in the file's current text.
    pub span: Span,
    /// The replacement.
    pub new_text: String,
}

/// How safe a fix is to apply without a human looking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Certainly right and meaning-preserving: `source.fixAll` and `check --fix` apply it.
    Safe,
    /// Probably right, but a human should choose (a closest-name guess, one of several options).
    Suggestion,
}

/// One way to fix a finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fix {
    /// What the fix does, as a code action title (`Add a migration for ChatRoom`).
    pub title: String,
    /// The edits, possibly in several files (code and config).
    pub edits: Vec<TextEdit>,
    /// True when this is clearly the right fix (`isPreferred`).
    pub preferred: bool,
    /// Whether batch fixing may apply it.
    pub applicability: Applicability,
}

impl Fix {
    /// A fix of one edit.
    pub fn single(title: impl Into<String>, edit: TextEdit, preferred: bool, applicability: Applicability) -> Fix {
        Fix { title: title.into(), edits: vec![edit], preferred, applicability }
    }
}

/// Why edits could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplyError {
    /// Two edits touch the same bytes.
    Overlap,
    /// An edit lies outside the text or inside a character.
    OutOfRange,
}

/// Applies edits to one file's text. Edits may come in any order; they must not overlap
/// (two insertions at the same offset apply in the order given).
pub fn apply_edits(text: &str, edits: &[&TextEdit]) -> Result<String, ApplyError> {
    let mut sorted: Vec<(usize, &TextEdit)> = edits.iter().copied().enumerate().collect();
    sorted.sort_by_key(|(i, e)| (e.span.start, e.span.end, *i));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (_, edit) in sorted {
        let span = edit.span;
        if span.start < at {
            return Err(ApplyError::Overlap);
        }
        if span.end > text.len() || !text.is_char_boundary(span.start) || !text.is_char_boundary(span.end) {
            return Err(ApplyError::OutOfRange);
        }
        out.push_str(&text[at..span.start]);
        out.push_str(&edit.new_text);
        at = span.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// The safe fixes that can be applied together, as `source.fixAll` and `check --fix` apply
/// them, given the fixes of each finding (`finding.fixes`, findings in order): each finding's
/// first [`Applicability::Safe`] fix, unless one of its edits overlaps ([`Span::overlaps`]) an
/// edit of a fix already chosen in the same file. A fix is taken whole or not at all; the ones
/// left out may apply in a next round, against the fixed text.
pub fn non_overlapping_safe_fixes<'a>(fixes_per_finding: impl IntoIterator<Item = &'a [Fix]>) -> Vec<&'a Fix> {
    let mut chosen: Vec<&Fix> = Vec::new();
    for fixes in fixes_per_finding {
        let Some(fix) = fixes.iter().find(|x| x.applicability == Applicability::Safe) else { continue };
        let clashes = fix
            .edits
            .iter()
            .any(|e| chosen.iter().flat_map(|c| &c.edits).any(|t| t.path == e.path && t.span.overlaps(e.span)));
        if !clashes {
            chosen.push(fix);
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, end: usize, text: &str) -> TextEdit {
        TextEdit { path: Arc::new(PathBuf::from("f")), span: Span::new(start, end), new_text: text.into() }
    }

    #[test]
    fn applies_in_any_order_and_refuses_overlaps() {
        let (a, b) = (edit(4, 5, "X"), edit(0, 0, "> "));
        assert_eq!(apply_edits("abcde", &[&a, &b]).as_deref(), Ok("> abcdX"));
        let c = edit(3, 5, "");
        assert_eq!(apply_edits("abcde", &[&a, &c]), Err(ApplyError::Overlap));
        // Inside the two bytes of `é`.
        assert_eq!(apply_edits("abcdé", &[&edit(5, 5, "x")]), Err(ApplyError::OutOfRange));
        let (i1, i2) = (edit(1, 1, "1"), edit(1, 1, "2"));
        assert_eq!(apply_edits("ab", &[&i1, &i2]).as_deref(), Ok("a12b"));
    }

    fn fix(title: &str, edits: Vec<TextEdit>, applicability: Applicability) -> Fix {
        Fix { title: title.into(), edits, preferred: false, applicability }
    }

    #[test]
    fn safe_fixes_are_chosen_whole_first_come_and_never_overlapping() {
        let other_file = TextEdit { path: Arc::new(PathBuf::from("g")), ..edit(0, 3, "x") };
        let findings: [Vec<Fix>; 5] = [
            // Only the first safe fix of a finding counts; a suggestion never does.
            vec![
                fix("suggest", vec![edit(20, 21, "s")], Applicability::Suggestion),
                fix("a", vec![edit(0, 3, "a")], Applicability::Safe),
                fix("a2", vec![edit(30, 31, "a")], Applicability::Safe),
            ],
            // Overlaps `a` by its second edit: left out whole.
            vec![fix("b", vec![edit(10, 10, "b"), edit(2, 4, "b")], Applicability::Safe)],
            // Touches `a` at its end only, and the same bytes in another file.
            vec![fix("c", vec![edit(3, 5, "c"), other_file], Applicability::Safe)],
            // An insertion where `c` starts (and `a` ends): overlaps `c`.
            vec![fix("d", vec![edit(3, 3, "d")], Applicability::Safe)],
            vec![fix("e", vec![edit(40, 40, "e")], Applicability::Suggestion)],
        ];
        let titles: Vec<&str> =
            non_overlapping_safe_fixes(findings.iter().map(Vec::as_slice)).iter().map(|f| f.title.as_str()).collect();
        assert_eq!(titles, ["a", "c"]);
    }
}
