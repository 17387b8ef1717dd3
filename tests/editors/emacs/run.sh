#!/usr/bin/env bash
# End to end in a real editor: Emacs (28+) with eglot, in batch mode, drives the real durable-lsp
# binary over a copy of examples/mistakes (see e2e.el for the scenario), started by the documented
# configuration (editors/emacs/durable-lsp.el) from the project's node_modules/.bin.
# Usage: tests/editors/emacs/run.sh [path/to/durable-lsp]
# (default: $CARGO_TARGET_DIR or target, then debug/durable-lsp; build it first).
# Needs: apt-get install -y --no-install-recommends emacs-nox elpa-eglot
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../common.sh" "${1:-}" emacs "apt-get install -y emacs-nox elpa-eglot"
# The documented configuration (editors/emacs/durable-lsp.el) finds the binary under test as the
# project's node_modules/.bin/durable-lsp; durable-lsp is taken off PATH.
mkdir -p "$scratch/mistakes/node_modules/.bin"
ln -s "$server" "$scratch/mistakes/node_modules/.bin/durable-lsp"
clean_path=
IFS=: read -r -a path_dirs <<<"$PATH"
for dir in "${path_dirs[@]}"; do
  [ -n "$dir" ] && [ ! -e "$dir/durable-lsp" ] && clean_path="${clean_path:+$clean_path:}$dir"
done
# `timeout` guards against a hung editor; e2e.el's own waits fail well before it.
PATH="$clean_path" DURABLE_LSP_EL="$repo/editors/emacs/durable-lsp.el" HOME="$scratch/home" timeout 120 \
  emacs --batch -Q -l "$here/e2e.el" "$scratch/mistakes/src/index.ts"
