//! Every conversion between byte offsets and line/character positions lives here.
//!
//! LSP counts characters in UTF-16 code units by default, or in UTF-8 bytes when both sides agree
//! (`positionEncoding`). Lines end at LF, CR or CRLF, the three breaks LSP recognises (ropey with
//! `cr_lines` and no `unicode_lines` agrees). Conversions never fail: positions past the end of a
//! line clamp to its end, lines past the end of the text clamp to the end of the text, and a
//! position inside a character (half a surrogate pair, the middle of a UTF-8 sequence) moves to
//! the start of that character.

use std::borrow::Cow;

use ropey::Rope;

/// How `character` counts within a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PositionEncoding {
    /// UTF-8 bytes.
    Utf8,
    /// UTF-16 code units (LSP's default).
    #[default]
    Utf16,
}

/// A zero-based line and character, counted in some [`PositionEncoding`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct LineCol {
    /// Line, from 0.
    pub line: u32,
    /// Character within the line, from 0, in the encoding's units.
    pub character: u32,
}

/// Line starts of a text held as a plain string (for files that are not open in an editor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    /// Indexes the line breaks of `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { starts, len: text.len() }
    }

    /// The number of lines (a text ending in a line break has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The line containing byte `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.starts.partition_point(|&s| s <= offset).saturating_sub(1)
    }

    /// The byte at which `line` starts (clamped).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len)
    }
}

/// Read access to a text's lines, whatever holds it.
pub trait Lines {
    /// Total length in bytes.
    fn len_bytes(&self) -> usize;
    /// Number of lines.
    fn line_count(&self) -> usize;
    /// The line containing byte `offset` (clamped).
    fn line_of_byte(&self, offset: usize) -> usize;
    /// The first byte of `line` (`line < line_count()`).
    fn line_start_byte(&self, line: usize) -> usize;
    /// The text of `line`, its line break excluded.
    fn line_text(&self, line: usize) -> Cow<'_, str>;
}

impl Lines for Rope {
    fn len_bytes(&self) -> usize {
        Rope::len_bytes(self)
    }
    fn line_count(&self) -> usize {
        self.len_lines()
    }
    fn line_of_byte(&self, offset: usize) -> usize {
        self.byte_to_line(offset.min(Rope::len_bytes(self)))
    }
    fn line_start_byte(&self, line: usize) -> usize {
        self.line_to_byte(line.min(self.len_lines()))
    }
    fn line_text(&self, line: usize) -> Cow<'_, str> {
        if line >= self.len_lines() {
            return Cow::Borrowed("");
        }
        let slice = self.line(line);
        let text: Cow<'_, str> = slice.into();
        match text {
            Cow::Borrowed(s) => Cow::Borrowed(strip_line_break(s)),
            Cow::Owned(s) => Cow::Owned(strip_line_break(&s).to_owned()),
        }
    }
}

/// A plain string with its [`LineIndex`].
#[derive(Debug, Clone, Copy)]
pub struct IndexedText<'a> {
    /// The text.
    pub text: &'a str,
    /// Its line starts.
    pub index: &'a LineIndex,
}

impl Lines for IndexedText<'_> {
    fn len_bytes(&self) -> usize {
        self.text.len()
    }
    fn line_count(&self) -> usize {
        self.index.line_count()
    }
    fn line_of_byte(&self, offset: usize) -> usize {
        self.index.line_of(offset)
    }
    fn line_start_byte(&self, line: usize) -> usize {
        self.index.line_start(line)
    }
    fn line_text(&self, line: usize) -> Cow<'_, str> {
        let start = self.index.line_start(line);
        let end = self.index.line_start(line + 1);
        Cow::Borrowed(strip_line_break(self.text.get(start..end).unwrap_or("")))
    }
}

fn strip_line_break(s: &str) -> &str {
    let s = s.strip_suffix('\n').unwrap_or(s);
    s.strip_suffix('\r').unwrap_or(s)
}

/// The line/character of byte `offset` (clamped to the text; moved back to a char boundary).
pub fn offset_to_line_col(text: &impl Lines, offset: usize, encoding: PositionEncoding) -> LineCol {
    let offset = offset.min(text.len_bytes());
    let line = text.line_of_byte(offset);
    let start = text.line_start_byte(line);
    let line_text = text.line_text(line);
    let mut within = (offset - start).min(line_text.len());
    while !line_text.is_char_boundary(within) {
        within -= 1;
    }
    let character = match encoding {
        PositionEncoding::Utf8 => within,
        PositionEncoding::Utf16 => line_text[..within].encode_utf16().count(),
    };
    LineCol { line: line as u32, character: character as u32 }
}

/// The byte offset of `pos` (clamped as the module doc says).
pub fn line_col_to_offset(text: &impl Lines, pos: LineCol, encoding: PositionEncoding) -> usize {
    let line = pos.line as usize;
    if line >= text.line_count() {
        return text.len_bytes();
    }
    let start = text.line_start_byte(line);
    let line_text = text.line_text(line);
    let wanted = pos.character as usize;
    let within = match encoding {
        PositionEncoding::Utf8 => {
            let mut at = wanted.min(line_text.len());
            while !line_text.is_char_boundary(at) {
                at -= 1;
            }
            at
        }
        PositionEncoding::Utf16 => {
            let mut units = 0;
            let mut at = line_text.len();
            for (i, ch) in line_text.char_indices() {
                let next = units + ch.len_utf16();
                if next > wanted {
                    at = i;
                    break;
                }
                units = next;
            }
            at
        }
    };
    start + within
}

/// The length of `s` in the encoding's units.
pub fn encoded_len(s: &str, encoding: PositionEncoding) -> usize {
    match encoding {
        PositionEncoding::Utf8 => s.len(),
        PositionEncoding::Utf16 => s.encode_utf16().count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn both(text: &str) -> (Rope, LineIndex) {
        (Rope::from_str(text), LineIndex::new(text))
    }

    #[test]
    fn emoji_and_crlf() {
        let text = "a😀b\r\nc\rd\né";
        let (rope, index) = both(text);
        let plain = IndexedText { text, index: &index };
        let b = text.find('b').unwrap_or_default();
        let expect16 = LineCol { line: 0, character: 3 };
        let expect8 = LineCol { line: 0, character: 5 };
        assert_eq!(offset_to_line_col(&rope, b, PositionEncoding::Utf16), expect16);
        assert_eq!(offset_to_line_col(&plain, b, PositionEncoding::Utf16), expect16);
        assert_eq!(offset_to_line_col(&plain, b, PositionEncoding::Utf8), expect8);
        assert_eq!(line_col_to_offset(&rope, expect16, PositionEncoding::Utf16), b);
        assert_eq!(line_col_to_offset(&plain, expect8, PositionEncoding::Utf8), b);
        let d = text.find('d').unwrap_or_default();
        assert_eq!(offset_to_line_col(&rope, d, PositionEncoding::Utf16), LineCol { line: 2, character: 0 });
        assert_eq!(plain.line_count(), 4);
        assert_eq!(Lines::line_count(&rope), 4);
    }

    #[test]
    fn clamps() {
        let text = "ab😀\nx";
        let (rope, _) = both(text);
        // Inside the surrogate pair: back to the start of the emoji.
        let mid = line_col_to_offset(&rope, LineCol { line: 0, character: 3 }, PositionEncoding::Utf16);
        assert_eq!(mid, 2);
        // Past the end of a line: its end, not the next line.
        let past = line_col_to_offset(&rope, LineCol { line: 0, character: 99 }, PositionEncoding::Utf16);
        assert_eq!(past, 6);
        // Past the last line: end of text.
        let end = line_col_to_offset(&rope, LineCol { line: 9, character: 0 }, PositionEncoding::Utf8);
        assert_eq!(end, text.len());
        // Inside a UTF-8 sequence.
        let inside = line_col_to_offset(&rope, LineCol { line: 0, character: 4 }, PositionEncoding::Utf8);
        assert_eq!(inside, 2);
        assert_eq!(offset_to_line_col(&rope, 4, PositionEncoding::Utf8), LineCol { line: 0, character: 2 });
    }

    proptest! {
        #[test]
        fn rope_and_plain_agree(text in "(a|é|😀|\r\n|\r|\n| ){0,40}", raw in 0usize..200) {
            let (rope, index) = both(&text);
            let plain = IndexedText { text: &text, index: &index };
            for enc in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
                let a = offset_to_line_col(&rope, raw, enc);
                let b = offset_to_line_col(&plain, raw, enc);
                prop_assert_eq!(a, b);
                let back = line_col_to_offset(&plain, a, enc);
                prop_assert_eq!(back, line_col_to_offset(&rope, a, enc));
                // Round trip lands on the char boundary at or before the offset.
                prop_assert!(back <= raw.min(text.len()));
                prop_assert!(text.is_char_boundary(back));
            }
        }
    }
}
