#!/usr/bin/env bash
# End to end: durable-lsp as npm users get it. Stages the npm packages (npm/stage.mjs): the
# launcher, @durable-lsp/linux-x64-gnu holding the given release binary, and the other platform
# packages holding a stand-in that fails if it is ever run; `npm pack`s them; checks that each
# would publish (`npm publish --dry-run`, against an empty local registry); serves the tarballs
# from a local registry (registry.mjs: no network beyond these tarballs) and installs
# `durable-lsp` into a temporary Workers project with `npm install --save-dev durable-lsp`, as a
# user does; then:
#   - npm installed the platform package of this machine and no other (os, cpu, libc);
#   - `npx durable-lsp --version` / `check` give the binary's output byte for byte and its exit
#     codes (0 clean, 1 findings, 2 usage or I/O error);
#   - the LSP and CLI end-to-end suites (tests/e2e/lsp.rs, cli.rs) pass through
#     node_modules/.bin/durable-lsp;
#   - a signal to the launcher reaches the server, and the launcher ends by it;
#   - a missing platform package and an unsupported platform each give one line and exit 2;
#   - the GitHub Action's steps (tests/action/run.sh) install it from the same registry and check.
# Usage: tests/npm/run.sh [path/to/release/durable-lsp]
# (default: $CARGO_TARGET_DIR or target, then release/durable-lsp; `cargo build --release` first).
# Needs node 20+ and npm (npm 10.4+ for the `libc` field).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
case "$target" in /*) ;; *) target="$repo/$target" ;; esac
binary="${1:-$target/release/durable-lsp}"
case "$binary" in /*) ;; *) binary="$repo/$binary" ;; esac

fail() { echo "npm e2e: FAIL: $*" >&2; exit 1; }
pass() { echo "npm e2e: PASS: $*"; }
[ -x "$binary" ] || fail "no binary at $binary (cargo build --release first)"
command -v npm >/dev/null || fail "npm is not installed"

scratch="$(mktemp -d /tmp/durable-lsp-npm.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT

# The npm client talks to the local registries only, with a cache of its own.
export npm_config_cache="$scratch/npm-cache" npm_config_audit=false npm_config_fund=false \
  npm_config_update_notifier=false npm_config_loglevel=error

echo "== lockstep versions"
node "$repo/npm/check.mjs"
version="$(node -p "require('$repo/npm/durable-lsp/package.json').version")"

echo "== stage and pack the packages"
stage="$scratch/stage" tarballs="$scratch/tarballs"
mkdir -p "$stage" "$tarballs"
node "$repo/npm/stage.mjs" launcher "$stage/durable-lsp"
printf '#!/bin/sh\necho "stand-in binary of another platform: it must never run" >&2\nexit 99\n' >"$scratch/stand-in"
mapfile -t platforms < <(node -p "require('$repo/npm/durable-lsp/platforms.json').platforms.map(p => p.package.split('/')[1]).join('\n')")
for platform in "${platforms[@]}"; do
  if [ "$platform" = linux-x64-gnu ]; then from="$binary"; else from="$scratch/stand-in"; fi
  node "$repo/npm/stage.mjs" platform "$platform" "$from" "$stage/$platform"
done
for dir in "$stage"/*; do (cd "$tarballs" && npm pack "$dir" >/dev/null); done
ls "$tarballs"

# Starts a local registry of the tarballs in a folder; sets $registry_url. (Not run in a
# subshell, so that the cleanup knows the registry's pid.)
start_registry() {
  local dir=$1 url_file
  url_file="$(mktemp "$scratch/registry.XXXXXX")" && rm -f "$url_file"
  node "$here/registry.mjs" "$dir" "$url_file" >>"$scratch/registry.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 100); do [ -s "$url_file" ] && break; sleep 0.1; done
  [ -s "$url_file" ] || fail "the local registry did not start: $(cat "$scratch/registry.log")"
  registry_url="$(cat "$url_file")"
}

echo "== npm publish --dry-run of every package (against an empty registry: nothing is published yet)"
mkdir -p "$scratch/empty"
start_registry "$scratch/empty"
empty_registry="$registry_url"
for dir in "$stage"/*; do
  name="$(node -p "require('$dir/package.json').name")"
  (cd "$dir" && npm publish --dry-run --json --registry "$empty_registry" >"$scratch/publish.json" 2>"$scratch/publish.err") \
    || { cat "$scratch/publish.err" >&2; fail "npm publish --dry-run of $name"; }
  node -e '
    const [file, name, version, binary] = process.argv.slice(1);
    const out = JSON.parse(require("fs").readFileSync(file, "utf8"));
    const report = out[name] ?? out;
    const files = report.files.map((f) => f.path);
    if (report.name !== name || report.version !== version) throw new Error(`${report.name}@${report.version}`);
    for (const f of ["package.json", "README.md", "LICENSE-MIT", "LICENSE-APACHE", binary]) {
      if (!files.includes(f)) throw new Error(`${name}: ${f} missing from ${files}`);
    }
  ' "$scratch/publish.json" "$name" "$version" \
    "$(node -p "const p = require('$dir/package.json'); p.bin ? 'bin/durable-lsp.js' : (p.os[0] === 'win32' ? 'durable-lsp.exe' : 'durable-lsp')")" \
    || fail "npm publish --dry-run of $name packs the wrong files"
done
pass "npm publish --dry-run of ${#platforms[@]} platform packages and the launcher"

echo "== npm install --save-dev durable-lsp into a Workers project, from a local registry of the tarballs"
start_registry "$tarballs"
export npm_config_registry="$registry_url"
project="$scratch/chat"
cp -R "$repo/examples/chat" "$project"
# Beside it: a Worker with one of each mistake, and a folder with no Worker.
cp -R "$repo/examples/mistakes" "$scratch/mistakes"
mkdir -p "$scratch/site"
echo '<p>no Worker here</p>' >"$scratch/site/index.html"
# The example's own devDependencies (wrangler, TypeScript) are not in the local registry.
printf '{\n  "name": "chat",\n  "private": true,\n  "type": "module"\n}\n' >"$project/package.json"
cd "$project"
npm install --save-dev durable-lsp >"$scratch/install.log" 2>&1 || { cat "$scratch/install.log" >&2; fail "npm install"; }
installed="$(ls node_modules/@durable-lsp)"
[ "$installed" = linux-x64-gnu ] || fail "npm installed these platform packages: $installed (expected linux-x64-gnu only)"
node -e 'const p = require("./package.json"); if (!p.devDependencies["durable-lsp"]) process.exit(1)' \
  || fail "durable-lsp is not in package.json's devDependencies"
[ -x node_modules/.bin/durable-lsp ] || fail "node_modules/.bin/durable-lsp is missing"
pass "npm installed durable-lsp $version with @durable-lsp/linux-x64-gnu only"

# Runs a command; records its stdout, stderr and status in $scratch/<name>.{out,err,status}.
record() {
  local name=$1 status=0
  shift
  "$@" >"$scratch/$name.out" 2>"$scratch/$name.err" || status=$?
  echo "$status" >"$scratch/$name.status"
}
# The launcher's run and the binary's run of the same arguments must agree byte for byte.
same() {
  local expected_status=$1
  shift
  record npx npx durable-lsp "$@"
  record direct "$binary" "$@"
  [ "$(cat "$scratch/npx.status")" = "$expected_status" ] \
    || fail "npx durable-lsp $*: exit $(cat "$scratch/npx.status"), expected $expected_status; stderr: $(cat "$scratch/npx.err")"
  cmp -s "$scratch/npx.out" "$scratch/direct.out" || { diff "$scratch/npx.out" "$scratch/direct.out" | head -20 >&2; fail "npx durable-lsp $*: stdout differs from the binary's"; }
  cmp -s "$scratch/npx.err" "$scratch/direct.err" || fail "npx durable-lsp $*: stderr differs from the binary's"
  [ "$(cat "$scratch/direct.status")" = "$expected_status" ] || fail "the binary exits $(cat "$scratch/direct.status") on $*"
  pass "npx durable-lsp $* (exit $expected_status, output identical to the binary's)"
}
same 0 --version
grep -q "^durable-lsp $version (" "$scratch/npx.out" || fail "--version prints $(cat "$scratch/npx.out")"
same 0 check
same 0 check --format json
same 1 check ../mistakes
same 1 check ../mistakes --format sarif
same 2 check ../site
same 2 check --format yaml
same 0 explain missing-migration

echo "== the LSP and CLI end-to-end suites through node_modules/.bin/durable-lsp"
(cd "$repo" && DURABLE_LSP_E2E_SERVER="$project/node_modules/.bin/durable-lsp" \
  cargo test --locked --quiet --test lsp --test cli) || fail "the e2e suites through the launcher"
pass "tests/e2e/lsp.rs and cli.rs through the launcher"

echo "== a signal to the launcher stops the server"
mkfifo "$scratch/stdin"
sleep 600 >"$scratch/stdin" &
holder=$!
pids+=("$holder")
node_modules/.bin/durable-lsp serve <"$scratch/stdin" >/dev/null 2>&1 &
launcher=$!
pids+=("$launcher")
server=
for _ in $(seq 1 100); do
  server="$(ps -o pid= --ppid "$launcher" | tr -d ' ' | head -1 || true)"
  [ -n "$server" ] && break
  sleep 0.1
done
[ -n "$server" ] || fail "the launcher started no server"
[ "$(ps -o comm= -p "$server")" = durable-lsp ] || fail "the launcher's child is $(ps -o comm= -p "$server")"
kill -TERM "$launcher"
status=0
wait "$launcher" || status=$?
[ "$status" = 143 ] || fail "the launcher ended with $status after SIGTERM (expected 143: killed by SIGTERM)"
for _ in $(seq 1 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$server" 2>/dev/null || fail "the server (pid $server) outlived the launcher"
kill "$holder" 2>/dev/null || true
pass "SIGTERM to the launcher ends the server and the launcher"

echo "== a missing platform package, an unsupported platform"
mv node_modules/@durable-lsp/linux-x64-gnu "$scratch/moved"
record missing npx durable-lsp check
mv "$scratch/moved" node_modules/@durable-lsp/linux-x64-gnu
[ "$(cat "$scratch/missing.status")" = 2 ] || fail "without the platform package: exit $(cat "$scratch/missing.status")"
[ "$(wc -l <"$scratch/missing.err")" = 1 ] && grep -q '@durable-lsp/linux-x64-gnu.*npm install durable-lsp' "$scratch/missing.err" \
  || fail "without the platform package, stderr: $(cat "$scratch/missing.err")"
echo "Object.defineProperty(process, 'platform', { value: 'aix' });" >"$scratch/aix.cjs"
record aix node --require "$scratch/aix.cjs" node_modules/.bin/durable-lsp check
[ "$(cat "$scratch/aix.status")" = 2 ] || fail "on aix: exit $(cat "$scratch/aix.status")"
[ "$(wc -l <"$scratch/aix.err")" = 1 ] && grep -q 'no prebuilt binary for aix-x64.*cargo install' "$scratch/aix.err" \
  || fail "on aix, stderr: $(cat "$scratch/aix.err")"
pass "a missing package and an unsupported platform: one line each, exit 2"

echo "== the GitHub Action's steps, installing from the same registry"
"$repo/tests/action/run.sh"
echo "npm e2e: OK"
