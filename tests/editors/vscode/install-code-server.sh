#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs, when missing: Debian's chromium (apt) and
# code-server (VS Code in the browser) from the npm registry, as root on Debian 12, with no
# internet besides the package registries. Usage: tests/editors/vscode/install-code-server.sh
# Environment: CODE_SERVER_DIR (default /opt/code-server-$CODE_SERVER_VERSION).
set -euo pipefail
# 4.100.3 (VS Code 1.100.3) is the last code-server whose engines.node is 20; 4.103+ need Node 22.
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.100.3}
CODE_SERVER_DIR=${CODE_SERVER_DIR:-/opt/code-server-$CODE_SERVER_VERSION}
export DEBIAN_FRONTEND=noninteractive

apt_updated=
apt_install() {
  [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium (apt)"
  apt_install chromium
fi

if [ -x "$CODE_SERVER_DIR/node_modules/.bin/code-server" ]; then
  exit 0
fi
echo "installing code-server $CODE_SERVER_VERSION into $CODE_SERVER_DIR (npm; a few minutes)"
# Build tools for node-gyp (kerberos, node-pty, spdlog, @parcel/watcher, argon2), and ripgrep to
# stand in for @vscode/ripgrep's download from GitHub.
apt_install build-essential python3 pkg-config libsecret-1-dev libkrb5-dev ripgrep
# @vscode/ripgrep's postinstall downloads rg from api.github.com, which fails without internet. It
# first looks for a cached tarball in $TMPDIR/vscode-ripgrep-cache-<version>/: seed it with Debian's rg.
# (Version and asset name from code-server's lib/vscode/npm-shrinkwrap.json.)
rg_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
mkdir -p "$rg_cache"
tar -C "$(dirname "$(command -v rg)")" -czf "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg
mkdir -p "$CODE_SERVER_DIR"
# unsafe_perm: code-server's postinstall refuses to run as root without it. yes: node-pty's
# postinstall runs `npx node-gyp`, which otherwise aborts with "npx canceled due to missing packages".
if ! npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --prefix "$CODE_SERVER_DIR" --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" \
  >"$CODE_SERVER_DIR/install.log" 2>&1; then
  tail -40 "$CODE_SERVER_DIR/install.log" >&2
  echo "code-server install failed (full log: $CODE_SERVER_DIR/install.log)" >&2
  exit 1
fi
XDG_CONFIG_HOME="$CODE_SERVER_DIR/.xdg" "$CODE_SERVER_DIR/node_modules/.bin/code-server" --version
