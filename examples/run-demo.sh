#!/usr/bin/env bash
# The main demo, from a fresh clone: builds the Beast HTTP server example,
# starts it on 127.0.0.1, fetches pages from it with curl and prints them.
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/setup
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/native -j"$(nproc)" --target http_server

port=${PORT:-18080}
build/native/examples/http_server "$port" 3 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
echo "--- GET /api/info"
curl -sS "http://127.0.0.1:$port/api/info"
echo "--- GET / (headers and body)"
curl -sS -i "http://127.0.0.1:$port/"
wait "$server" 2>/dev/null || true
