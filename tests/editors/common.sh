# Shared by the editors' end-to-end scripts; sourced as
#   . "$here/../common.sh" "${1:-}" <editor command> "<how to install it>"
# Sets `repo`, `server` (the given binary, else $CARGO_TARGET_DIR or target, then
# debug/durable-lsp) and `scratch`, a temporary folder (removed on exit) holding a copy of
# examples/mistakes, which becomes the current directory.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
server="${1:-${CARGO_TARGET_DIR:-$repo/target}/debug/durable-lsp}"
case "$server" in /*) ;; *) server="$repo/$server" ;; esac
[ -x "$server" ] || { echo "no server binary at $server (cargo build first)" >&2; exit 1; }
command -v "$2" >/dev/null || { echo "$2 is not installed ($3)" >&2; exit 1; }

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp -R "$repo/examples/mistakes" "$scratch/mistakes"
cd "$scratch/mistakes"
