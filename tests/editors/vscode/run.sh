#!/usr/bin/env bash
# End to end in real VS Code: packages vscode-extension/ as the linux-x64 platform .vsix with the
# debug durable-lsp binary bundled (as the release workflow packages it, with the release binary),
# installs it into a fresh code-server (VS Code 1.100 in the browser) profile, with no durable-lsp
# on PATH, opens a copy of
# examples/mistakes, and drives it with headless Chromium (drive.mjs): a diagnostic in the Problems
# panel, a hover, a quick fix, completion after `env.`, a rule setting, the restart and output
# commands, the Durable Objects view (expand a Worker, open a class at its declaration), and a
# missing server.
# Usage: tests/editors/vscode/run.sh [path/to/durable-lsp]
# (default: $CARGO_TARGET_DIR or target, then debug/durable-lsp; build it first).
# Needs: install-code-server.sh run once (chromium + code-server), `npm ci` in vscode-extension/
# and in this folder. Screenshots go to $E2E_SCREENSHOTS (default <target>/e2e-screenshots/vscode).
# Environment: CODE_SERVER_DIR, E2E_ATTEMPTS (default 2: a fresh code-server per attempt),
# KEEP_PROFILE=1 keeps the code-server profile and logs of the last attempt; UPDATE_SCREENSHOTS=1
# copies the screenshots the extension's README shows into vscode-extension/images/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
case "$target" in /*) ;; *) target="$repo/$target" ;; esac
server="${1:-$target/debug/durable-lsp}"
case "$server" in /*) ;; *) server="$repo/$server" ;; esac
code_server="${CODE_SERVER_DIR:-/opt/code-server-4.100.3}/node_modules/.bin/code-server"
shots="${E2E_SCREENSHOTS:-$target/e2e-screenshots/vscode}"
attempts="${E2E_ATTEMPTS:-2}"

fail() { echo "vscode e2e: $*" >&2; exit 1; }
[ -x "$server" ] || fail "no server binary at $server (cargo build first)"
[ -x "$code_server" ] || fail "code-server is not installed at $code_server (run $here/install-code-server.sh)"
[ -x /usr/bin/chromium ] || fail "chromium is not installed (run $here/install-code-server.sh)"
[ -d "$here/node_modules/playwright-core" ] || fail "playwright-core is missing (npm ci --prefix tests/editors/vscode)"
[ -d "$repo/vscode-extension/node_modules" ] || fail "the extension's packages are missing (npm ci --prefix vscode-extension)"

scratch="$(mktemp -d /tmp/durable-lsp-vscode.XXXXXX)"
cs_pid=
stop_code_server() {
  # code-server runs in its own process group (setsid): this stops it, its extension hosts and
  # the language server they started, which would otherwise linger.
  if [ -n "$cs_pid" ]; then
    kill -TERM -- "-$cs_pid" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 -- "-$cs_pid" 2>/dev/null || break; sleep 0.3; done
    kill -KILL -- "-$cs_pid" 2>/dev/null || true
    cs_pid=
  fi
}
cleanup() {
  stop_code_server
  if [ -n "${KEEP_PROFILE:-}" ]; then echo "kept: $scratch"; else rm -rf "$scratch"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. Package the extension with the server bundled as server/durable-lsp. The package is assembled
# in the scratch folder, so the working tree gets only the (ignored) bundle in vscode-extension/dist.
echo "packaging the extension with $server bundled"
ext="$repo/vscode-extension"
(cd "$ext" && npm run -s check && npm run -s bundle >/dev/null) || fail "the extension does not build"
mkdir -p "$scratch/ext/dist" "$scratch/ext/server"
cp "$ext/package.json" "$ext/README.md" "$ext/CHANGELOG.md" "$ext/LICENSE" "$ext/.vscodeignore" "$scratch/ext/"
mkdir -p "$scratch/ext/images" && cp "$ext/images/icon.png" "$scratch/ext/images/"
cp "$ext/dist/extension.js" "$scratch/ext/dist/"
cp "$server" "$scratch/ext/server/durable-lsp"
# Debug symbols make up most of a debug binary; the test needs none of them.
command -v strip >/dev/null && strip "$scratch/ext/server/durable-lsp"
(cd "$scratch/ext" && "$ext/node_modules/.bin/vsce" package --no-dependencies --target linux-x64 \
  -o "$scratch/durable-lsp.vsix" >"$scratch/vsce.log" 2>&1) \
  || { cat "$scratch/vsce.log" >&2; fail "vsce package failed"; }
# The platform .vsix: its manifest names the target, and it holds the server.
python3 - "$scratch/durable-lsp.vsix" <<'PY' || fail "the .vsix is not the linux-x64 platform package with the server"
import sys, zipfile
vsix = zipfile.ZipFile(sys.argv[1])
assert 'TargetPlatform="linux-x64"' in vsix.read("extension.vsixmanifest").decode(), "no linux-x64 target"
assert "extension/server/durable-lsp" in vsix.namelist(), "no extension/server/durable-lsp"
PY

# No durable-lsp on PATH for code-server and the extension host: the bundled one must serve.
clean_path=
IFS=: read -r -a path_dirs <<<"$PATH"
for dir in "${path_dirs[@]}"; do
  [ -n "$dir" ] && [ ! -e "$dir/durable-lsp" ] && clean_path="${clean_path:+$clean_path:}$dir"
done
if PATH="$clean_path" command -v durable-lsp >/dev/null; then fail "durable-lsp is still on PATH"; fi

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# 2. One attempt: a fresh profile and project copy, code-server started, drive.mjs run against it.
attempt() {
  local n=$1 profile="$scratch/profile-$1" project="$scratch/project-$1/mistakes" port
  mkdir -p "$profile/ud/User" "$(dirname "$project")"
  cp -R "$repo/examples/mistakes" "$project"
  local -a cs_args=(--user-data-dir "$profile/ud" --extensions-dir "$profile/ext")
  export XDG_CONFIG_HOME="$profile/config" XDG_DATA_HOME="$profile/data" XDG_CACHE_HOME="$profile/cache"
  timeout 120 "$code_server" "${cs_args[@]}" --install-extension "$scratch/durable-lsp.vsix" >"$profile/install.log" 2>&1 \
    || { cat "$profile/install.log" >&2; echo "installing the .vsix into code-server failed" >&2; return 1; }
  # Settings that keep a 2-core machine quiet and leave hovers and completion to durable-lsp.
  cat >"$profile/ud/User/settings.json" <<'JSON'
{
  "telemetry.telemetryLevel": "off", "git.enabled": false, "github.gitAuthentication": false,
  "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false, "extensions.ignoreRecommendations": true,
  "update.mode": "none", "workbench.startupEditor": "none", "workbench.tips.enabled": false,
  "security.workspace.trust.enabled": false, "files.autoSave": "off",
  "editor.wordBasedSuggestions": "off", "editor.stickyScroll.enabled": false, "editor.minimap.enabled": false, "editor.quickSuggestionsDelay": 10, "editor.hover.delay": 300,
  "typescript.validate.enable": false, "typescript.suggest.enabled": false,
  "typescript.tsserver.useSyntaxServer": "never", "durableLsp.trace.server": "messages",
  "[jsonc]": { "editor.autoClosingBrackets": "never", "editor.autoClosingQuotes": "never", "editor.formatOnType": false }
}
JSON
  port="$(free_port)"
  # Its own process group (setsid), so that stop_code_server can stop everything it spawns.
  PATH="$clean_path" setsid "$code_server" "${cs_args[@]}" --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry \
    --disable-update-check --disable-workspace-trust --disable-getting-started-override "$project" >"$profile/code-server.log" 2>&1 &
  cs_pid=$!
  local up=
  for _ in $(seq 1 300); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; then up=1; break; fi
    kill -0 "$cs_pid" 2>/dev/null || break
    sleep 0.3
  done
  if [ -z "$up" ]; then
    tail -30 "$profile/code-server.log" >&2
    echo "code-server did not come up on port $port" >&2
    return 1
  fi
  echo "attempt $n: code-server on 127.0.0.1:$port (pid $cs_pid), project $project"
  local status=0
  PROJECT="$project" SETTINGS="$profile/ud/User/settings.json" SHOT_DIR="$shots" timeout 300 node "$here/drive.mjs" "http://127.0.0.1:$port/?folder=$project" \
    || status=$?
  if [ "$status" -ne 0 ]; then
    echo "--- code-server log (last 30 lines) ---" >&2
    tail -30 "$profile/code-server.log" >&2
    local server_log
    server_log="$(find "$profile/ud/logs" -name '*durable-lsp*' 2>/dev/null | head -1)"
    if [ -n "$server_log" ]; then
      echo "--- durable-lsp output channel (last 30 lines) ---" >&2
      tail -30 "$server_log" >&2
    fi
  fi
  stop_code_server
  return "$status"
}

rm -rf "$shots"
mkdir -p "$shots"
for n in $(seq 1 "$attempts"); do
  if attempt "$n"; then
    echo "vscode e2e: OK (screenshots in $shots)"
    if [ -n "${UPDATE_SCREENSHOTS:-}" ]; then
      # The README's screenshots: the Problems panel, a hover, the quick fix menu, completion.
      for shot in 1-problems 2-hover 3-quickfix-menu 5-completion; do cp "$shots/$shot.png" "$ext/images/$shot.png"; done
      echo "copied the README's screenshots to $ext/images/"
    fi
    exit 0
  fi
  echo "vscode e2e: attempt $n of $attempts failed" >&2
done
fail "FAILED after $attempts attempts (screenshots in $shots)"
