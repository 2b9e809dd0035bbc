#!/usr/bin/env python3
"""The thread-pool benchmark (issue 13): bench/threads/pool_server.cpp, one io_context run by N
threads (the Boost.Asio / Beast thread-pool pattern, every session on a strand), built against
stock Boost.Asio (pool_server_stock) and against asio_directsockets (pool_server_ours), with 1 and
2 threads, in one run. One load generator for every server, so only the server differs:

  http_rr    bench/http/http_load.cpp (stock Boost.Asio, one thread): GET /api/info back to back
             on 8 and 64 keep-alive connections against the server's Beast HTTP role
  tcp_echo   bench_client_stock tcp_echo: 1 KiB messages, write then read the echo back, on 8
             and 64 connections against the server's echo role (async_read_some + async_write)

Every round measures each configuration for every (threads, impl) back to back, in an order that
reverses from one round to the next; a server (one role, one process) is started per round and
role and stopped after that role's measurements. Writes one JSON row per measurement to --out
(the keys of docs/benchmarks.md#json-rows, plus "threads") and prints, at the end, a JSON summary:
per (scenario, conns, threads) the median rates and ours ÷ stock (the ratio of the medians over
the rounds and the per-round ratios). report_threads.py makes the section of the page.

  threads_runner.py --native-bin-dir DIR --out FILE [--rounds N] [--quick] [--seconds S]
                    [--threads 1,2] [--conns 8,64] [--only http_rr,tcp_echo] [--msg 1024]
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report_threads  # noqa: E402  (summary)
import runner  # noqa: E402  (meta_row, run_json, stop_process)

IMPLS = ["stock", "ours"]
ROLE = {"http_rr": "http", "tcp_echo": "echo"}


def configs(args):
    """(scenario, options for the load generator) measured in every round."""
    conns = [int(x) for x in args.conns.split(",")]
    only = set(args.only.split(",")) if args.only else set(ROLE)
    cfg = []
    if "http_rr" in only:
        cfg += [("http_rr", {"keepalive": 1, "conns": c}) for c in conns]
    if "tcp_echo" in only:
        cfg += [("tcp_echo", {"msg": args.msg, "conns": c}) for c in conns]
    return cfg


class Server:
    """One pool_server process serving one role with --threads N."""

    def __init__(self, bin_dir, impl, threads, role):
        self.proc = subprocess.Popen([os.path.join(bin_dir, f"pool_server_{impl}"), "--threads",
                                      str(threads), "--role", role, "--max-seconds", "1800"],
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            raise RuntimeError(f"pool_server_{impl} did not start (exit {self.proc.returncode})")
        info = json.loads(line)
        if int(info.get("threads", 0)) != threads:
            raise RuntimeError(f"pool_server_{impl} says threads={info.get('threads')}")
        self.pid, self.port = info["pid"], info["ports"][role]

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        runner.stop_process(self.proc)


def run_load(args, scenario, server, opts, timing):
    if scenario == "http_rr":
        argv = [os.path.join(args.native_bin_dir, "http_load"), "http_rr",
                "--server-pids", str(server.pid)]
    else:
        argv = [os.path.join(args.native_bin_dir, "bench_client_stock"), "tcp_echo",
                "--server-pid", str(server.pid)]
    merged = dict(timing)
    merged.update(opts)
    merged["port"] = server.port
    for k, v in merged.items():
        argv += [f"--{k}", str(v)]
    row, err = runner.run_json(argv, 60 + float(timing["secs"]), os.path.basename(argv[0]))
    return row if row is not None else failed_row(scenario, opts, err)


def failed_row(scenario, opts, err):
    row = {"schema": 1, "scenario": scenario, "msg": opts.get("msg", 0), "conns": opts.get("conns", 1),
           "error": err}
    if scenario == "http_rr":
        row["keepalive"] = opts.get("keepalive", 1)
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--native-bin-dir", required=True,
                    help="pool_server_stock, pool_server_ours, http_load, bench_client_stock")
    ap.add_argument("--out", required=True)
    ap.add_argument("--rounds", type=int, help="default 3 (quick: 2)")
    ap.add_argument("--quick", action="store_true", help="0.3 s windows after 0.1 s warm-up")
    ap.add_argument("--seconds", type=float, help="measurement window (default 1.5, quick 0.3)")
    ap.add_argument("--warm", type=float, help="unrecorded warm-up per measurement (default 0.3)")
    ap.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    ap.add_argument("--impls", default="stock,ours", help="pool_server_<impl> binaries to compare")
    ap.add_argument("--conns", default="8,64", help="comma-separated connection counts")
    ap.add_argument("--only", help="comma-separated scenarios: http_rr,tcp_echo")
    ap.add_argument("--msg", type=int, default=1024, help="tcp_echo message size")
    args = ap.parse_args()
    if args.rounds is None:
        args.rounds = 2 if args.quick else 3
    timing = {"secs": args.seconds or (0.3 if args.quick else 1.5),
              "warm": args.warm if args.warm is not None else (0.1 if args.quick else 0.3)}
    threads = [int(x) for x in args.threads.split(",")]
    impls = args.impls.split(",")
    variants = [(t, impl) for t in threads for impl in impls]
    cfgs = configs(args)
    roles = [r for r in ("http", "echo") if any(ROLE[s] == r for s, _ in cfgs)]

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    t_start = time.time()
    errors = 0
    rows = []
    with open(args.out, "w") as out:
        def emit(row, rnd, order_index, t, impl, client):
            nonlocal errors
            row.update({"impl": impl, "platform": "native", "threads": t, "server": f"{impl}@native",
                        "client": client, "round": rnd, "order": order_index})
            out.write(json.dumps(row, separators=(",", ":")) + "\n")
            out.flush()
            if "error" in row:
                errors += 1
            else:
                rows.append(dict(row, _file=os.path.basename(args.out)))
            if "error" in row or row.get("failed"):
                print(f"  {'ERROR' if 'error' in row else 'failed requests'} {impl} threads={t} "
                      f"{row.get('scenario')} conns={row.get('conns')}: "
                      f"{row.get('error') or row.get('failed')} {row.get('fail_reasons', '')}",
                      file=sys.stderr)

        meta = runner.meta_row(args, timing, "native-threads")
        meta.update({"threads": threads, "impls": impls, "msg": args.msg})
        out.write(json.dumps(meta) + "\n")
        for rnd in range(1, args.rounds + 1):
            order = variants if rnd % 2 else variants[::-1]
            print(f"round {rnd}/{args.rounds} ({', '.join(f'{i}x{t}' for t, i in order)}) "
                  f"t={time.time() - t_start:.0f}s load={os.getloadavg()[0]:.1f}", file=sys.stderr)
            for role in roles:
                servers = {}
                try:
                    for scenario, opts in [c for c in cfgs if ROLE[c[0]] == role]:
                        client = "http_load@native" if role == "http" else "bench_client_stock@native"
                        for i, (t, impl) in enumerate(order):
                            try:
                                s = servers.get((t, impl))
                                if s is None or not s.alive():
                                    s = servers[(t, impl)] = Server(args.native_bin_dir, impl, t, role)
                                time.sleep(0.2)  # let the previous measurement's connections wind down
                                row = run_load(args, scenario, s, opts, timing)
                                if not s.alive():
                                    row["error"] = (row.get("error", "") + " server exited").strip()
                            except (OSError, RuntimeError, ValueError, KeyError) as e:
                                row = failed_row(scenario, opts, f"runner: {e}")
                            emit(row, rnd, i, t, impl, client)
                finally:
                    for s in servers.values():
                        s.stop()
        out.write(json.dumps({"kind": "meta_end", "schema": 1, "platform": "native-threads",
                              "seconds": round(time.time() - t_start, 1), "errors": errors,
                              "loadavg_end": os.getloadavg()[0]}) + "\n")
    print(f"done in {time.time() - t_start:.0f}s, {errors} error rows -> {args.out}", file=sys.stderr)
    print(json.dumps({"summary": report_threads.summary(rows), "target": report_threads.TARGET,
                      "rounds": args.rounds, "timing": timing, "out": args.out}, indent=1))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
