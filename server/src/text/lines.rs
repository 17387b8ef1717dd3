//! Lines and indentation in raw text: what an edit that inserts a line needs to know.

/// The byte offset where the line containing `offset` starts.
pub fn line_start(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len())).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1)
}

/// The whitespace (spaces and tabs) that starts the line containing `offset`.
pub fn line_indent(text: &str, offset: usize) -> &str {
    let line = text.get(line_start(text, offset)..).unwrap_or_default();
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..width]
}

/// One indentation step as the file writes it: what a member's indentation adds to its
/// container's (two spaces when unknown).
pub fn indent_unit(container_indent: &str, member_indent: Option<&str>) -> String {
    match member_indent.and_then(|m| m.strip_prefix(container_indent)) {
        Some(step) if !step.is_empty() => step.to_owned(),
        _ => "  ".to_owned(),
    }
}

/// The spaces and tabs between the start of `at`'s line and `at`, when
/// nothing else stands there (else empty).
pub fn indent_before(text: &str, at: usize) -> &str {
    let prefix = text.get(line_start(text, at)..at).unwrap_or("");
    if prefix.chars().all(|c| c == ' ' || c == '\t') {
        prefix
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_indents() {
        let text = "class A {\n\t\tfoo() {}\n}";
        assert_eq!(line_start(text, 0), 0);
        assert_eq!(line_start(text, 12), 10);
        assert_eq!(line_start(text, 999), 21);
        assert_eq!(line_indent(text, 14), "\t\t");
        assert_eq!(line_indent(text, 3), "");
        assert_eq!(indent_unit("  ", Some("      ")), "    ");
        assert_eq!(indent_unit("  ", Some("  ")), "  ");
        assert_eq!(indent_unit("", None), "  ");
        assert_eq!(indent_before("  { a },\n    { b }", 13), "    ");
        assert_eq!(indent_before("  { a }, { b }", 9), "");
    }
}
