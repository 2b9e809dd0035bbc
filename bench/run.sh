#!/usr/bin/env bash
# Benchmarks in one command: builds the bench programs (Release, separate build
# dirs, so the test builds are untouched), runs every scenario interleaved over
# several rounds, writes bench/results/*.jsonl and regenerates
# docs/benchmarks.md with its plots.
#   bench/run.sh            native half: stock Boost.Asio vs asio_directsockets, ~7 minutes
#   bench/run.sh --browser  browser half: the same programs as wasm in headless Chromium vs a
#                           raw-JS Direct Sockets client, Emscripten SOCKFS + websockify and
#                           native Boost.Asio, ~12 minutes
#   bench/run.sh --browser-threads  the browser half with the -pthread build (-DASIO_DS_THREADS=ON,
#                           main() on a pthread by -sPROXY_TO_PTHREAD, build/bench-wasm-threads)
#                           measured beside the single-threaded one wherever it runs, ~15 minutes
#                           (+ its build); docs/benchmarks.md "Threads in the browser build"
#   bench/run.sh --http     the HTTP server benchmark: examples/http_server as wasm in headless
#                           Chromium vs a raw-JS TCPServerSocket server vs the same program
#                           natively on stock Boost.Asio, one native load generator, ~5 minutes
#   bench/run.sh --threads  the thread-pool benchmark: bench/threads/pool_server.cpp (a Beast HTTP
#                           server and a TCP echo server on one io_context run by 1 and 2
#                           threads) on stock Boost.Asio vs asio_directsockets, ~3 minutes
#   bench/run.sh --tls      the TLS benchmark: handshake time and 64 MiB downloads over TLS vs plain
#                           TCP, one client program natively (stock Boost.Asio, asio_directsockets)
#                           and as wasm in headless Chromium, ~3 minutes (+ the wasm OpenSSL build
#                           once per machine, docs/tls.md)
#   bench/run.sh --all      all five, one after the other
#   bench/run.sh --quick    a smoke run of the chosen part (about 2, 3, 1, 1/2 or 1/2 minutes)
#   bench/run.sh --report   only regenerate docs/benchmarks.md from the results
# Extra arguments go to runner.py, browser_runner.py, http_runner.py, threads_runner.py or
# tls_runner.py (e.g. --rounds 4, --only tcp_echo,udp_rr); with --all they go to all five.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
build="${ASIO_DS_BENCH_BUILD_DIR:-$root/build/bench}"
wasm_build="${ASIO_DS_BENCH_WASM_BUILD_DIR:-$root/build/bench-wasm}"
wasm_threads_build="${ASIO_DS_BENCH_WASM_THREADS_BUILD_DIR:-$root/build/bench-wasm-threads}"
# The browser build's blocking mode, given explicitly so that a build folder configured before
# JSPI became the default does not keep measuring ASYNCIFY (docs/browser.md "Which mode").
wasm_blocking="${ASIO_DS_BENCH_BLOCKING:-jspi}"
py=/usr/bin/python3  # Debian's

report_only=0
native=1
browser=0
browser_threads=0
http=0
threads=0
tls=0
runner_args=()
browser_extra=()  # browser_runner.py only
for a in "$@"; do
  case "$a" in
    --report) report_only=1 ;;
    --browser) native=0; browser=1 ;;
    --browser-threads) native=0; browser=1; browser_threads=1 ;;
    --http) native=0; http=1 ;;
    --threads) native=0; threads=1 ;;
    --tls) native=0; tls=1 ;;
    --all) native=1; browser=1; http=1; threads=1; tls=1 ;;
    *) runner_args+=("$a") ;;
  esac
done

# Setup (idempotent): gnuplot from Debian for the plots; for the browser half,
# Emscripten, content_shell and websockify (also Debian packages).
# gnuplot always: every run ends in report.py, which redraws the native and browser plots from
# their results. Not matplotlib: on Debian 12 python3-matplotlib pulls libboost-dev 1.74 (via
# python3-scipy and python3-pythran), which conflicts with libboost1.81-dev. gnuplot-nox comes
# without its recommends (ImageMagick, Ghostscript, groff: nothing the plots use).
# (dpkg -s alone also succeeds for a removed package whose config files remain, hence the Status;
# grep without -q reads it all, so that pipefail sees no SIGPIPE.)
plot_need=()
dpkg -s gnuplot-nox 2>/dev/null | grep '^Status: install ok installed' >/dev/null ||
  command -v gnuplot >/dev/null || plot_need+=(gnuplot-nox)
need=()
if { [ "$browser" = 1 ] || [ "$http" = 1 ] || [ "$tls" = 1 ]; } && [ "$report_only" = 0 ]; then
  command -v em++ >/dev/null || need+=(emscripten)
  [ -x /usr/lib/chromium/chromium-shell ] || need+=(chromium-shell)
  if [ "$browser" = 1 ]; then command -v websockify >/dev/null || need+=(websockify); fi
fi
if [ "${#need[@]}" -gt 0 ] || [ "${#plot_need[@]}" -gt 0 ]; then
  echo "installing ${plot_need[*]} ${need[*]}" >&2
  apt-get update -qq
  if [ "${#plot_need[@]}" -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${plot_need[@]}" >/dev/null
  fi
  if [ "${#need[@]}" -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi

if [ "$report_only" = 0 ]; then
  t0=$(date +%s)
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DASIO_DS_BUILD_BENCH=ON \
    -DASIO_DS_BUILD_TESTS=OFF -DASIO_DS_BUILD_EXAMPLES=OFF -DASIO_DS_WITH_OPENSSL="$tls" >/dev/null
  targets=()
  if [ "$native" = 1 ] || [ "$browser" = 1 ]; then targets+=(bench); fi
  if [ "$http" = 1 ]; then targets+=(bench_http); fi
  if [ "$threads" = 1 ]; then targets+=(bench_threads); fi
  if [ "$tls" = 1 ]; then targets+=(bench_tls); fi
  cmake --build "$build" --target "${targets[@]}" -j2
  if [ "$browser" = 1 ] || [ "$http" = 1 ] || [ "$tls" = 1 ]; then
    export NODE_PATH=/usr/share/nodejs
    emcmake cmake -S "$root" -B "$wasm_build" -DCMAKE_BUILD_TYPE=Release -DASIO_DS_BUILD_BENCH=ON \
      -DASIO_DS_BUILD_TESTS=OFF -DASIO_DS_BUILD_EXAMPLES=OFF -DASIO_DS_WITH_OPENSSL="$tls" \
      -DASIO_DS_BLOCKING="$wasm_blocking" >/dev/null
    targets=()
    if [ "$browser" = 1 ]; then targets+=(bench_browser); fi
    if [ "$http" = 1 ]; then targets+=(bench_http_browser); fi
    if [ "$tls" = 1 ]; then targets+=(bench_tls_browser); fi
    cmake --build "$wasm_build" --target "${targets[@]}" -j2
  fi
  if [ "$browser_threads" = 1 ]; then
    emcmake cmake -S "$root" -B "$wasm_threads_build" -DCMAKE_BUILD_TYPE=Release -DASIO_DS_BUILD_BENCH=ON \
      -DASIO_DS_BUILD_TESTS=OFF -DASIO_DS_BUILD_EXAMPLES=OFF -DASIO_DS_WITH_OPENSSL=OFF \
      -DASIO_DS_THREADS=ON >/dev/null
    cmake --build "$wasm_threads_build" --target bench_client_wasm -j2
    browser_extra+=(--wasm-extra "threads=$wasm_threads_build/bench/browser/bench_client_wasm.js")
  fi
  echo "build took $(( $(date +%s) - t0 )) s" >&2
  if [ "$native" = 1 ]; then
    "$py" "$here/runner.py" --bin-dir "$build/bench" --out "$here/results/native.jsonl" \
      ${runner_args[@]+"${runner_args[@]}"} || echo "some native measurements failed (see the report)" >&2
  fi
  if [ "$browser" = 1 ]; then
    "$py" "$here/browser_runner.py" --native-bin-dir "$build/bench" \
      --wasm-dir "$wasm_build/bench/browser" --out "$here/results/browser.jsonl" \
      ${browser_extra[@]+"${browser_extra[@]}"} \
      ${runner_args[@]+"${runner_args[@]}"} || echo "some browser measurements failed (see the report)" >&2
  fi
  if [ "$http" = 1 ]; then
    "$py" "$here/http_runner.py" --native-bin-dir "$build/bench" \
      --wasm-dir "$wasm_build/bench/browser" --out "$here/results/http.jsonl" \
      ${runner_args[@]+"${runner_args[@]}"} || echo "some HTTP measurements failed (see the report)" >&2
    echo "HTTP results: $here/results/http.jsonl; tables in docs/benchmarks.md" \
         "(#an-http-server-in-the-browser)" >&2
  fi
  if [ "$threads" = 1 ]; then
    "$py" "$here/threads_runner.py" --native-bin-dir "$build/bench" \
      --out "$here/results/threads.jsonl" \
      ${runner_args[@]+"${runner_args[@]}"} || echo "some thread-pool measurements failed (see the report)" >&2
    echo "thread-pool results: $here/results/threads.jsonl; tables in docs/benchmarks.md" \
         "(#a-thread-pool-server-natively)" >&2
  fi
  if [ "$tls" = 1 ]; then
    "$py" "$here/tls_runner.py" --native-bin-dir "$build/bench" \
      --wasm-dir "$wasm_build/bench/browser" --out "$here/results/tls.jsonl" \
      ${runner_args[@]+"${runner_args[@]}"} || echo "some TLS measurements failed (see the report)" >&2
    echo "TLS results: $here/results/tls.jsonl; table in docs/benchmarks.md (#tls-in-the-browser)" >&2
  fi
fi
"$py" "$here/report.py"
