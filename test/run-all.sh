#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs, then runs
#   1. the native build: conformance suite vs stock Boost.Asio and vs us, native-only suite
#   2. the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   3. the WebAssembly build (Direct Sockets backend) run under Node, with the
#      Node implementation of Direct Sockets: the conformance suite (minus the cases
#      labelled as impossible on Direct Sockets, see docs/browser.md), Beast's own
#      examples ported by their alias line, and this project's examples
#   4. the JS side: Node Direct Sockets implementation and the bridge (node --test)
#   5. the browser, from the same wasm build: the conformance suite, bulk-integrity
#      tests and the examples in real headless Chromium with real Direct Sockets (page
#      and Worker), the Isolated Web App route, and the runner's own tests
# Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=${JOBS:-$(nproc)}

.ci/setup

echo "== native build and tests"
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/native -j"$jobs"
(cd build/native && ctest --output-on-failure -j1)

echo "== ASan + UBSan"
cmake -S . -B build/sanitize -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
  -DASIO_DS_SANITIZE=address,undefined -DASIO_DS_BUILD_EXAMPLES=OFF -DASIO_DS_BUILD_THIRD_PARTY=OFF \
  >/dev/null
cmake --build build/sanitize -j"$jobs"
(cd build/sanitize && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j1 -E conformance_boost_asio)

echo "== WebAssembly build; its tests under Node (the Node implementation of Direct Sockets)"
export NODE_PATH=/usr/share/nodejs
emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release -DASIO_DS_BUILD_TESTS=ON \
  "-DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node;--no-experimental-fetch;-r;$root/asio_directsockets/js/node/register.js" \
  >/dev/null
cmake --build build/wasm -j"$jobs"
(cd build/wasm && ctest --output-on-failure -j1 -LE browser)

echo "== JS: Node Direct Sockets implementation and the browser bridge"
node --test "$root/asio_directsockets/js/test/"

echo "== browser: the same wasm build in headless Chromium with real Direct Sockets"
(cd build/wasm && ctest --output-on-failure -j1 -L browser)
node --test "$root/asio_directsockets/js/browser/test/"

echo "run-all: every suite passed"
