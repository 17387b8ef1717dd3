//! The one query that defines what the index extracts: every file of `grammars/typescript/`,
//! concatenated and compiled once per grammar, run once per unit.
//!
//! One pass over a unit serves every extractor: walking the tree is most of what a query costs
//! (tree-sitter's cursor bookkeeping per node), so three queries cost about three times one.
//! Each match goes to the extractor whose query file holds its pattern.

use streaming_iterator::StreamingIterator;
use tree_sitter::{Language, Node, Query, QueryCursor, QueryMatch};

use super::grammar::PerGrammar;
use super::units::Unit;
use super::{env_types, extract};
use crate::text::FileKind;

/// Who reads the matches of a query file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reader {
    /// Classes, modules, env uses and timers (`extract.rs`).
    Main,
    /// `Env`-like types (`env_types.rs`).
    EnvTypes,
}

/// The query files, in the order they are concatenated, and who reads each.
const QUERY_FILES: [(&str, &str, Reader); 3] = [
    ("classes.scm", include_str!("../../../grammars/typescript/classes.scm"), Reader::Main),
    ("modules.scm", include_str!("../../../grammars/typescript/modules.scm"), Reader::Main),
    ("env_types.scm", include_str!("../../../grammars/typescript/env_types.scm"), Reader::EnvTypes),
];

/// The compiled query of one grammar, who reads each of its patterns, and each reader's
/// capture indices.
pub(super) struct Compiled {
    query: Query,
    readers: Vec<Reader>,
    main: extract::Captures,
    env_types: env_types::Captures,
}

/// The query, compiled per grammar.
static COMPILED: PerGrammar<Compiled> = PerGrammar::new();

/// The compiled query for `kind`'s grammar, or `None` for non-source kinds and on a compile
/// error (a bug the tests catch).
pub(super) fn compiled(kind: FileKind) -> Option<&'static Compiled> {
    COMPILED.get(kind, compile)
}

/// Compiles the concatenated query files for `language`.
fn compile(language: &Language) -> Result<Compiled, String> {
    let mut source = String::new();
    let mut starts = Vec::with_capacity(QUERY_FILES.len());
    for (_, text, reader) in QUERY_FILES {
        starts.push((source.len(), reader));
        source.push_str(text);
        source.push('\n');
    }
    let query = Query::new(language, &source).map_err(|e| e.to_string())?;
    let readers = (0..query.pattern_count())
        .map(|pattern| {
            let start = query.start_byte_for_pattern(pattern);
            starts.iter().rev().find(|(file_start, _)| *file_start <= start).map_or(Reader::Main, |(_, r)| *r)
        })
        .collect();
    Ok(Compiled { main: extract::Captures::new(&query)?, env_types: env_types::Captures::new(&query)?, readers, query })
}

/// The index of the capture `name`, or an error naming it.
pub(super) fn capture_index(query: &Query, name: &str) -> Result<u32, String> {
    query.capture_index_for_name(name).ok_or_else(|| format!("no capture @{name}"))
}

/// The node captured as `index` in a match.
pub(super) fn capture<'t>(m: &QueryMatch<'_, 't>, index: u32) -> Option<Node<'t>> {
    m.captures().iter().find(|c| c.index == index).map(|c| c.node)
}

/// The nodes one pass of the query captured in a unit, sorted by reader.
#[derive(Default)]
pub(super) struct UnitNodes<'t> {
    /// For `extract.rs`.
    pub main: extract::Captured<'t>,
    /// For `env_types.rs`.
    pub env_types: env_types::EnvTypeNodes<'t>,
}

/// Runs the query once over `unit` (with `cursor`, re-used across units).
pub(super) fn collect<'t>(compiled: &Compiled, cursor: &mut QueryCursor, unit: &Unit<'t>, src: &str) -> UnitNodes<'t> {
    let mut nodes = UnitNodes::default();
    cursor.set_byte_range(unit.range.clone());
    let mut matches = cursor.matches(&compiled.query, unit.node, src.as_bytes());
    while let Some(m) = matches.next() {
        match compiled.readers.get(m.pattern_index) {
            Some(Reader::Main) => nodes.main.accept(&compiled.main, m, unit),
            Some(Reader::EnvTypes) => nodes.env_types.accept(&compiled.env_types, m, unit),
            None => {}
        }
    }
    nodes.main.finish(unit);
    nodes
}

/// The compile error of each query file on its own for `kind`'s grammar, and of their
/// concatenation, so a broken query fails the tests with its file's name.
#[cfg(test)]
pub(super) fn compile_errors(kind: FileKind) -> Vec<String> {
    let Some(language) = kind.language() else {
        return vec!["no grammar".to_owned()];
    };
    let mut errors: Vec<String> = QUERY_FILES
        .iter()
        .filter_map(|(file, text, _)| Query::new(&language, text).err().map(|e| format!("{file}: {e}")))
        .collect();
    if let Some(Err(e)) = COMPILED.compiled(kind, compile) {
        errors.push(format!("all queries: {e}"));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_goes_to_the_reader_of_its_file() {
        let Some(compiled) = compiled(FileKind::TypeScript) else { panic!("the query does not compile") };
        let count = |reader| compiled.readers.iter().filter(|r| **r == reader).count();
        // env_types.scm has 2 patterns; the other files the rest.
        assert_eq!(count(Reader::EnvTypes), 2);
        assert_eq!(count(Reader::Main), compiled.query.pattern_count() - 2);
        assert_eq!(compiled.readers.last(), Some(&Reader::EnvTypes));
    }
}
