#!/usr/bin/env bash
# The release machinery, checked without releasing: actionlint (with shellcheck for the `run`
# scripts) on the workflows and on the README's workflow with the Action
# (tests/action/workflow.yml, whose `uses: ./` makes actionlint check the inputs against
# action.yml), shellcheck on the Action's scripts, and the release matrix against
# npm/durable-lsp/platforms.json (check-matrix.mjs).
# The packages' `npm publish --dry-run` runs in tests/npm/run.sh.
# Usage: tests/release/run.sh   (needs actionlint and shellcheck on PATH; scripts/test installs them)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
command -v actionlint >/dev/null || { echo "actionlint is not installed" >&2; exit 1; }
command -v shellcheck >/dev/null || { echo "shellcheck is not installed (actionlint runs it on run: scripts)" >&2; exit 1; }
actionlint --version | head -1
actionlint .github/workflows/*.yml tests/action/workflow.yml
echo "actionlint: no problem in $(ls .github/workflows/*.yml | tr '\n' ' ')tests/action/workflow.yml"
# The Action's own scripts, and its test (actionlint sees only the workflows' `run` scripts).
shellcheck action/*.sh tests/action/run.sh
echo "shellcheck: no problem in $(ls action/*.sh | tr '\n' ' ')tests/action/run.sh"
node tests/release/check-matrix.mjs
