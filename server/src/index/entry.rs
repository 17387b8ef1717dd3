//! A Worker's entry when its config has no `main`: the file a `package.json` script in its
//! folder passes to `wrangler dev`, `wrangler deploy` or `wrangler versions upload` (wrangler
//! takes a positional entry before `main`; see its `getEntry`).

use std::path::{Path, PathBuf};

use crate::text::language::SOURCE_EXTENSIONS;

/// The wrangler commands that bundle an entry.
const BUNDLING_COMMANDS: &[&str] = &["deploy", "dev", "publish", "versions"];

/// Options of those commands that take a value (`--env staging`); any other `--flag` stands
/// alone (or carries its value after `=`).
const OPTIONS_WITH_VALUES: &[&str] = &[
    "-c",
    "--config",
    "-e",
    "--env",
    "--name",
    "--compatibility-date",
    "--compatibility-flags",
    "--compatibility-flag",
    "--var",
    "--define",
    "--alias",
    "--outdir",
    "--outfile",
    "--port",
    "--inspector-port",
    "--ip",
    "--local-protocol",
    "--host",
    "--route",
    "--routes",
    "--tag",
    "--message",
    "--assets",
    "--site",
    "--triggers",
    "--schedule",
    "--schedules",
    "--jsx-factory",
    "--jsx-fragment",
    "--tsconfig",
    "--upstream-protocol",
    "--persist-to",
    "--log-level",
    "--env-file",
    "--dispatch-namespace",
    "--metafile",
    "--containers-rollout",
    "--latest",
];

/// An entry a package.json script gives wrangler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptEntry {
    /// The script's name (`deploy`).
    pub script: String,
    /// The wrangler command (`deploy`, `dev`, `versions upload`).
    pub command: String,
    /// The entry as written, relative to the package's folder (`None`: the config's `main`).
    pub entry: Option<String>,
    /// The `--config` it names, as written, if any.
    pub config: Option<String>,
}

/// The entries the scripts of a `package.json` give wrangler, in the file's order. Text that
/// is not a JSON object with `scripts` gives none.
pub fn entry_scripts(package_json: &str) -> Vec<ScriptEntry> {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(package_json) else { return Vec::new() };
    let Some(scripts) = json.get("scripts").and_then(|s| s.as_object()) else { return Vec::new() };
    let mut out = Vec::new();
    for (name, command) in scripts {
        let Some(command) = command.as_str() else { continue };
        for part in command.split(['&', ';', '|']) {
            if let Some((wrangler_command, entry, config)) = parse_command(part) {
                out.push(ScriptEntry { script: name.clone(), command: wrangler_command, entry, config });
            }
        }
    }
    out
}

/// For one shell command that runs `wrangler <command> [options] <entry>`: the command, the
/// entry and the `--config` option.
fn parse_command(command: &str) -> Option<(String, Option<String>, Option<String>)> {
    let words: Vec<&str> = command.split_whitespace().map(|w| w.trim_matches(['"', '\''])).collect();
    let at = words.iter().position(|w| *w == "wrangler" || w.ends_with("/wrangler"))?;
    let mut rest = words[at + 1..].iter().copied();
    let first = rest.next()?;
    if !BUNDLING_COMMANDS.contains(&first) {
        return None;
    }
    let mut wrangler_command = first.to_owned();
    let mut config = None;
    let mut entry = None;
    let mut pending_value: Option<&str> = None;
    for (i, word) in rest.enumerate() {
        if first == "versions" && i == 0 {
            if word != "upload" {
                return None;
            }
            wrangler_command.push_str(" upload");
            continue;
        }
        if let Some(option) = pending_value.take() {
            if matches!(option, "-c" | "--config") {
                config = Some(word.to_owned());
            }
            continue;
        }
        if word.starts_with('-') {
            match word.split_once('=') {
                Some((option, value)) => {
                    if matches!(option, "-c" | "--config") {
                        config = Some(value.to_owned());
                    }
                }
                None if OPTIONS_WITH_VALUES.contains(&word) => pending_value = Some(word),
                None => {}
            }
            continue;
        }
        if entry.is_none() && is_source_path(word) {
            entry = Some(word.to_owned());
        }
    }
    if first == "versions" && !wrangler_command.ends_with("upload") {
        return None;
    }
    Some((wrangler_command, entry, config))
}

/// True for a path with a source file's extension.
fn is_source_path(word: &str) -> bool {
    Path::new(word).extension().and_then(|e| e.to_str()).is_some_and(|e| SOURCE_EXTENSIONS.contains(&e))
}

/// The entry for the config at `config` among a package's scripts (the package's folder is
/// `dir`): a script that names this config with `--config`, or names none while this config is
/// the folder's default one (`default_config`). `deploy` wins over `versions upload` over `dev`.
pub fn entry_for<'s>(
    scripts: &'s [ScriptEntry],
    dir: &Path,
    config: &Path,
    default_config: Option<&Path>,
) -> Option<&'s ScriptEntry> {
    let rank = |s: &ScriptEntry| match s.command.as_str() {
        "deploy" | "publish" => 0,
        "versions upload" => 1,
        _ => 2,
    };
    scripts
        .iter()
        .filter(|s| s.entry.is_some())
        .filter(|s| match &s.config {
            Some(c) => super::modules::normalize(&dir.join(c)) == config,
            None => default_config == Some(config),
        })
        .min_by_key(|s| rank(s))
}

/// The path an entry names.
pub fn entry_path(dir: &Path, entry: &ScriptEntry) -> Option<PathBuf> {
    Some(super::modules::normalize(&dir.join(entry.entry.as_ref()?)))
}

/// True when a script of the package in `dir` deploys another config than `config` with
/// `--config` (the build writes the config wrangler deploys, as the Vite plugin's
/// `dist/<worker>/wrangler.json`), and none deploys `config` itself.
pub fn deploys_another_config(scripts: &[ScriptEntry], dir: &Path, config: &Path) -> bool {
    let deploys = |s: &&ScriptEntry| matches!(s.command.as_str(), "deploy" | "publish" | "versions upload");
    let target = |s: &ScriptEntry| s.config.as_ref().map(|c| super::modules::normalize(&dir.join(c)));
    let mut deploying = scripts.iter().filter(deploys).peekable();
    deploying.peek().is_some() && deploying.all(|s| target(s).is_some_and(|t| t != config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_give_their_entries() {
        let json = r#"{ "scripts": {
            "dev": "wrangler dev src/server.ts --port 8787",
            "deploy": "npm run build && npx wrangler deploy --env production src/server.ts --minify",
            "staging": "wrangler deploy -c wrangler.staging.toml ./src/staging.ts",
            "upload": "wrangler versions upload --config=alt.jsonc src/alt.ts",
            "types": "wrangler types",
            "assets": "wrangler deploy ./public",
            "other": "tsc -p . && vitest run src/index.test.ts"
        } }"#;
        let got: Vec<(String, String, Option<String>, Option<String>)> =
            entry_scripts(json).into_iter().map(|s| (s.script, s.command, s.entry, s.config)).collect();
        let expected: Vec<(String, String, Option<String>, Option<String>)> = vec![
            // `wrangler deploy ./public` deploys assets: no source entry.
            ("assets".into(), "deploy".into(), None, None),
            ("deploy".into(), "deploy".into(), Some("src/server.ts".into()), None),
            ("dev".into(), "dev".into(), Some("src/server.ts".into()), None),
            ("staging".into(), "deploy".into(), Some("./src/staging.ts".into()), Some("wrangler.staging.toml".into())),
            ("upload".into(), "versions upload".into(), Some("src/alt.ts".into()), Some("alt.jsonc".into())),
        ];
        // `wrangler types` bundles nothing.
        assert_eq!(got, expected);
    }

    #[test]
    fn the_entry_of_each_config() {
        let json = r#"{ "scripts": {
            "dev": "wrangler dev src/dev.ts",
            "deploy": "wrangler deploy src/server.ts",
            "staging": "wrangler deploy -c wrangler.staging.toml src/staging.ts"
        } }"#;
        let scripts = entry_scripts(json);
        let dir = Path::new("/w");
        let main = Path::new("/w/wrangler.toml");
        let staging = Path::new("/w/wrangler.staging.toml");
        let of = |config: &Path| entry_for(&scripts, dir, config, Some(main)).and_then(|s| s.entry.as_deref());
        assert_eq!(of(main), Some("src/server.ts"));
        assert_eq!(of(staging), Some("src/staging.ts"));
        assert_eq!(of(Path::new("/w/other.toml")), None);
        assert!(entry_scripts("not json").is_empty());
        // The Vite plugin's build writes the config that is deployed.
        let built = entry_scripts(
            r#"{ "scripts": { "deploy": "vite build && wrangler deploy --config dist/app/wrangler.json" } }"#,
        );
        assert!(deploys_another_config(&built, dir, main));
        assert!(!deploys_another_config(&scripts, dir, main));
        assert!(entry_scripts(r#"{"scripts": {"x": 1}}"#).is_empty());
    }
}
