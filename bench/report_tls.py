"""The TLS part of docs/benchmarks.md (bench/results/tls*.jsonl, written by tls_runner.py): TLS
handshake time and bulk download over TLS vs plain TCP, the same client natively (stock Boost.Asio
and asio_directsockets) and as wasm in headless Chromium, against one native server. report.py
calls blocks(); tls_runner.py prints summary(). Standard library only."""
import statistics
from collections import defaultdict

from report import fmt, load_jsonl  # the page's number format, its .jsonl reader

VARIANTS = ["stock@native", "ours@native", "ours@wasm-chromium"]
BROWSER = "ours@wasm-chromium"
TARGET = 0.5  # TLS bulk ÷ plain TCP in the same page (issue 14); reported, never asserted
NAMES = ["TLS_TABLE", "TLS_RUN"]
# (column heading, scenario, cipher, metric)
COLUMNS = [("handshake p50, ms", "tls_handshake", "aes", "handshake_p50"),
           ("handshake p90, ms", "tls_handshake", "aes", "handshake_p90"),
           ("TLS AES-128-GCM, MiB/s", "tls_download", "aes", "throughput"),
           ("TLS ChaCha20-Poly1305, MiB/s", "tls_download", "chacha", "throughput"),
           ("plain TCP, MiB/s", "tcp_download", "", "throughput")]


class Data:
    def __init__(self, rows):
        self.values = defaultdict(list)  # (variant, scenario, cipher, metric) -> [value]
        for r in rows:
            for m, x in r.get("values", {}).items():
                if x is not None:
                    self.values[(r.get("variant"), r["scenario"], r.get("cipher", ""), m)].append(x)

    def median(self, v, scenario, cipher, metric):
        s = self.values.get((v, scenario, cipher, metric))
        return statistics.median(s) if s else None

    def cell(self, v, scenario, cipher, metric):
        s = self.values.get((v, scenario, cipher, metric))
        return f"{fmt(statistics.median(s))} [{fmt(min(s))}–{fmt(max(s))}]" if s else "–"

    def tls_over_tcp(self, v, cipher):
        tls, tcp = self.median(v, "tls_download", cipher, "throughput"), \
            self.median(v, "tcp_download", "", "throughput")
        return tls / tcp if tls and tcp else None


def table(d):
    head = ["client"] + [c[0] for c in COLUMNS] + ["TLS ÷ TCP (AES, ChaCha)"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for v in VARIANTS:
        cells = [d.cell(v, s, c, m) for _, s, c, m in COLUMNS]
        ratios = f"{fmt(d.tls_over_tcp(v, 'aes'))}, {fmt(d.tls_over_tcp(v, 'chacha'))}"
        out.append(f"| {v} | " + " | ".join(cells) + f" | {ratios} |")
    ours = [d.median("ours@native", s, c, m) for _, s, c, m in COLUMNS]
    stock = [d.median("stock@native", s, c, m) for _, s, c, m in COLUMNS]
    out.append("| ours ÷ stock, natively | " + " | ".join(
        fmt(o / s) if o and s else "–" for o, s in zip(ours, stock)) + " | |")
    best = max(filter(None, [d.tls_over_tcp(BROWSER, "aes"), d.tls_over_tcp(BROWSER, "chacha")]),
               default=None)
    met = "–" if best is None else ("met" if best >= TARGET else "**not met**")
    out.append("")
    out.append(f"In the page, TLS bulk ÷ plain TCP (the better cipher): {fmt(best)} — target ≥ "
               f"{TARGET} {met}. Medians over the rounds, [min–max] in brackets; handshake times "
               "include the TCP connect.")
    return "\n".join(out) + "\n"


def run_line(meta, errors):
    out = []
    for m in meta:
        h = m.get("host", {})
        out.append(f"Measured {m.get('date')} at commit {h.get('commit')} ({m.get('mode')} mode, "
                   f"{m.get('rounds')} rounds, load average at start {h.get('loadavg_start', 0):.1f}, "
                   f"{h.get('chromium', '')}).")
    for e in errors[:10]:
        out.append(f"Failed measurement: {e.get('variant')} {e.get('scenario')} "
                   f"{e.get('cipher', '')} round {e.get('round')}: `{e.get('error')}`.")
    return " ".join(out) + "\n"


def summary(rows):
    ok = [r for r in rows if "error" not in r and r.get("kind") != "meta"]
    return table(Data(ok))


def blocks(files):
    none = {n: "_no TLS results (run `bench/run.sh --tls`)_\n" for n in NAMES}
    if not files:
        return none
    rows, errors, meta = load_jsonl(files)
    if not rows:
        return none
    return {"TLS_TABLE": table(Data(rows)), "TLS_RUN": run_line(meta, errors)}
