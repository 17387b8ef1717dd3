//! What the index extracts from a unit is defined by the query files of `grammars/typescript/`,
//! and matched here by one walk over the unit's nodes, without compiling them.
//!
//! tree-sitter compiles a query against the whole TypeScript grammar: 39 ms for these eleven
//! patterns (5 ms for a single trivial one), once per process and grammar. That was most of a
//! warm `check` in which one file changed (every other file's facts come from the cache), and
//! of the time a freshly started server takes to extract its first file. The patterns are few
//! and plain (a node kind, a field's kind, a parent's kind, a name among a few), so [`collect`]
//! matches them by hand, in the walk that running the query made anyway (walking the tree is
//! most of what a query costs, so one pass serves every extractor).
//!
//! The query files stay the definition: the tests compile them and run them as an oracle over
//! every TS/TSX source of the repository and generated ones, and require the same nodes, in the
//! same order, from both ([`tests::the_walk_matches_what_the_queries_match`]). A pattern added
//! to a query file fails that test until the walk matches it too.

use tree_sitter::Node;

use super::fields::{Field, NodeFields};
use super::nodes::walk_subtree;
use super::units::Unit;
use super::{env_types, extract};

/// The nodes one walk found in a unit, sorted by reader.
#[derive(Default, Debug, PartialEq)]
pub(super) struct UnitNodes<'t> {
    /// For `extract.rs` (`classes.scm`, `modules.scm`).
    pub main: extract::Captured<'t>,
    /// For `env_types.rs` (`env_types.scm`).
    pub env_types: env_types::EnvTypeNodes<'t>,
}

/// Matches the patterns of the query files in `unit`: the nodes inside the unit's node that
/// overlap its range (a class head's unit stops at its body), as a query cursor restricted to
/// that range visits them, each captured node inside the unit's node.
pub(super) fn collect<'t>(unit: &Unit<'t>, src: &str) -> UnitNodes<'t> {
    let mut nodes = UnitNodes::default();
    let range = unit.range.clone();
    let overlaps = |n: Node<'_>| n.end_byte() > range.start && n.start_byte() < range.end;
    let text = |n: Node<'_>| src.get(n.byte_range()).unwrap_or("");
    walk_subtree(unit.node, |node, _| {
        if !overlaps(node) {
            return false;
        }
        match node.kind() {
            // classes.scm: `(class_declaration body: (class_body)) @class`, and the same for
            // `abstract_class_declaration` and `class` (an expression).
            "class_declaration" | "abstract_class_declaration" | "class"
                if field_kind(node, Field::Body, "class_body").is_some() && unit.covers(node) =>
            {
                nodes.main.classes.push(node);
            }
            // modules.scm: `(import_statement) @import`.
            "import_statement" if unit.covers(node) => nodes.main.imports.push(node),
            // modules.scm: `(program (export_statement) @export)`, `(ERROR (export_statement)
            // @export)` (the unit's own node is such a statement: `Captured::finish`; no input
            // of the test below has one inside a unit, units split at top-level ERROR nodes,
            // but the pattern says so).
            "program" | "ERROR" => {
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    if child.kind() == "export_statement" && overlaps(child) && unit.covers(child) {
                        nodes.main.exports.push(child);
                    }
                }
            }
            // modules.scm: `module.exports = …`, `module.exports.X = …`, `exports.X = …`.
            "assignment_expression" if is_commonjs_export(node, &text) && unit.covers(node) => {
                nodes.main.commonjs = true;
            }
            // env_types.scm: `interface Env {…}` and `type Env = {…}` (also `Bindings`).
            "interface_declaration" | "type_alias_declaration" => {
                let members = if node.kind() == "interface_declaration" {
                    field_kind(node, Field::Body, "interface_body")
                } else {
                    field_kind(node, Field::Value, "object_type")
                };
                let name =
                    field_kind(node, Field::Name, "type_identifier").filter(|n| matches!(text(*n), "Env" | "Bindings"));
                if let (Some(name), Some(members)) = (name, members) {
                    if unit.covers(name) && unit.covers(members) {
                        nodes.env_types.push(name, members);
                    }
                }
            }
            _ => {}
        }
        true
    });
    nodes.main.finish(unit);
    nodes
}

/// The child in `field` of `node` when it is of `kind` (by field id: a lookup by name scans
/// the grammar's field names).
fn field_kind<'t>(node: Node<'t>, field: Field, kind: &str) -> Option<Node<'t>> {
    node.field(field).filter(|c| c.kind() == kind)
}

/// The three CommonJS patterns of modules.scm: the assignment's left side is `module.exports`,
/// `module.exports.X` or `exports.X`.
fn is_commonjs_export<'t>(node: Node<'t>, text: &impl Fn(Node<'t>) -> &str) -> bool {
    let Some(left) = field_kind(node, Field::Left, "member_expression") else { return false };
    let ident = |n: Option<Node<'t>>, name: &str| n.is_some_and(|n| n.kind() == "identifier" && text(n) == name);
    let property =
        |n: Option<Node<'t>>, name: &str| n.is_some_and(|n| n.kind() == "property_identifier" && text(n) == name);
    let object = left.field(Field::Object);
    let module_exports = |n: Option<Node<'t>>| {
        n.is_some_and(|n| {
            n.kind() == "member_expression"
                && ident(n.field(Field::Object), "module")
                && property(n.field(Field::Property), "exports")
        })
    };
    (ident(object, "module") && property(left.field(Field::Property), "exports"))
        || module_exports(object)
        || ident(object, "exports")
}

/// The queries themselves, compiled: the definition the walk is tested against.
#[cfg(test)]
pub(super) mod oracle {
    use streaming_iterator::StreamingIterator;
    use tree_sitter::{Language, Node, Query, QueryCursor, QueryMatch};

    use super::super::grammar::PerGrammar;
    use super::super::units::Unit;
    use super::super::{env_types, extract};
    use super::UnitNodes;
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
    pub(in crate::facts) struct Compiled {
        query: Query,
        readers: Vec<Reader>,
        main: extract::Captures,
        env_types: env_types::Captures,
    }

    /// The query, compiled per grammar.
    static COMPILED: PerGrammar<Compiled> = PerGrammar::new();

    /// The compiled query for `kind`'s grammar, or `None` for non-source kinds and on a compile
    /// error (a bug the tests catch).
    pub(in crate::facts) fn compiled(kind: FileKind) -> Option<&'static Compiled> {
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
        Ok(Compiled {
            main: extract::Captures::new(&query)?,
            env_types: env_types::Captures::new(&query)?,
            readers,
            query,
        })
    }

    /// The index of the capture `name`, or an error naming it.
    pub(in crate::facts) fn capture_index(query: &Query, name: &str) -> Result<u32, String> {
        query.capture_index_for_name(name).ok_or_else(|| format!("no capture @{name}"))
    }

    /// The node captured as `index` in a match.
    pub(in crate::facts) fn capture<'t>(m: &QueryMatch<'_, 't>, index: u32) -> Option<Node<'t>> {
        m.captures().iter().find(|c| c.index == index).map(|c| c.node)
    }

    /// Runs the query once over `unit`: the oracle [`super::collect`] is checked against.
    pub(in crate::facts) fn collect<'t>(
        compiled: &Compiled,
        cursor: &mut QueryCursor,
        unit: &Unit<'t>,
        src: &str,
    ) -> UnitNodes<'t> {
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
    pub(in crate::facts) fn compile_errors(kind: FileKind) -> Vec<String> {
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
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::text::FileKind;

    /// Every TS/JS source of the repository: the files themselves, and the files of the rule
    /// fixtures (`//- path` sections), with the kind their path gives.
    fn repository_sources() -> Vec<(PathBuf, FileKind, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut out = Vec::new();
        let mut stack = vec![root.join("examples"), root.join("tests"), root.join("vscode-extension/src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    if !path.ends_with("node_modules") {
                        stack.push(path);
                    }
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&path) else { continue };
                if path.extension().is_some_and(|e| e == "txt") {
                    for section in text.split("//- ").skip(1) {
                        let (name, body) = section.split_once('\n').unwrap_or((section, ""));
                        let name = path.join(name.trim());
                        if let Some(kind) = FileKind::from_path(&name).filter(|k| k.is_source()) {
                            out.push((name, kind, body.to_string()));
                        }
                    }
                } else if let Some(kind) = FileKind::from_path(&path).filter(|k| k.is_source()) {
                    out.push((path, kind, text));
                }
            }
        }
        out
    }

    /// The walk finds what the compiled queries find, node for node and in the same order, in
    /// every unit of every source of the repository, and of each cut short at four places (half-
    /// typed code: ERROR nodes, `export` under them, class heads without bodies).
    #[test]
    fn the_walk_matches_what_the_queries_match() {
        let mut sources = repository_sources();
        assert!(sources.len() > 200, "{} sources", sources.len());
        // Every pattern and its near misses, whole and broken mid-file.
        let snippets = [
            "interface Env { A: DurableObjectNamespace }\ninterface Bindings { B: KVNamespace }\n",
            "type Bindings = { A: string };\ntype Env = string;\ntype Other = { B: 1 };\n",
            "interface Env extends Base { C: 1 }\ndeclare namespace Cloudflare { interface Env { D: 2 } }\n",
            "const x = ;\nexport class A {}\nexport default { fetch() {} };\n",
            "function f( {\n  export const y = 1;\n}\n}} export { z };\nexport * from './m';\n",
            "module.exports = {};\nmodule.exports.a = 1;\nexports.b = 2;\nmodule['exports'] = 3;\n",
            "foo.exports = 1;\nmodule.exports[a] = 1;\nmodule.other = 2;\nexports = 3;\n",
            "abstract class A {}\nconst B = class {};\nclass C extends D {\n  m() { class E {} }\n}\n",
            "class H extends DurableObject<Env> {\n  async fetch() { return new (class {})(); }\n",
            "import a from 'a';\nimport type { B } from './b';\nimport c = require('c');\nimport './d';\n",
        ];
        for (i, snippet) in snippets.iter().enumerate() {
            for kind in [FileKind::TypeScript, FileKind::Tsx] {
                sources.push((PathBuf::from(format!("snippet-{i}")), kind, snippet.to_string()));
            }
        }
        // A byte taken out in four places of each source: errors in the middle of files too.
        let broken: Vec<_> = sources
            .iter()
            .flat_map(|(path, kind, text)| {
                (1..=4).filter_map(move |k| {
                    let at = text.len() * k / 5;
                    let ascii = text.as_bytes().get(at).is_some_and(u8::is_ascii);
                    ascii.then(|| (path.clone(), *kind, format!("{}{}", &text[..at], &text[at + 1..])))
                })
            })
            .collect();
        sources.extend(broken);
        let mut cursor = tree_sitter::QueryCursor::new();
        let (mut units, mut found) = (0, 0);
        for (path, kind, text) in &sources {
            let Some(compiled) = oracle::compiled(*kind) else { panic!("the queries do not compile") };
            let language = kind.language().unwrap_or_else(|| panic!("no grammar for {kind:?}"));
            let mut parser = tree_sitter::Parser::new();
            parser.set_language(&language).unwrap_or_else(|e| panic!("{e}"));
            let cuts = (1..=5).map(|k| text.len() * k / 5).filter(|&c| text.is_char_boundary(c));
            for cut in cuts {
                let text = &text[..cut];
                let Some(tree) = parser.parse(text, None) else { panic!("no tree for {}", path.display()) };
                for unit in super::super::units::split(tree.root_node()) {
                    let walked = collect(&unit, text);
                    let mut queried = oracle::collect(compiled, &mut cursor, &unit, text);
                    // The query reports a match when it completes, which in broken code can put
                    // a nested class before the class around it; the walk gives source order
                    // (what `FileFacts::classes` promises). Same nodes, in source order.
                    let order = |n: &Node<'_>| (n.start_byte(), std::cmp::Reverse(n.end_byte()));
                    for list in [&mut queried.main.classes, &mut queried.main.imports, &mut queried.main.exports] {
                        list.sort_by_key(order);
                    }
                    assert_eq!(walked, queried, "{} cut at {cut}, unit at {:?}", path.display(), unit.range);
                    units += 1;
                    found += walked.main.classes.len()
                        + walked.main.imports.len()
                        + walked.main.exports.len()
                        + usize::from(walked.main.commonjs)
                        + walked.env_types.len();
                }
            }
        }
        assert!(units > 5_000 && found > 1_000, "{units} units, {found} nodes found: too few to mean much");
        eprintln!("{} sources, {units} units, {found} nodes found", sources.len());
    }
}
