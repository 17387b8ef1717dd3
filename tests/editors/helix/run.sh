#!/usr/bin/env bash
# End to end in a real editor: Helix (25.07.1, built from source) in a real terminal (tmux),
# with the documented configuration (editors/helix/languages.toml), over a copy of
# examples/mistakes whose node_modules/.bin/durable-lsp is the binary under test and with no
# durable-lsp on PATH: the documented lookup must find the project's copy. Checks that the
# unknown-binding diagnostic shows inline, that the code action menu offers its quick fix and
# applying it rewrites the line, that the diagnostic goes away, and that the file is saved.
# Usage: tests/editors/helix/run.sh [path/to/durable-lsp]
# (default: $CARGO_TARGET_DIR or target, then debug/durable-lsp; build it first).
# Helix is built once (about 6 minutes; cached in $HELIX_BUILD_DIR, default
# /var/tmp/durable-lsp-helix/<source tarball>) by the recipe in ../shared/e2e-recipes/helix beside
# the repository (HELIX_RECIPE_DIR overrides). Needs tmux.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../common.sh" "${1:-}" tmux "apt-get install -y tmux"
fail() { echo "helix e2e: FAIL: $*" >&2; exit 1; }
pass() { echo "helix e2e: PASS: $*"; }

# 1. Helix, from the shared recipe (its build.sh, else the source tarball it builds from).
recipe="${HELIX_RECIPE_DIR:-$repo/../shared/e2e-recipes/helix}"
tarball="$(ls "$recipe"/helix-*.tar.gz 2>/dev/null | head -1 || true)"
[ -n "$tarball" ] || fail "no Helix source: $recipe holds no helix-*.tar.gz (the shared e2e recipes sit beside the repository as ../shared; set HELIX_RECIPE_DIR to the folder of the Helix recipe)"
out="${HELIX_BUILD_DIR:-/var/tmp/durable-lsp-helix/$(basename "$tarball" .tar.gz)}"
if [ -x "$recipe/build.sh" ]; then
  hx="$("$recipe/build.sh" "$out" | tail -1)"
elif [ -x "$out/hx" ] && [ -d "$out/runtime" ]; then
  hx="$out/hx"
else
  # The recipe's script is missing but its tarball is there: build the same way.
  echo "building Helix from $tarball (about 6 minutes)"
  rm -rf "$out/src" && mkdir -p "$out/src"
  tar -xzf "$tarball" -C "$out/src" --strip-components=1
  rm -f "$out/src/rust-toolchain.toml"
  (cd "$out/src" && HELIX_DISABLE_AUTO_GRAMMAR_BUILD=1 CARGO_TARGET_DIR="$out/build" cargo build --release --locked -p helix-term >&2)
  cp "$out/build/release/hx" "$out/hx"
  rm -rf "$out/runtime" && cp -r "$out/src/runtime" "$out/runtime"
  hx="$out/hx"
fi
[ -x "$hx" ] || fail "no hx at $hx"
"$hx" --version

# 2. The project: its own root (git), the binary under test as node_modules/.bin/durable-lsp.
project="$scratch/mistakes"
git -C "$project" init -q
mkdir -p "$project/node_modules/.bin"
ln -s "$server" "$project/node_modules/.bin/durable-lsp"
clean_path=
IFS=: read -r -a path_dirs <<<"$PATH"
for dir in "${path_dirs[@]}"; do
  [ -n "$dir" ] && [ ! -e "$dir/durable-lsp" ] && clean_path="${clean_path:+$clean_path:}$dir"
done
if PATH="$clean_path" command -v durable-lsp >/dev/null; then fail "durable-lsp is still on PATH"; fi

# 3. The configuration: the documented server entry, durable-lsp alone on each language (the
# other servers of the documented lists are not installed here), inline diagnostics on.
cfg="$scratch/config"
mkdir -p "$cfg/helix"
{
  sed -n '/^\[language-server.durable-lsp\]/,/^$/p' "$repo/editors/helix/languages.toml"
  for language in typescript javascript jsonc toml; do
    printf '[[language]]\nname = "%s"\nlanguage-servers = ["durable-lsp"]\n\n' "$language"
  done
} >"$cfg/helix/languages.toml"
grep -q 'node_modules/.bin/durable-lsp' "$cfg/helix/languages.toml" || fail "the documented server entry was not found"
printf '[editor]\nend-of-line-diagnostics = "hint"\n[editor.inline-diagnostics]\ncursor-line = "hint"\nother-lines = "hint"\n' \
  >"$cfg/helix/config.toml"

# 4. Helix in tmux, on src/index.ts.
session="durable-lsp-helix-$$"
tmux_cmd() { tmux -L "$session" "$@"; }
cleanup_tmux() { tmux_cmd kill-server 2>/dev/null || true; rm -rf "$scratch"; }
trap cleanup_tmux EXIT
tmux_cmd new-session -d -s e2e -x 220 -y 60 -c "$project" \
  "env PATH='$clean_path' XDG_CONFIG_HOME='$cfg' HELIX_RUNTIME='$out/runtime' HOME='$scratch' '$hx' src/index.ts"
screen() { tmux_cmd capture-pane -t e2e -p; }
# Waits until the screen matches (or, with !, no longer matches) a pattern.
wait_screen() {
  local want=$1 pattern=$2 what=$3
  for _ in $(seq 1 150); do
    if screen | grep -q -- "$pattern"; then [ "$want" = yes ] && return 0; else [ "$want" = no ] && return 0; fi
    sleep 0.2
  done
  screen >&2
  fail "$what"
}

wait_screen yes 'COUNTERS` is not a Durable Object binding' "no inline unknown-binding diagnostic within 30 s"
pass "the unknown-binding diagnostic shows inline: $(screen | grep -o '`COUNTERS` is not a Durable Object binding[^│]*' | head -1)"

# Select `COUNTERS.idFromName` in the code (a search; the comment above it names env.COUNTERS
# too), open the code action menu (space a), pick the quick fix.
tmux_cmd send-keys -t e2e '/COUNTERS\.idFromName' Enter
sleep 0.5
tmux_cmd send-keys -t e2e ' ' 'a'
wait_screen yes 'Change to `COUNTER`' "the code action menu does not offer \"Change to \`COUNTER\`\""
# The fix is the menu's first entry (the selection touches no other finding): Enter applies it;
# the saved file shows that it was this fix.
tmux_cmd send-keys -t e2e Enter
wait_screen no 'COUNTERS` is not a Durable Object binding' "the unknown-binding diagnostic stayed after the quick fix"
pass "the quick fix applied and the diagnostic went away"

# Escape, then a pause: an Escape right before `:` reads as Alt-:.
tmux_cmd send-keys -t e2e Escape
sleep 0.5
tmux_cmd send-keys -t e2e ':w' Enter
for _ in $(seq 1 50); do grep -q 'env.COUNTER.idFromName' "$project/src/index.ts" && break; sleep 0.2; done
grep -q 'env.COUNTER.idFromName' "$project/src/index.ts" || { screen >&2; fail "the file on disk lacks the fix"; }
! grep -q 'env.COUNTERS.idFromName' "$project/src/index.ts" || fail "env.COUNTERS.idFromName is still in the saved file"
pass "the file is saved with env.COUNTER"
sleep 0.3
tmux_cmd send-keys -t e2e ':q!' Enter
echo "helix e2e: OK"
