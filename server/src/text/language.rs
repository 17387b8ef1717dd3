//! Which language a file is in, and its tree-sitter grammar.

use std::path::Path;

/// The kinds of files durable-lsp reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `.ts`, `.mts`, `.cts`: tree-sitter-typescript's `typescript` grammar.
    TypeScript,
    /// `.tsx`, `.js`, `.jsx`, `.mjs`, `.cjs`: the `tsx` grammar (a superset of JS with JSX).
    Tsx,
    /// `wrangler.json` / `wrangler.jsonc` (and any `.json`/`.jsonc`).
    Jsonc,
    /// `.toml`.
    Toml,
}

/// Source file extensions, in the order an extensionless import tries them.
pub const SOURCE_EXTENSIONS: &[&str] = &["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"];

impl FileKind {
    /// The kind of a file from its extension, or `None` for files durable-lsp does not read.
    pub fn from_path(path: &Path) -> Option<FileKind> {
        let ext = path.extension()?.to_str()?;
        Some(match ext {
            "ts" | "mts" | "cts" => FileKind::TypeScript,
            "tsx" | "js" | "jsx" | "mjs" | "cjs" => FileKind::Tsx,
            "json" | "jsonc" => FileKind::Jsonc,
            "toml" => FileKind::Toml,
            _ => return None,
        })
    }

    /// True for TS/JS sources.
    pub fn is_source(self) -> bool {
        matches!(self, FileKind::TypeScript | FileKind::Tsx)
    }

    /// The tree-sitter grammar for this kind; `None` for JSONC, which the hand-written reader in
    /// `config::jsonc` reads (it recovers from errors the way wrangler users expect).
    pub fn language(self) -> Option<tree_sitter::Language> {
        match self {
            FileKind::TypeScript => Some(tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()),
            FileKind::Tsx => Some(tree_sitter_typescript::LANGUAGE_TSX.into()),
            FileKind::Toml => Some(tree_sitter_toml_ng::LANGUAGE.into()),
            FileKind::Jsonc => None,
        }
    }
}

/// True for TypeScript sources, where type annotations may be written (`.ts`, `.tsx`, `.mts`,
/// `.cts`; `.tsx` shares [`FileKind::Tsx`] with JavaScript, so the extension decides).
pub fn is_typescript(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e, "ts" | "tsx" | "mts" | "cts"))
}

/// True for a wrangler config file name: `wrangler.json|jsonc|toml` and the named variants
/// `wrangler.<name>.json|jsonc|toml`.
pub fn is_wrangler_config(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let Some(rest) = name.strip_prefix("wrangler.") else {
        return false;
    };
    const EXTENSIONS: [&str; 3] = ["json", "jsonc", "toml"];
    if EXTENSIONS.contains(&rest) {
        return true;
    }
    match rest.split_once('.') {
        Some((variant, ext)) => !variant.is_empty() && EXTENSIONS.contains(&ext),
        None => false,
    }
}

/// Parses `text` from scratch with the grammar of `kind` (`None` when it has no tree).
pub fn parse(kind: FileKind, text: &str, old: Option<&tree_sitter::Tree>) -> Option<tree_sitter::Tree> {
    match parse_within(kind, text, old, None) {
        Parsed::Tree(tree) => Some(tree),
        Parsed::OverBudget | Parsed::NoTree => None,
    }
}

/// What [`parse_within`] gave.
pub enum Parsed {
    /// The tree of the text.
    Tree(tree_sitter::Tree),
    /// The parse took longer than its budget and was given up.
    OverBudget,
    /// The kind has no grammar (or the grammar did not load).
    NoTree,
}

/// [`parse`] given up after `budget` (never, without one; at once, with a budget of zero).
/// Half-typed code can make tree-sitter's error recovery re-read the rest of a file for a
/// hundred milliseconds or more (`setTimeout((` typed in a method: docs/performance.md); a
/// caller with a budget has something cheaper to do meanwhile.
pub fn parse_within(
    kind: FileKind,
    text: &str,
    old: Option<&tree_sitter::Tree>,
    budget: Option<std::time::Duration>,
) -> Parsed {
    let Some(language) = kind.language() else {
        return Parsed::NoTree;
    };
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let parser = parsers.entry(kind).or_insert_with(|| {
            let mut p = tree_sitter::Parser::new();
            // Setting a grammar compiled into this binary only fails on an ABI mismatch, which
            // the tests catch; a parser without a language returns no tree below.
            let _ = p.set_language(&language);
            p
        });
        let Some(budget) = budget else {
            return parser.parse(text, old).map_or(Parsed::NoTree, Parsed::Tree);
        };
        if budget.is_zero() {
            return Parsed::OverBudget;
        }
        let started = std::time::Instant::now();
        let mut over_budget = |_: &tree_sitter::ParseState| match started.elapsed() > budget {
            true => std::ops::ControlFlow::Break(()),
            false => std::ops::ControlFlow::Continue(()),
        };
        let options = tree_sitter::ParseOptions::new().progress_callback(&mut over_budget);
        let bytes = text.as_bytes();
        let mut read = |offset: usize, _: tree_sitter::Point| bytes.get(offset..).unwrap_or_default();
        match parser.parse_with_options(&mut read, old, Some(options)) {
            Some(tree) => Parsed::Tree(tree),
            None => {
                // A parser given up resumes where it stopped on its next call: this one is
                // shared by every document of the thread.
                parser.reset();
                Parsed::OverBudget
            }
        }
    })
}

thread_local! {
    static PARSERS: std::cell::RefCell<rustc_hash::FxHashMap<FileKind, tree_sitter::Parser>> =
        std::cell::RefCell::new(Default::default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_names() {
        for ok in ["wrangler.toml", "wrangler.jsonc", "wrangler.json", "wrangler.production.toml"] {
            assert!(is_wrangler_config(Path::new(ok)), "{ok}");
        }
        for no in ["wrangler.yaml", "wrangler..toml", "wrangler.a.b.toml", "mywrangler.toml", "wrangler"] {
            assert!(!is_wrangler_config(Path::new(no)), "{no}");
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(FileKind::from_path(Path::new("a.mts")), Some(FileKind::TypeScript));
        assert_eq!(FileKind::from_path(Path::new("a.cjs")), Some(FileKind::Tsx));
        assert_eq!(FileKind::from_path(Path::new("a.css")), None);
    }
}
