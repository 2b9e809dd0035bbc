"""The HTTP server part of docs/benchmarks.md (bench/results/http*.jsonl, written by
http_runner.py): the in-browser Beast server (examples/http_server as wasm) against a raw-JS
server on TCPServerSocket in the same kind of page and the same program natively on stock
Boost.Asio, all driven by one native load generator. report.py calls blocks(). Tables only (no
plots), so the section needs nothing beyond the standard library."""
import statistics
from collections import defaultdict

from report import fmt, load_jsonl  # the page's number format, its .jsonl reader

OURS = "ours@wasm-chromium"
JS = "js-direct-sockets@chromium"
NATIVE = "stock@native"
ORDER = [OURS, JS, NATIVE]
SHORT = {OURS: "ours (wasm, Chromium)", JS: "raw JS (Chromium)", NATIVE: "native stock Boost.Asio"}
TINY = {OURS: "ours", JS: "raw JS", NATIVE: "native"}

TARGET_JS = 1.0          # ours ÷ raw JS, every row
TARGET_ACCEPT_S = 2.0    # 2000 connections answered within
NAMES = ["H_TABLE", "H_TARGETS", "H_TARGET_SUMMARY", "H_LATENCY", "H_CPU"]


def key_of(r):
    return (r["scenario"], int(r.get("keepalive", 1)), int(r.get("conns", 1)))


def sort_key(k):
    return ({"http_rr": 0, "http_accept": 1, "http_download": 2}.get(k[0], 3), -k[1], k[2])


def label(k):
    scenario, keepalive, conns = k
    if scenario == "http_rr":
        return (f"GET /api/info, {'keep-alive' if keepalive else '`Connection: close`'}, "
                f"{conns} conn{'s' if conns != 1 else ''}")
    if scenario == "http_accept":
        return f"{conns} connections at once, one request each"
    if scenario == "http_download":
        return "GET /big.bin (10 MiB), keep-alive, 1 conn"
    return f"{scenario} {conns}"


def primary(scenario):
    return "throughput" if scenario == "http_download" else "rate"


def unit(scenario):
    return {"http_rr": "requests/s", "http_accept": "accepts/s", "http_download": "MiB/s"}.get(scenario, "")


class HttpData:
    def __init__(self, files):
        self.rows, self.errors, _ = load_jsonl(files)
        # (key, variant, metric) -> [(round, file, value)]
        self.values = defaultdict(list)
        self.failed = defaultdict(int)      # (key, variant) -> failed requests over all rounds
        self.failed_rows = defaultdict(int)
        self.measured = defaultdict(int)    # (key, variant) -> measurements (rows)
        for r in self.rows:
            k, v = key_of(r), r.get("variant")
            self.measured[(k, v)] += 1
            self.failed[(k, v)] += int(r.get("failed", 0))
            for m, x in r.get("values", {}).items():
                if x is not None:
                    self.values[(k, v, m)].append((r.get("round"), r["_file"], x))
        for r in self.errors:
            self.failed_rows[(key_of(r), r.get("variant"))] += 1
        self.keys = sorted({key_of(r) for r in self.rows + self.errors}, key=sort_key)
        self.variants = [v for v in ORDER if any(r.get("variant") == v for r in self.rows)]

    def series(self, k, v, m):
        return [x for _, _, x in self.values.get((k, v, m), [])]

    def median(self, k, v, m):
        s = self.series(k, v, m)
        return statistics.median(s) if s else None

    def cell(self, k, v, m):
        s = self.series(k, v, m)
        return f"{fmt(statistics.median(s))} [{fmt(min(s))}–{fmt(max(s))}]" if s else "–"

    def ratio(self, k, v, base, m):
        a, b = self.median(k, v, m), self.median(k, base, m)
        return a / b if a is not None and b else None

    def paired(self, k, v, base, m):
        b = {(r, f): x for r, f, x in self.values.get((k, base, m), [])}
        return [x / b[(r, f)] for r, f, x in self.values.get((k, v, m), []) if b.get((r, f))]


def spread(p):
    return f"{statistics.median(p):.2f} [{min(p):.2f}–{max(p):.2f}]" if p else "–"


def failed_text(d, k, v):
    n, bad = d.failed[(k, v)], d.failed_rows[(k, v)]
    text = str(n) if d.measured[(k, v)] else "–"
    return text + (f" (+{bad} failed runs)" if bad else "")


def main_table(d):
    vs = d.variants
    head = ("| scenario | unit | " + " | ".join(SHORT[v] for v in vs) +
            " | ours ÷ raw JS | per round: median [min–max] | failed requests (" +
            " / ".join(TINY[v] for v in vs) + ") |")
    lines = [head, "|" + "---|" * (len(vs) + 5)]
    for k in d.keys:
        m = primary(k[0])
        r = d.ratio(k, OURS, JS, m)
        lines.append(f"| {label(k)} | {unit(k[0])} | " + " | ".join(d.cell(k, v, m) for v in vs) +
                     f" | {'**%.2f×**' % r if r else '–'} | {spread(d.paired(k, OURS, JS, m))} | " +
                     " / ".join(failed_text(d, k, v) for v in vs) + " |")
    return "\n".join(lines) + "\n"


def targets(d):
    lines = ["| target | scenario | ours | compared with | verdict |", "|---|---|---|---|---|"]
    met, missed = [], []

    def verdict(ok, name):
        (met if ok else missed).append(name)
        return "met" if ok else "**missed**"

    for k in d.keys:
        m = primary(k[0])
        if not d.series(k, OURS, m) or not d.series(k, JS, m):
            continue
        r, p = d.ratio(k, OURS, JS, m), d.paired(k, OURS, JS, m)
        both = min(r, statistics.median(p)) if p else r
        lines.append(f"| ≥ {TARGET_JS:.1f}× raw JS | {label(k)} | {fmt(d.median(k, OURS, m))} {unit(k[0])} "
                     f"| raw JS {fmt(d.median(k, JS, m))}: **{r:.2f}×** (per round {spread(p)}) "
                     f"| {verdict(round(both, 2) >= TARGET_JS, f'{label(k)} ({r:.2f}×)')} |")
    for k in d.keys:
        if k[0] != "http_accept" or not d.series(k, OURS, "all_answered_s"):
            continue
        s = d.median(k, OURS, "all_answered_s")
        others = ", ".join(f"{TINY[v]} {fmt(d.median(k, v, 'all_answered_s'))} s"
                           for v in (JS, NATIVE) if d.series(k, v, "all_answered_s"))
        lines.append(f"| {k[2]} accepts in ≤ {TARGET_ACCEPT_S:g} s | {label(k)} | "
                     f"{d.cell(k, OURS, 'all_answered_s')} s | {others} | "
                     f"{verdict(s <= TARGET_ACCEPT_S, f'{k[2]} accepts in {s:.2f} s')} |")
    for k in d.keys:
        if k[2] != 256 or not d.measured[(k, OURS)]:
            continue
        n = d.failed[(k, OURS)] + d.failed_rows[(k, OURS)]
        others = ", ".join(f"{TINY[v]} {failed_text(d, k, v)}" for v in (JS, NATIVE)
                           if d.measured[(k, v)])
        lines.append(f"| zero failed requests at 256 connections | {label(k)} | "
                     f"{failed_text(d, k, OURS)} failed in {d.measured[(k, OURS)]} runs | {others} | "
                     f"{verdict(n == 0, f'{label(k)}: {n} failed')} |")
    summary = (f"Targets met in this run: {len(met)} of {len(met) + len(missed)}"
               + (f"; missed: {'; '.join(missed)}." if missed else "."))
    return "\n".join(lines) + "\n", summary


def metric_table(d, metrics, keys=None):
    vs = d.variants
    lines = ["| scenario | metric | " + " | ".join(SHORT[v] for v in vs) + " |", "|" + "---|" * (len(vs) + 2)]
    for k in keys or d.keys:
        for m, name in metrics(k):
            if any(d.series(k, v, m) for v in vs):
                lines.append(f"| {label(k)} | {name} | " + " | ".join(d.cell(k, v, m) for v in vs) + " |")
    return "\n".join(lines) + "\n"


def blocks(files):
    if not files:
        return {n: "_no HTTP results (run `bench/run.sh --http`)_\n" for n in NAMES}
    d = HttpData(files)
    if not d.rows:
        return {n: "_no HTTP results (run `bench/run.sh --http`)_\n" for n in NAMES}
    t, summary = targets(d)

    def latency(k):
        if k[0] == "http_accept":
            return [("all_connected_s", "all connected, s"), ("all_answered_s", "all answered, s"),
                    ("p50", "answer p50, µs"), ("p99", "answer p99, µs")]
        if k[0] == "http_download":
            return [("p50", "download p50, µs"), ("p99", "download p99, µs")]
        return [("p50", "request p50, µs"), ("p99", "request p99, µs")]

    def cpu(k):
        per = "MiB" if k[0] == "http_download" else ("accept" if k[0] == "http_accept" else "request")
        return [("cpu_server_per_op", f"server CPU µs/{per}"), ("cpu_client_per_op", f"client CPU µs/{per}")]

    return {
        "H_TABLE": main_table(d),
        "H_TARGETS": t,
        "H_TARGET_SUMMARY": summary,
        "H_LATENCY": metric_table(d, latency),
        "H_CPU": metric_table(d, cpu),
    }
