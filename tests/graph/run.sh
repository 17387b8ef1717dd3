#!/usr/bin/env bash
# The map of `durable-lsp graph` as GitHub shows it: the Mermaid form of the shipped examples'
# map is parsed and rendered by the mermaid library (pinned in package.json) in headless Chromium,
# and every Worker and class of the JSON form must be a label of the drawing. A broken copy of the
# map must fail the same check (so the check can fail). Writes map.svg and map.png to
# <target>/e2e-screenshots/graph.
# Needs: /usr/bin/chromium (tests/editors/vscode/install-code-server.sh installs it), `npm ci` here,
# and the debug binary (`cargo test` builds it) or $DURABLE_LSP.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
bin="${DURABLE_LSP:-$target/debug/durable-lsp}"
fail() { echo "graph check: FAIL: $*" >&2; exit 1; }
[ -x "$bin" ] || fail "no binary at $bin (run cargo test or cargo build first)"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || fail "chromium is not installed"
[ -d "$here/node_modules/mermaid" ] || fail "mermaid is missing (npm ci --prefix tests/graph)"

out="$target/e2e-screenshots/graph"
mkdir -p "$out"
scratch="$(mktemp -d /tmp/durable-lsp-graph.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT

cd "$repo"
"$bin" graph examples --format mermaid >"$scratch/map.mmd"
"$bin" graph examples --format json >"$scratch/map.json"
# Every Worker's name and every class's name.
mapfile -t names < <(node -e '
  const map = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const worker of map.workers) {
    if (worker.name) console.log(worker.name);
    for (const c of worker.classes) console.log(c.name);
  }
' "$scratch/map.json")
[ "${#names[@]}" -ge 6 ] || fail "the JSON map names ${#names[@]} Workers and classes: $(cat "$scratch/map.json")"
node "$here/render.mjs" "$scratch/map.mmd" "$out/map.svg" "$out/map.png" "${names[@]}" ||
  fail "the Mermaid map of the examples does not render (see above)"

# A map with an unclosed subgraph and a dangling edge must be refused.
{ grep -v '^  end$' "$scratch/map.mmd"; echo '  W0B0 -->'; } >"$scratch/broken.mmd"
status=0
node "$here/render.mjs" "$scratch/broken.mmd" "$scratch/broken.svg" "$scratch/broken.png" >/dev/null 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "a broken map passed the check (exit $status)"
echo "graph check: PASS: the examples' map renders with ${#names[@]} labels; a broken map is refused ($out/map.png)"
