#!/usr/bin/env bash
# Native benchmarks, stock Boost.Asio vs asio_directsockets, in one command:
# builds the bench programs (Release, separate build dir, so the test build is
# untouched), runs every scenario for both implementations interleaved over
# several rounds, writes bench/results/native.jsonl and regenerates
# docs/benchmarks.md with its plots.
#   bench/run.sh            full run, about 10 minutes
#   bench/run.sh --quick    about 2 minutes, for a smoke check
#   bench/run.sh --report   only regenerate docs/benchmarks.md from the results
# Extra arguments go to runner.py (e.g. --rounds 4, --only tcp_echo,udp_rr).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
build="${ASIO_DS_BENCH_BUILD_DIR:-$root/build/bench}"
py=/usr/bin/python3  # Debian's, where apt installs matplotlib

report_only=0
runner_args=()
for a in "$@"; do
  case "$a" in
    --report) report_only=1 ;;
    *) runner_args+=("$a") ;;
  esac
done

# Setup (idempotent): matplotlib from Debian for the plots.
if ! "$py" -c 'import matplotlib' 2>/dev/null; then
  echo "installing python3-matplotlib" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-matplotlib >/dev/null
fi

if [ "$report_only" = 0 ]; then
  t0=$(date +%s)
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DASIO_DS_BUILD_BENCH=ON \
    -DASIO_DS_BUILD_TESTS=OFF -DASIO_DS_BUILD_EXAMPLES=OFF >/dev/null
  cmake --build "$build" --target bench -j2
  echo "build took $(( $(date +%s) - t0 )) s" >&2
  "$py" "$here/runner.py" --bin-dir "$build/bench" --out "$here/results/native.jsonl" \
    ${runner_args[@]+"${runner_args[@]}"} || echo "some measurements failed (see the report)" >&2
fi
"$py" "$here/report.py"
