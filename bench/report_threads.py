"""The thread-pool part of docs/benchmarks.md (bench/results/threads*.jsonl, written by
threads_runner.py): bench/threads/pool_server.cpp on stock Boost.Asio and on asio_directsockets,
one io_context run by 1 and 2 threads, driven by one load generator. report.py calls blocks();
threads_runner.py calls summary() for the JSON it prints at the end. Standard library only."""
import statistics
from collections import defaultdict

from report import fmt, load_jsonl  # the page's number format, its .jsonl reader

BASE, OURS = "stock", "ours"
TARGET = 0.95  # ours ÷ stock, every configuration (issue 13); reported, never asserted
NAMES = ["T_TABLE", "T_SUMMARY", "T_SCALING", "T_LATENCY", "T_RUN"]
UNITS = {"http_rr": "requests/s", "tcp_echo": "round trips/s"}


def key_of(r):
    """A configuration without the thread count: (scenario, msg, keepalive, conns)."""
    return (r["scenario"], int(r.get("msg", 0)), int(r.get("keepalive", 1)), int(r.get("conns", 1)))


def label(k):
    scenario, msg, keepalive, conns = k
    if scenario == "http_rr":
        return f"HTTP GET /api/info, {'keep-alive' if keepalive else '`Connection: close`'}, {conns} conns"
    if scenario == "tcp_echo":
        size = f"{msg // 1024} KiB" if msg >= 1024 and msg % 1024 == 0 else f"{msg} B"
        return f"TCP echo, {size}, {conns} conns"
    return f"{scenario} {conns}"


class Data:
    def __init__(self, rows):
        # (key, threads, impl, metric) -> [(round, file, value)]
        self.values = defaultdict(list)
        self.failed = defaultdict(int)  # (key, threads, impl) -> failed requests (HTTP)
        for r in rows:
            k, t, impl = key_of(r), int(r.get("threads", 1)), r["impl"]
            self.failed[(k, t, impl)] += int(r.get("failed", 0) or 0)
            for m, x in r.get("values", {}).items():
                if x is not None:
                    self.values[(k, t, impl, m)].append((r.get("round"), r["_file"], x))
        order = {"http_rr": 0, "tcp_echo": 1}
        self.keys = sorted({key_of(r) for r in rows},
                           key=lambda k: (order.get(k[0], 2), -k[2], k[1], k[3]))
        self.threads = sorted({int(r.get("threads", 1)) for r in rows})

    def series(self, k, t, impl, m):
        return [x for _, _, x in self.values.get((k, t, impl, m), [])]

    def median(self, k, t, impl, m):
        s = self.series(k, t, impl, m)
        return statistics.median(s) if s else None

    def cell(self, k, t, impl, m):
        s = self.series(k, t, impl, m)
        return f"{fmt(statistics.median(s))} [{fmt(min(s))}–{fmt(max(s))}]" if s else "–"

    def ratio(self, k, t, m, a=OURS, b=BASE, ta=None):
        """median(a at threads ta or t) ÷ median(b at threads t)."""
        x, y = self.median(k, t if ta is None else ta, a, m), self.median(k, t, b, m)
        return x / y if x is not None and y else None

    def paired(self, k, t, m, a=OURS, b=BASE):
        """Per-round ratios a ÷ b at the same thread count: measured back to back in a round."""
        base = {(r, f): x for r, f, x in self.values.get((k, t, b, m), [])}
        return [x / base[(r, f)] for r, f, x in self.values.get((k, t, a, m), [])
                if base.get((r, f))]


def spread(p):
    return f"{statistics.median(p):.2f} [{min(p):.2f}–{max(p):.2f}]" if p else "–"


def verdict(d, k, t):
    r, p = d.ratio(k, t, "rate"), d.paired(k, t, "rate")
    if r is None:
        return None, "–"
    both = min(r, statistics.median(p)) if p else r
    return both, ("met" if round(both, 2) >= TARGET else "**missed**")


def summary(rows):
    """What threads_runner.py prints: per (scenario, conns, threads) the medians and ours ÷ stock."""
    d = Data(rows)
    out = []
    for k in d.keys:
        for t in d.threads:
            r = d.ratio(k, t, "rate")
            p = d.paired(k, t, "rate")
            cpu = d.ratio(k, t, "cpu_server_per_op")
            out.append({
                "scenario": k[0], "msg": k[1], "keepalive": k[2], "conns": k[3], "threads": t,
                "stock_rate": d.median(k, t, BASE, "rate"), "ours_rate": d.median(k, t, OURS, "rate"),
                "ratio": round(r, 3) if r else None,
                "per_round_ratios": [round(x, 3) for x in p],
                "per_round_median": round(statistics.median(p), 3) if p else None,
                "server_cpu_per_op_ratio": round(cpu, 3) if cpu else None,
                "target": TARGET, "verdict": verdict(d, k, t)[1].strip("*"),
            })
    return out


def main_table(d):
    lines = ["| scenario | threads | stock Boost.Asio | asio_directsockets | ours ÷ stock "
             "| per round: median [min–max] | server CPU µs/op: stock | ours | CPU ÷ stock "
             f"| target ≥ {TARGET}× |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    met, missed = [], []
    for k in d.keys:
        for t in d.threads:
            r = d.ratio(k, t, "rate")
            cpu = d.ratio(k, t, "cpu_server_per_op")
            both, v = verdict(d, k, t)
            if both is not None:
                (met if v == "met" else missed).append(f"{label(k)}, {t} thread{'s' * (t != 1)} "
                                                       f"({both:.2f}×)")
            lines.append(f"| {label(k)} | {t} | {d.cell(k, t, BASE, 'rate')} | "
                         f"{d.cell(k, t, OURS, 'rate')} | {'**%.2f×**' % r if r else '–'} | "
                         f"{spread(d.paired(k, t, 'rate'))} | "
                         f"{d.cell(k, t, BASE, 'cpu_server_per_op')} | "
                         f"{d.cell(k, t, OURS, 'cpu_server_per_op')} | "
                         f"{'%.2f×' % cpu if cpu else '–'} | {v} |")
    text = f"Target ≥ {TARGET}× met in {len(met)} of {len(met) + len(missed)} configurations"
    text += (f"; missed: {'; '.join(missed)}." if missed else ".")
    return "\n".join(lines) + "\n", text


def scaling_table(d):
    """Each implementation with 2 (or more) threads ÷ itself with 1 thread."""
    more = [t for t in d.threads if t > 1]
    if 1 not in d.threads or not more:
        return "_needs rows with 1 and more threads_\n"
    lines = ["| scenario | " + " | ".join(f"{impl}: {t} threads ÷ 1 thread" for t in more
                                          for impl in ("stock Boost.Asio", "asio_directsockets")) + " |",
             "|---|" + "---|" * (2 * len(more))]
    for k in d.keys:
        cells = []
        for t in more:
            for impl in (BASE, OURS):
                r = d.ratio(k, 1, "rate", a=impl, b=impl, ta=t)
                cells.append(f"{r:.2f}×" if r else "–")
        lines.append(f"| {label(k)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def latency_table(d):
    lines = ["| scenario | threads | p50 µs: stock | ours | p99 µs: stock | ours "
             "| failed requests: stock | ours |", "|---|---|---|---|---|---|---|---|"]
    for k in d.keys:
        for t in d.threads:
            failed = (" | ".join(str(d.failed[(k, t, i)]) for i in (BASE, OURS))
                      if k[0] == "http_rr" else "– | –")
            lines.append(f"| {label(k)} | {t} | {d.cell(k, t, BASE, 'p50')} | {d.cell(k, t, OURS, 'p50')} "
                         f"| {d.cell(k, t, BASE, 'p99')} | {d.cell(k, t, OURS, 'p99')} | {failed} |")
    return "\n".join(lines) + "\n"


def run_line(meta, errors):
    out = []
    for m in meta:
        if m.get("kind") == "meta":
            h = m.get("host", {})
            out.append(f"Measured {m.get('date')} at commit {h.get('commit')} ({m.get('mode')} mode, "
                       f"{m.get('rounds')} rounds of {m.get('timing', {}).get('secs')} s per measurement "
                       f"after {m.get('timing', {}).get('warm')} s warm-up, load average at start "
                       f"{h.get('loadavg_start', 0):.1f}).")
    for e in errors[:10]:
        out.append(f"Failed measurement: {e.get('impl')} {e.get('threads')} threads {e.get('scenario')} "
                   f"conns={e.get('conns')} round {e.get('round')}: `{e.get('error')}`.")
    return " ".join(out) + "\n"


def blocks(files):
    none = {n: "_no thread-pool results (run `bench/run.sh --threads`)_\n" for n in NAMES}
    if not files:
        return none
    rows, errors, meta = load_jsonl(files)
    if not rows:
        return none
    d = Data(rows)
    t, s = main_table(d)
    return {"T_TABLE": t, "T_SUMMARY": s, "T_SCALING": scaling_table(d), "T_LATENCY": latency_table(d),
            "T_RUN": run_line(meta, errors)}
