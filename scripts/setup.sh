#!/usr/bin/env bash
# One-command setup (`npm run setup`): Node dependencies, redis-server, Chromium for the browser tests,
# and a MongoDB-compatible server for the tests. Idempotent: a second run only checks and prints "ok" lines.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'setup: %s\n' "$*"; }
fail() {
  printf 'setup: error: %s\n' "$*" >&2
  exit 1
}

# --- Node dependencies -------------------------------------------------------------------------
# npm writes node_modules/.package-lock.json last, so it (not the folder's mtime) tells whether the
# installed tree is at least as new as package-lock.json.
if [[ ! -d node_modules ]]; then
  say 'node_modules missing: running npm ci'
  npm ci
elif [[ package-lock.json -nt node_modules && package-lock.json -nt node_modules/.package-lock.json ]]; then
  say 'package-lock.json is newer than node_modules: running npm ci'
  npm ci
else
  say 'ok: node_modules up to date'
fi

# --- redis-server ------------------------------------------------------------------------------
if command -v redis-server >/dev/null 2>&1; then
  say "ok: $(redis-server --version | cut -d' ' -f1-3) at $(command -v redis-server)"
else
  command -v apt-get >/dev/null 2>&1 || fail 'redis-server is not on PATH and apt-get is unavailable: install redis-server (7.x) yourself'
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || fail 'installing redis-server needs root or sudo'
    sudo=(sudo)
  fi
  say 'installing redis-server: apt-get update && apt-get install -y redis-server'
  "${sudo[@]}" apt-get update
  # Debian's package also tries to start a system service on port 6379; the tests never use it,
  # and where that start fails (no init system) the binary is installed all the same.
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server; then
    command -v redis-server >/dev/null 2>&1 || fail 'apt-get install redis-server failed'
    say 'apt-get reported an error (probably starting the redis service); redis-server is installed, continuing'
  fi
  command -v redis-server >/dev/null 2>&1 || fail 'redis-server was installed but is not on PATH (look in /usr/bin)'
  say "ok: $(redis-server --version | cut -d' ' -f1-3)"
fi

# --- Chromium for the browser tests ---------------------------------------------------------------
# Debian's package: Playwright's own browser download cannot reach its host from CI machines.
chromium=/usr/bin/chromium
if [[ -x $chromium ]]; then
  say "ok: $($chromium --version 2>/dev/null | head -n1) at $chromium"
else
  command -v apt-get >/dev/null 2>&1 || fail "$chromium is missing and apt-get is unavailable: install Debian's chromium package yourself"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || fail 'installing chromium needs root or sudo'
    sudo=(sudo)
  fi
  say 'installing chromium (browser tests): apt-get update && apt-get install -y chromium'
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  [[ -x $chromium ]] || fail "chromium was installed but $chromium is missing"
  say "ok: $($chromium --version 2>/dev/null | head -n1)"
fi

# --- MongoDB-compatible test server --------------------------------------------------------------
ferretdb=.tools/bin/ferretdb
if command -v mongod >/dev/null 2>&1; then
  say "ok: mongod at $(command -v mongod) (preferred over FerretDB)"
elif [[ -x $ferretdb ]]; then
  say "ok: $ferretdb"
else
  command -v go >/dev/null 2>&1 || fail "neither mongod nor $ferretdb found, and go is not on PATH to build FerretDB: install Go >= 1.24 (or put mongod on PATH) and run npm run setup again"
  say "building FerretDB into $ferretdb with $(go version | cut -d' ' -f3) (first build downloads modules: about 2-3 min)"
  mkdir -p .tools/bin
  # Build under a temporary name and rename, so an interrupted build never leaves a binary that
  # the check above would take for a finished one.
  partial="$ferretdb.partial.$$"
  trap 'rm -f "$partial"' EXIT
  (cd tools/ferretdb && go build -o "../../$partial" .)
  mv -f "$partial" "$ferretdb"
  trap - EXIT
  say "ok: built $ferretdb"
fi

say 'done'
