#!/usr/bin/env bash
# The GitHub Action (action.yml) tested by running its steps' commands here (run-steps.mjs, as
# the runner runs them) on a workspace holding the example Workers: it installs durable-lsp from
# npm, then
#   - format github: annotations for examples/mistakes, the job summary, exit-code 1, and the
#     last step fails; the clean examples pass with fail-on hint;
#   - format sarif: the report written (absolute path in the output), the upload step left to
#     GitHub, fail-on never passes;
#   - changed: only the findings of files changed since the given revision;
#   - a folder with no Worker, or an unknown format: the check step fails with exit 2;
#   - lifecycle-comment, in dry run (DURABLE_LSP_ACTION_DRY_RUN=1: the requests are printed, not
#     sent): on a pull request whose commit deletes a class, the comment is POSTed with the
#     deletion first, or PATCHed when the listing has a comment with the marker; nothing is
#     posted when nothing changed, nor outside a pull request.
# Usage: npm_config_registry=<a registry serving durable-lsp> tests/action/run.sh
# tests/npm/run.sh runs it against its local registry of the packed tarballs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
fail() { echo "action e2e: FAIL: $*" >&2; exit 1; }
pass() { echo "action e2e: PASS: $*"; }
[ -n "${npm_config_registry:-}" ] || fail "set npm_config_registry to a registry that serves durable-lsp"
[ -d "$repo/tests/tools/node_modules/yaml" ] || fail "the YAML parser is missing (npm ci --prefix tests/tools)"

scratch="$(mktemp -d /tmp/durable-lsp-action.XXXXXX)"
trap '[ -n "${KEEP_SCRATCH:-}" ] || rm -rf "$scratch"' EXIT
ws="$scratch/workspace"
mkdir -p "$ws/site"
for example in chat lobby mistakes; do cp -R "$repo/examples/$example" "$ws/$example"; done
echo '<p>no Worker here</p>' >"$ws/site/index.html"
git -C "$ws" init -q
git -C "$ws" add -A
git -C "$ws" -c user.name=test -c user.email=test@example.com commit -qm "the examples"

# Runs the action with these inputs; sets $status, and $log / $result (the step log and the
# JSON that run-steps.mjs writes).
runs=0
action() {
  runs=$((runs + 1))
  log="$scratch/run-$runs.log" result="$scratch/run-$runs.json" status=0
  node "$here/run-steps.mjs" "$repo/action.yml" "$ws" "$result" "$@" >"$log" 2>&1 || status=$?
}
json() { node -p "const r = require('$result'); $1"; }
expect_status() {
  [ "$status" = "$1" ] || { cat "$log" >&2; fail "$2: the action exited $status, expected $1"; }
}

action paths=mistakes
expect_status 1 "findings in examples/mistakes"
grep -q '^::error file=mistakes/src/index.ts,line=[0-9]*,col=[0-9]*,.*title=durable-lsp(unknown-binding)::' "$log" \
  || { cat "$log" >&2; fail "no unknown-binding annotation for mistakes/src/index.ts"; }
[ "$(json 'r.outputs["exit-code"]')" = 1 ] || fail "exit-code output: $(json 'r.outputs["exit-code"]')"
[ "$(json 'r.steps.map((s) => s.name + ":" + (s.status ?? s.skipped)).join(",")')" = \
  "Install durable-lsp:0,Check:0,Upload SARIF to code scanning:condition,Lifecycle comment:condition,Result:1" ] \
  || fail "steps: $(json 'JSON.stringify(r.steps)')"
json 'r.summary' | grep -q '^### durable-lsp: [1-9][0-9]* errors, [0-9]* warnings' || fail "summary: $(json 'r.summary')"
grep -q "^durable-lsp $(node -p "require('$repo/npm/durable-lsp/package.json').version") (" "$log" \
  || fail "the install step did not print the version"
pass "format github: annotations, summary, exit-code 1, the Result step fails"

action "paths=chat
lobby" fail-on=hint version="$(node -p "require('$repo/npm/durable-lsp/package.json').version")"
expect_status 0 "the clean examples, fail-on hint, the version pinned"
[ "$(json 'r.outputs["exit-code"]')" = 0 ] || fail "exit-code output on the clean examples"
! grep -q '^::\(error\|warning\|notice\) file=' "$log" || fail "annotations on the clean examples"
pass "format github on the clean examples (paths on two lines, fail-on hint, pinned version)"

action paths=mistakes format=sarif fail-on=never sarif-file=reports/durable-lsp.sarif
expect_status 0 "format sarif, fail-on never"
sarif="$(json 'r.outputs["sarif-file"]')"
[ "$sarif" = "$ws/reports/durable-lsp.sarif" ] || fail "sarif-file output: $sarif"
node -e '
  const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const rules = log.runs[0].results.map((r) => r.ruleId);
  if (log.version !== "2.1.0" || !rules.includes("unknown-binding")) throw new Error(rules.join());
' "$sarif" || fail "the SARIF report $sarif"
[ "$(json 'r.steps[2].skipped')" = "uses github/codeql-action/upload-sarif@v3" ] || fail "the upload step: $(json 'JSON.stringify(r.steps[2])')"
pass "format sarif: the report, its path, the upload left to GitHub"

echo '// a comment' >>"$ws/mistakes/src/index.ts"
echo 'export const x = 1;' >"$ws/chat/src/new.ts"
action "paths=mistakes chat" changed=HEAD
expect_status 1 "changed since HEAD"
files="$(grep -o '^::[a-z]* file=[^,]*' "$log" | sed 's/.*file=//' | sort -u | tr '\n' ' ')"
[ "$files" = "mistakes/src/index.ts " ] || fail "changed=HEAD annotated: $files"
git -C "$ws" checkout -q -- mistakes/src/index.ts
action "paths=mistakes chat" changed=HEAD
expect_status 0 "nothing with findings changed since HEAD"
pass "changed: only the files changed since the revision"

action paths=site
expect_status 2 "a folder with no Worker"
grep -q 'site: no Worker found' "$log" || fail "no message for the folder without a Worker"
action format=xml
expect_status 2 "an unknown format"
pass "a folder with no Worker and an unknown format fail the check step with exit 2"

# The lifecycle comment, in dry run: a pull request whose commit deletes the chat Worker's class.
base_sha="$(git -C "$ws" rev-parse HEAD)"
sed -i 's/{ "tag": "v1", "new_sqlite_classes": \["ChatRoom"\] }/&, { "tag": "v2", "deleted_classes": ["ChatRoom"] }/' \
  "$ws/chat/wrangler.jsonc"
grep -q '"deleted_classes": \["ChatRoom"\]' "$ws/chat/wrangler.jsonc" || fail "the test could not delete ChatRoom"
git -C "$ws" -c user.name=test -c user.email=test@example.com commit -qam "delete ChatRoom"
event_file="$scratch/event.json"
pull_request() { echo "{\"pull_request\": {\"number\": 7, \"base\": {\"sha\": \"$1\"}}}" >"$event_file"; }
pull_request "$base_sha"
export GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$event_file" GITHUB_REPOSITORY=acme/chat \
  GITHUB_API_URL=https://api.github.test DURABLE_LSP_ACTION_DRY_RUN=1
comments="https://api.github.test/repos/acme/chat/issues/7/comments"
# The body printed after the request line $1, as JSON.
request_body() { grep -A1 -xF "$1" "$log" | tail -n +2; }
action paths=chat fail-on=never lifecycle-comment=true
expect_status 0 "the lifecycle comment, dry run"
[ "$(json 'r.steps.map((s) => s.name + ":" + (s.status ?? s.skipped)).join(",")')" = \
  "Install durable-lsp:0,Check:0,Upload SARIF to code scanning:condition,Lifecycle comment:0,Result:0" ] \
  || fail "steps: $(json 'JSON.stringify(r.steps)')"
grep -qxF "DRY RUN: GET $comments?per_page=100&page=1" "$log" || { cat "$log" >&2; fail "no listing of the comments"; }
grep -qxF "DRY RUN: POST $comments" "$log" || { cat "$log" >&2; fail "no POST of the comment"; }
! grep -q '^DRY RUN: PATCH' "$log" || fail "a PATCH without an earlier comment"
# shellcheck disable=SC2016 # JavaScript, and markdown's backquotes
request_body "DRY RUN: POST $comments" | node -e '
  const body = JSON.parse(require("fs").readFileSync(0, "utf8")).body;
  const rows = body.split("\n").filter((l) => l.startsWith("| `"));
  if (!body.startsWith("<!-- durable-lsp lifecycle -->\n")) throw new Error("no marker: " + body);
  if (!rows[0]?.startsWith("| `chat` | top level, env.staging | `ChatRoom` | ⚠️ **delete** |")) throw new Error(body);
' || fail "the POSTed body: $(request_body "DRY RUN: POST $comments")"
# shellcheck disable=SC2016
json 'r.summary' | grep -qF '| `chat` | top level, env.staging | `ChatRoom` | ⚠️ **delete** |' || fail "summary: $(json 'r.summary')"
pass "lifecycle-comment: the comment POSTed, the deletion first"

printf '%s' '[{"id": 41, "body": "Looks good"}, {"id": 42, "body": "<!-- durable-lsp lifecycle -->\n### old"}]' \
  >"$scratch/comments.json"
DURABLE_LSP_ACTION_COMMENTS="$scratch/comments.json" action paths=chat fail-on=never lifecycle-comment=true
expect_status 0 "the lifecycle comment over an earlier one, dry run"
grep -qxF "DRY RUN: PATCH https://api.github.test/repos/acme/chat/issues/comments/42" "$log" \
  || { cat "$log" >&2; fail "no PATCH of comment 42"; }
! grep -q '^DRY RUN: POST' "$log" || fail "a POST though a comment with the marker exists"
request_body "DRY RUN: PATCH https://api.github.test/repos/acme/chat/issues/comments/42" | grep -qF 'ChatRoom' \
  || fail "the PATCHed body"
pass "lifecycle-comment: the earlier comment with the marker PATCHed"

pull_request "$(git -C "$ws" rev-parse HEAD)"
action paths=chat fail-on=never lifecycle-comment=true
expect_status 0 "no change to Durable Objects"
if ! grep -q 'nothing posted' "$log" || grep -q '^DRY RUN: \(POST\|PATCH\)' "$log"; then
  cat "$log" >&2
  fail "posted with no change"
fi
GITHUB_EVENT_NAME=push action paths=chat fail-on=never lifecycle-comment=true
expect_status 0 "a push"
if ! grep -q 'not a pull request' "$log" || grep -q '^DRY RUN:' "$log"; then
  cat "$log" >&2
  fail "requests outside a pull request"
fi
unset GITHUB_EVENT_NAME GITHUB_EVENT_PATH GITHUB_REPOSITORY GITHUB_API_URL DURABLE_LSP_ACTION_DRY_RUN
pass "lifecycle-comment: nothing posted without a change, nor outside a pull request"
echo "action e2e: OK"
