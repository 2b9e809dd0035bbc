#!/usr/bin/env python3
"""Runs the TLS benchmark (bench/tls/tls_bench.cpp): one native stock Boost.Asio server (TLS on
its own port, plain TCP on another), and the same client program three ways, interleaved within every
round (the order alternating per round):

  stock@native         tls_bench_stock, natively
  ours@native          tls_bench_ours, natively (the library's poll reactor)
  ours@wasm-chromium   tls_bench_wasm in headless Chromium's page (Direct Sockets, OpenSSL for
                       wasm), each run in a fresh page (asio_directsockets/tools/browser/run.js)

Scenarios per client: tls_handshake (connect + handshake, fresh connections, AES-128-GCM suite),
tls_download with AES-128-GCM and with ChaCha20-Poly1305, tcp_download (the same read loop
without TLS). Writes one JSON row per measurement (plus a meta row) to --out; report_tls.py makes
the docs/benchmarks.md section, and summary() prints the medians at the end.

  tls_runner.py --native-bin-dir DIR --wasm-dir DIR --out FILE [--rounds N] [--quick]
                [--clients stock,ours,wasm]
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runner  # noqa: E402  (run_json, stop_process, meta_row)
import report_tls  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CERTS = os.path.join(ROOT, "examples", "tls", "certs")
RUN_JS = os.path.join(ROOT, "asio_directsockets", "tools", "browser", "run.js")
SHELL = "/usr/lib/chromium/chromium-shell"
VARIANTS = {"stock": "stock@native", "ours": "ours@native", "wasm": "ours@wasm-chromium"}


def scenarios(quick):
    mib = 16 if quick else 64
    count = 10 if quick else 50
    return [("tls_handshake", {"count": count, "cipher": "aes"}),
            ("tls_download", {"bytes": mib << 20, "cipher": "aes"}),
            ("tls_download", {"bytes": mib << 20, "cipher": "chacha"}),
            ("tcp_download", {"bytes": mib << 20})]


def client_argv(args, client, scenario, ports, opts):
    tls = scenario != "tcp_download"
    own = ["--port", str(ports["tls_port" if tls else "tcp_port"])]
    if tls:
        own += ["--ca", "/certs/ca.pem" if client == "wasm" else os.path.join(CERTS, "ca.pem")]
    for k, v in opts.items():
        own += [f"--{k}", str(v)]
    if client == "wasm":
        return ["node", RUN_JS, "--mode", "page", "--timeout", "300", "--browser", SHELL,
                os.path.join(args.wasm_dir, "tls_bench_wasm.js"), "--", scenario] + own
    return [os.path.join(args.native_bin_dir, f"tls_bench_{client}"), scenario] + own


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--native-bin-dir", required=True)
    ap.add_argument("--wasm-dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--clients", default="stock,ours,wasm")
    args = ap.parse_args()
    if args.quick:
        args.rounds = min(args.rounds, 2)
    clients = args.clients.split(",")

    server = subprocess.Popen(
        [os.path.join(args.native_bin_dir, "tls_bench_stock"), "server",
         "--cert", os.path.join(CERTS, "server.pem"), "--key", os.path.join(CERTS, "server.key")],
        stdout=subprocess.PIPE, text=True)
    rows = []
    try:
        ports = json.loads(server.stdout.readline())
        chromium = "dpkg-query -W -f='chromium-shell ${Version}' chromium-shell"
        rows.append(runner.meta_row(args, {}, platform_name="tls", tools={"chromium": chromium}))
        for rnd in range(args.rounds):
            order = clients if rnd % 2 == 0 else clients[::-1]
            for scenario, opts in scenarios(args.quick):
                for client in order:
                    row, err = runner.run_json(client_argv(args, client, scenario, ports, opts), 300,
                                               f"tls_bench ({client})")
                    if row is None:
                        row = {"schema": 1, "scenario": scenario, "error": err}
                    row.update({"variant": VARIANTS[client], "round": rnd})
                    row.setdefault("cipher", opts.get("cipher", ""))
                    rows.append(row)
                    print(json.dumps(row), file=sys.stderr)
    finally:
        runner.stop_process(server)
    with open(args.out, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    print(report_tls.summary(rows))


if __name__ == "__main__":
    main()
