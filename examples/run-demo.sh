#!/usr/bin/env bash
# The main demo, from a fresh clone: a Beast HTTP server compiled to
# WebAssembly runs inside headless Chromium and listens with Direct Sockets'
# TCPServerSocket; curl, on the host, fetches a page and the JSON API from it.
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/setup
export NODE_PATH=/usr/share/nodejs  # Emscripten 3.1.6 needs Debian's acorn

echo "== building examples/http_server with em++ (asio_directsockets' Direct Sockets backend)"
emcmake cmake -S . -B build/wasm-demo -DCMAKE_BUILD_TYPE=Release -DASIO_DS_BUILD_TESTS=OFF >/dev/null
cmake --build build/wasm-demo -j"$(nproc)" --target http_server

port=${PORT:-18080}
log=$(mktemp)
echo "== starting it in headless Chromium (content_shell, isolated context) on 127.0.0.1:$port"
node asio_directsockets/tools/browser/run.js --mode page --timeout 300 \
  build/wasm-demo/examples/http_server.js -- 127.0.0.1 "$port" /www >"$log" 2>&1 &
browser=$!
trap 'kill $browser 2>/dev/null || true; wait $browser 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 600); do
  grep -q listening "$log" && break
  kill -0 $browser 2>/dev/null || { cat "$log"; echo "demo: the browser run ended early"; exit 1; }
  sleep 0.1
done
grep -q listening "$log" || { cat "$log"; echo "demo: the server did not start"; exit 1; }
echo "   the page printed: $(grep listening "$log")"

echo "== curl -i http://127.0.0.1:$port/"
curl -sS -i "http://127.0.0.1:$port/"
echo "== curl http://127.0.0.1:$port/api/info"
curl -sS "http://127.0.0.1:$port/api/info"
