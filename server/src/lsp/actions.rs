//! Code actions: each finding's fixes as `quickfix` actions, and the safe ones of a file as one
//! `source.fixAll.durable-lsp` action. The client applies the edits; the server writes nothing.

use std::collections::HashMap;
use std::path::Path;

use tower_lsp_server::ls_types as lsp;

use super::convert;
use crate::analysis::{non_overlapping_safe_fixes, Analysis, TextEdit};
use crate::index::Workspace;
use crate::text::position::{IndexedText, LineIndex};
use crate::text::PositionEncoding;

/// The code actions for `range` of `path`, restricted to the kinds in `only` when given.
pub fn code_actions(
    ws: &Workspace,
    analysis: &Analysis,
    path: &Path,
    range: lsp::Range,
    only: Option<&[lsp::CodeActionKind]>,
    encoding: PositionEncoding,
) -> lsp::CodeActionResponse {
    let Some(text) = ws.text(path) else { return Vec::new() };
    let index = LineIndex::new(&text);
    let lines = IndexedText { text: &text, index: &index };
    let start = convert::offset(&lines, range.start, encoding);
    let end = convert::offset(&lines, range.end, encoding);
    let wanted = |kind: &lsp::CodeActionKind| {
        only.is_none_or(|kinds| {
            kinds.iter().any(|k| kind.as_str() == k.as_str() || kind.as_str().starts_with(&format!("{}.", k.as_str())))
        })
    };
    let text_of = |p: &Path| ws.text(p);
    let mut actions = Vec::new();
    if wanted(&lsp::CodeActionKind::QUICKFIX) {
        for finding in analysis.findings(path) {
            let span = finding.location.span;
            if span.start > end || span.end < start {
                continue;
            }
            let diagnostic = convert::diagnostic(finding, &text, &index, encoding, &text_of);
            for fix in &finding.fixes {
                let Some(edit) = workspace_edit(ws, &fix.edits, encoding) else { continue };
                actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: fix.title.clone(),
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(edit),
                    is_preferred: fix.preferred.then_some(true),
                    ..Default::default()
                }));
            }
        }
    }
    let convert = lsp::CodeActionKind::new("source.convertMigrations.durable-lsp");
    if wanted(&convert) {
        actions.extend(convert_action(ws, path, &text, &index, encoding, convert));
    }
    let fix_all = lsp::CodeActionKind::new("source.fixAll.durable-lsp");
    // `source.fixAll` is only offered when asked for by kind (on save, or from a menu).
    if only.is_some() && wanted(&fix_all) {
        let findings = analysis.findings(path).iter().map(|f| f.fixes.as_slice());
        let taken: Vec<TextEdit> =
            non_overlapping_safe_fixes(findings).into_iter().flat_map(|fix| fix.edits.iter().cloned()).collect();
        if let Some(edit) = workspace_edit(ws, &taken, encoding).filter(|_| !taken.is_empty()) {
            actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: "Fix all safe durable-lsp problems".to_string(),
                kind: Some(fix_all),
                edit: Some(edit),
                ..Default::default()
            }));
        }
    }
    actions
}

/// "Convert migrations to declarative exports" on a config whose lifecycle uses `migrations`;
/// shown disabled, with the reason, when the history cannot be converted.
fn convert_action(
    ws: &Workspace,
    path: &Path,
    text: &str,
    index: &LineIndex,
    encoding: PositionEncoding,
    kind: lsp::CodeActionKind,
) -> Option<lsp::CodeActionOrCommand> {
    let config = &ws.config_file(path)?.config;
    let has_steps = |m: &Option<crate::config::Migrations>| m.as_ref().is_some_and(|m| !m.steps.is_empty());
    let env = if has_steps(&config.top.migrations) {
        None
    } else {
        Some(config.envs.iter().find(|e| has_steps(&e.config.migrations))?.name.value.as_str())
    };
    let title = "Convert migrations to declarative exports".to_string();
    let mut action = lsp::CodeAction { title, kind: Some(kind), ..Default::default() };
    match crate::analysis::migrations_to_exports::convert_migrations_to_exports(text, config, env) {
        Ok(edits) => {
            let lines = IndexedText { text, index };
            let uri = convert::path_to_uri(path)?;
            let edits = edits
                .into_iter()
                .map(|(span, new_text)| lsp::TextEdit { range: convert::range(&lines, span, encoding), new_text })
                .collect();
            action.edit =
                Some(lsp::WorkspaceEdit { changes: Some(HashMap::from([(uri, edits)])), ..Default::default() });
        }
        Err(reason) => action.disabled = Some(lsp::CodeActionDisabled { reason }),
    }
    Some(lsp::CodeActionOrCommand::CodeAction(action))
}

/// Converts edits (byte spans in the files' current texts) into an LSP workspace edit.
pub(super) fn workspace_edit(
    ws: &Workspace,
    edits: &[TextEdit],
    encoding: PositionEncoding,
) -> Option<lsp::WorkspaceEdit> {
    let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for edit in edits {
        let text = ws.text(&edit.path)?;
        let index = LineIndex::new(&text);
        let lines = IndexedText { text: &text, index: &index };
        let uri = convert::path_to_uri(&edit.path)?;
        changes.entry(uri).or_default().push(lsp::TextEdit {
            range: convert::range(&lines, edit.span, encoding),
            new_text: edit.new_text.clone(),
        });
    }
    Some(lsp::WorkspaceEdit { changes: Some(changes), ..Default::default() })
}
