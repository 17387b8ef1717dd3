#!/usr/bin/env bash
# End to end in a real editor: Emacs (28+) with eglot, in batch mode, drives the real durable-lsp
# binary over a copy of examples/mistakes (see e2e.el for the scenario).
# Usage: tests/editors/emacs/run.sh [path/to/durable-lsp]
# (default: $CARGO_TARGET_DIR or target, then debug/durable-lsp; build it first).
# Needs: apt-get install -y --no-install-recommends emacs-nox elpa-eglot
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../common.sh" "${1:-}" emacs "apt-get install -y emacs-nox elpa-eglot"
# `timeout` guards against a hung editor; e2e.el's own waits fail well before it.
SERVER_CMD="$server" HOME="$scratch/home" timeout 120 \
  emacs --batch -Q -l "$here/e2e.el" "$scratch/mistakes/src/index.ts"
