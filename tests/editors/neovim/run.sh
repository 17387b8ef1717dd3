#!/usr/bin/env bash
# End to end in a real editor: headless Neovim (0.7+) drives the real durable-lsp binary over a
# copy of examples/mistakes. Usage: tests/editors/neovim/run.sh [path/to/durable-lsp]
# (default: $CARGO_TARGET_DIR or target, then debug/durable-lsp; build it first).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../common.sh" "${1:-}" nvim "apt-get install -y neovim"
# `timeout` guards against a hung editor; init.lua's own waits fail well before it.
SERVER_CMD="$server" ROOT_DIR="$scratch/mistakes" XDG_STATE_HOME="$scratch/state" XDG_CACHE_HOME="$scratch/cache" \
  timeout 120 nvim --headless --clean -u "$here/init.lua" "$scratch/mistakes/src/index.ts"
