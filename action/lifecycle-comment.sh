#!/usr/bin/env bash
# The Action's lifecycle comment (action.yml, input `lifecycle-comment`): on a pull request, says
# what the next deploy does to each Worker's Durable Objects (`durable-lsp lifecycle --format
# markdown` against the pull request's base commit) in one comment, which later runs update: the
# comment whose body starts with the marker line. Nothing is posted while nothing changes and no
# such comment exists yet.
#
# Reads: DURABLE_LSP (the binary), INPUT_PATHS, and what the runner sets: GITHUB_EVENT_NAME,
# GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_STEP_SUMMARY, RUNNER_TEMP, and
# GITHUB_TOKEN (from the `github-token` input).
# DURABLE_LSP_ACTION_DRY_RUN=1: prints each HTTP request (method, URL, then the body) instead of
# sending it; the listing of the pull request's comments is then the JSON file that
# DURABLE_LSP_ACTION_COMMENTS names (else no comment).
set -euo pipefail
marker='<!-- durable-lsp lifecycle -->'
dry_run="${DURABLE_LSP_ACTION_DRY_RUN:-}"

case "${GITHUB_EVENT_NAME:-}" in
  pull_request | pull_request_target) ;;
  *)
    echo "durable-lsp lifecycle: not a pull request (event ${GITHUB_EVENT_NAME:-unknown}): no comment"
    exit 0
    ;;
esac

# A value of the event payload, by its dotted path.
event() {
  node -e '
    const event = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const value = process.argv[2].split(".").reduce((o, key) => o?.[key], event);
    if (value === undefined || value === null) process.exit(1);
    console.log(value);
  ' "$GITHUB_EVENT_PATH" "$1"
}
base="$(event pull_request.base.sha)" || { echo "::error title=durable-lsp::no pull_request.base.sha in the event"; exit 2; }
number="$(event pull_request.number)" || { echo "::error title=durable-lsp::no pull_request.number in the event"; exit 2; }

# A shallow checkout (actions/checkout's default) lacks the base commit: fetch it alone.
if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
  git fetch --quiet --no-tags --depth=1 origin "$base"
fi

read -r -a paths <<<"$(echo "${INPUT_PATHS:-.}" | tr '\n' ' ')"
report="$RUNNER_TEMP/durable-lsp-lifecycle.md"
status=0
"$DURABLE_LSP" lifecycle "${paths[@]}" --base "$base" --format markdown >"$report" || status=$?
if [ "$status" -ne 0 ]; then
  echo "::error title=durable-lsp::durable-lsp lifecycle failed (exit $status); its message is above"
  exit "$status"
fi
cat "$report"
cat "$report" >>"$GITHUB_STEP_SUMMARY"

api="${GITHUB_API_URL:-https://api.github.com}/repos/$GITHUB_REPOSITORY"
# Sends METHOD URL [BODY_FILE]; the response body on stdout. A dry run prints the request on
# stderr and answers a listing (GET) from DURABLE_LSP_ACTION_COMMENTS, anything else with `{}`.
request() {
  local method=$1 url=$2 body=${3:-}
  if [ -n "$dry_run" ]; then
    echo "DRY RUN: $method $url" >&2
    if [ -n "$body" ]; then cat "$body" >&2 && echo >&2; fi
    if [ "$method" = GET ]; then cat "${DURABLE_LSP_ACTION_COMMENTS:-/dev/null}"; else echo '{}'; fi
    return
  fi
  local args=(--fail-with-body --silent --show-error --location -X "$method"
    -H "Authorization: Bearer $GITHUB_TOKEN" -H "Accept: application/vnd.github+json"
    -H "X-GitHub-Api-Version: 2022-11-28")
  if [ -n "$body" ]; then args+=(-H "Content-Type: application/json" --data-binary "@$body"); fi
  curl "${args[@]}" "$url"
}

# The id of the first comment that carries the marker, through every page of the listing.
existing=""
page=1
while [ -z "$existing" ]; do
  listing="$RUNNER_TEMP/durable-lsp-comments-$page.json"
  request GET "$api/issues/$number/comments?per_page=100&page=$page" >"$listing" || {
    echo "::warning title=durable-lsp::cannot list the pull request's comments (the job needs pull-requests: write); no lifecycle comment"
    exit 0
  }
  read -r count existing < <(node -e '
    const text = require("fs").readFileSync(process.argv[1], "utf8").trim();
    const comments = text ? JSON.parse(text) : [];
    const found = comments.find((c) => typeof c.body === "string" && c.body.startsWith(process.argv[2]));
    console.log(comments.length + " " + (found ? found.id : ""));
  ' "$listing" "$marker")
  # A dry run reads one canned page; a short page is the last.
  if [ -n "$dry_run" ] || [ "${count:-0}" -lt 100 ]; then break; fi
  page=$((page + 1))
done

if [ -z "$existing" ] && grep -q '^No change to Durable Objects' "$report"; then
  echo "durable-lsp lifecycle: no change to Durable Objects and no earlier comment: nothing posted"
  exit 0
fi
payload="$RUNNER_TEMP/durable-lsp-lifecycle.json"
node -e '
  const fs = require("fs");
  fs.writeFileSync(process.argv[2], JSON.stringify({ body: fs.readFileSync(process.argv[1], "utf8") }));
' "$report" "$payload"
if [ -n "$existing" ]; then
  request PATCH "$api/issues/comments/$existing" "$payload" >/dev/null || {
    echo "::warning title=durable-lsp::cannot update the lifecycle comment $existing (the job needs pull-requests: write)"
    exit 0
  }
  echo "durable-lsp lifecycle: updated comment $existing"
else
  request POST "$api/issues/$number/comments" "$payload" >/dev/null || {
    echo "::warning title=durable-lsp::cannot comment on the pull request (the job needs pull-requests: write)"
    exit 0
  }
  echo "durable-lsp lifecycle: commented on pull request #$number"
fi
