#!/usr/bin/env python3
"""Turns the benchmark rows into docs/benchmarks.md: medians with [min-max]
per variant, ratios to the baseline variant, and PNG plots.

  report.py [--results DIR] [--template FILE] [--out FILE] [--img-dir DIR]

Every bench/results/*.jsonl is read, so another producer (the browser half:
the same programs as wasm in headless Chromium, a raw-JS Direct Sockets
client, Emscripten's websockify path) adds rows by writing its own file with
the same keys; its variants become new columns and ratios without changes
here. A variant is the row's "variant" key, else "<impl>@<platform>".
"""
import argparse
import glob
import json
import os
import re
import statistics
import sys
from collections import defaultdict

# bench/report/ (the page template, the plotting module) is no package: this file is the module
# "report", so the directory goes on the path and its module is imported by name.
_report_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "report")
if _report_dir not in sys.path:
    sys.path.insert(0, _report_dir)
import plot as P  # noqa: E402

BASELINE = "stock@native"
# Known variants in column order, with their labels. Unknown variants are
# appended in the order they first appear, labelled by their key.
VARIANT_LABELS = {
    "stock@native": "Boost.Asio 1.81 (epoll)",
    "ours@native": "asio_directsockets (poll)",
    "ours@wasm-chromium": "asio_directsockets wasm, Chromium Direct Sockets",
    "ours@wasm-node": "asio_directsockets wasm, Node Direct Sockets",
    "js-direct-sockets@chromium": "raw JS Direct Sockets, Chromium",
    "emscripten-websockify@chromium": "Emscripten SOCKFS + websockify, Chromium",
}
# Whether a bigger value is better (ratio > 1 = ours ahead) or a smaller one.
HIGHER_IS_BETTER = {"throughput": True, "rate": True, "written": True}
METRIC_LABELS = {
    "throughput": "MiB/s", "rate": "ops/s", "p50": "p50 µs", "p99": "p99 µs",
    "cpu_per_op": "CPU µs/op (client+server)", "cpu_client_per_op": "client CPU µs/op",
    "cpu_server_per_op": "server CPU µs/op", "lost": "lost datagrams",
    "client_bytes_per_conn": "client bytes/conn", "server_bytes_per_conn": "server bytes/conn",
    "writer_peak_rss": "writer peak RSS KiB", "writer_rss_growth": "writer RSS growth, 2nd half, KiB",
    "reader_rss_growth": "reader RSS growth KiB", "written": "MiB written",
    "wasm_heap_bytes_per_conn": "wasm heap bytes/conn", "js_heap_bytes_per_conn": "JS heap bytes/conn",
    "renderer_bytes_per_conn": "renderer RSS bytes/conn",
    "network_service_bytes_per_conn": "network service RSS bytes/conn",
    "writer_peak_heap": "writer peak heap KiB (wasm + bridge)",
    "writer_bridge_bytes": "bridge holds at the end, KiB",
}


def size_label(n):
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KiB"
    return f"{n} B"


def fmt(v):
    if v is None:
        return "–"
    a = abs(v)
    if a >= 10000:
        return f"{v:,.0f}".replace(",", " ")
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def load_jsonl(files):
    """(measurement rows, error rows, meta rows) of the given .jsonl files, each row tagged with
    the name of its file in "_file" (the runners' output; the three report parts read it)."""
    rows, errors, meta = [], [], []
    for path in files:
        for line in open(path):
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            r["_file"] = os.path.basename(path)
            if r.get("kind", "measurement").startswith("meta"):
                meta.append(r)
            else:
                (errors if "error" in r else rows).append(r)
    return rows, errors, meta


def variant_of(row):
    return row.get("variant") or f"{row['impl']}@{row['platform']}"


class Data:
    def __init__(self, files):
        self.files = files
        self.rows, self.errors, self.meta = load_jsonl(files)
        self.raw = self.rows
        order = [v for v in VARIANT_LABELS]
        seen = []
        for r in self.rows:
            v = variant_of(r)
            if v not in seen:
                seen.append(v)
        self.variants = [v for v in order if v in seen] + [v for v in seen if v not in order]
        # (scenario, msg, conns, variant, metric) -> [(round, file, value)]
        self.values = defaultdict(list)
        for r in self.rows:
            key = (r["scenario"], r.get("msg", 0), r.get("conns", 1))
            for m, v in r.get("values", {}).items():
                if v is not None:
                    self.values[key + (variant_of(r), m)].append((r.get("round"), r["_file"], v))

    def configs(self, scenario):
        return sorted({k[:3] for k in self.values if k[0] == scenario},
                      key=lambda k: (k[1], k[2]))

    def series(self, cfg, variant, metric):
        return [v for _, _, v in self.values.get(cfg + (variant, metric), [])]

    def median(self, cfg, variant, metric):
        s = self.series(cfg, variant, metric)
        return statistics.median(s) if s else None

    def ratio(self, cfg, variant, metric, base=BASELINE):
        a, b = self.median(cfg, variant, metric), self.median(cfg, base, metric)
        return a / b if a is not None and b else None

    def paired(self, cfg, variant, metric, base=BASELINE):
        """Per-round ratios variant/base (same file, same round: measured
        next to each other), for the spread of the ratio itself."""
        base_values = {(r, f): v for r, f, v in self.values.get(cfg + (base, metric), [])}
        out = [v / base_values[(r, f)] for r, f, v in self.values.get(cfg + (variant, metric), [])
               if (r, f) in base_values and base_values[(r, f)]]
        return out


def cell(d, cfg, variant, metric, base=BASELINE):
    s = d.series(cfg, variant, metric)
    if not s:
        return "–"
    text = f"{fmt(statistics.median(s))} [{fmt(min(s))}–{fmt(max(s))}]"
    if variant != base:
        r = d.ratio(cfg, variant, metric, base)
        if r is not None:
            text += f" **{r:.2f}×**"
    return text


def config_label(cfg):
    scenario, msg, conns = cfg
    parts = []
    if msg:
        parts.append(size_label(msg))
    parts.append(f"{conns} conn" + ("s" if conns != 1 else ""))
    return " × ".join(parts)


def table(d, scenario, metrics, cfg_filter=lambda cfg: True, base=BASELINE, labels=None):
    labels = labels or VARIANT_LABELS
    cfgs = [c for c in d.configs(scenario) if cfg_filter(c)]
    variants = [v for v in d.variants
                if any(d.series(c, v, m) for c in cfgs for m in metrics)]
    if not cfgs or not variants:
        return "_no rows_\n"
    head = "| config | " + ("metric | " if len(metrics) > 1 else "") + \
           " | ".join(labels.get(v, v) for v in variants) + " |"
    lines = [head, "|" + "---|" * (len(variants) + 1 + (len(metrics) > 1))]
    for c in cfgs:
        for m in metrics:
            if not any(d.series(c, v, m) for v in variants):
                continue
            first = f"| {config_label(c)} | " + (f"{METRIC_LABELS.get(m, m)} | " if len(metrics) > 1 else "")
            lines.append(first + " | ".join(cell(d, c, v, m, base) for v in variants) + " |")
    return "\n".join(lines) + "\n"


# The headline: one primary rate metric per scenario.
HEADLINE = [("tcp_echo", "throughput"), ("udp_rr", "rate"), ("udp_flood", "rate"),
            ("tcp_connect", "rate")]
TARGET = 0.95


def headline(d):
    others = [v for v in d.variants if v != BASELINE]
    if not others:
        return "_no rows_\n"
    lines = ["| scenario | config | " + " | ".join(
        f"{VARIANT_LABELS.get(v, v)} ÷ baseline | per round: median [min–max] | CPU/op ÷ baseline"
        for v in others)
        + " | target ≥ 0.95× (1–100 conns) |",
        "|---|---|" + "---|---|---|" * len(others) + "---|"]
    for scenario, metric in HEADLINE:
        for c in d.configs(scenario):
            if not d.series(c, BASELINE, metric):
                continue
            cells, verdict = [], "–"
            for v in others:
                r, p = d.ratio(c, v, metric), d.paired(c, v, metric)
                cr = d.ratio(c, v, "cpu_per_op")
                cells.append(f"**{r:.2f}×**" if r else "–")
                cells.append(f"{statistics.median(p):.2f} [{min(p):.2f}–{max(p):.2f}]" if p else "–")
                cells.append(f"{cr:.2f}×" if cr else "–")
                if v == "ours@native" and r is not None and c[2] <= 100:
                    # Met only if the ratio of the medians and the median of
                    # the back-to-back per-round ratios both reach it.
                    both = min(r, statistics.median(p)) if p else r
                    verdict = "met" if round(both, 2) >= TARGET else "**missed**"
            lines.append(f"| {scenario} | {config_label(c)} | " + " | ".join(cells) + f" | {verdict} |")
    return "\n".join(lines) + "\n"


def target_summary(d):
    """One sentence: where ours@native met the target in this run."""
    v = "ours@native"
    met, missed = [], []
    for scenario, metric in HEADLINE:
        for c in d.configs(scenario):
            if c[2] > 100 or not d.series(c, BASELINE, metric) or not d.series(c, v, metric):
                continue
            r, p = d.ratio(c, v, metric), d.paired(c, v, metric)
            both = min(r, statistics.median(p)) if p else r
            name = f"{scenario} {config_label(c)}"
            if round(both, 2) >= TARGET:
                met.append(name)
            else:
                cpu = d.ratio(c, v, "cpu_per_op")
                missed.append(f"{name} ({both:.2f}×" + (f", CPU/op {cpu:.2f}×" if cpu else "") + ")")
    if not met and not missed:
        return "_no native rows_"
    text = f"In this run the target is met in {len(met)} of {len(met) + len(missed)} configurations"
    return text + (f"; missed in {', '.join(missed)}." if missed else ".")


def meta_block(d):
    out = []
    for m in d.meta:
        if m.get("kind") == "meta":
            h = m.get("host", {})
            out.append(f"* `{m['_file']}`: {m.get('date')}, **{m.get('mode')}** mode, {m.get('rounds')} rounds "
                       f"of {m.get('timing', {}).get('secs')} s per measurement after "
                       f"{m.get('timing', {}).get('warm')} s warm-up; {h.get('cpus')} CPUs "
                       f"({h.get('cpu_model', '').strip()}), kernel {h.get('kernel')}, "
                       f"{h.get('compiler')}, Boost {h.get('boost', '').split()[-1].strip(chr(34)) if h.get('boost') else '?'}, "
                       f"commit {h.get('commit')}; load average at start {h.get('loadavg_start', 0):.1f}.")
        elif m.get("kind") == "meta_end":
            out.append(f"  Took {m.get('seconds')} s; {m.get('errors')} failed measurements; "
                       f"load average at end {m.get('loadavg_end', 0):.1f}.")
    if d.errors:
        out.append("")
        out.append("Failed measurements (not in the tables):")
        for e in d.errors[:20]:
            out.append(f"* {variant_of(e)} {e.get('scenario')} msg={e.get('msg')} conns={e.get('conns')} "
                       f"round {e.get('round')}: `{e.get('error')}`")
    return "\n".join(out) + "\n"


# --- plots --------------------------------------------------------------------

def plot_link(name, made, rel_img):
    """The Markdown image for a plot drawn now, None otherwise."""
    if name in made:
        return f"![{name}]({rel_img}/{name})\n"
    return None


def plots(d, img_dir):
    os.makedirs(img_dir, exist_ok=True)
    made = {}
    styles = ["o-", "s-", "^-", "D-", "v-", "x-"]

    def by_conns(msg, v, metric, scenario="tcp_echo"):
        xs, ys, lo, hi = [], [], [], []
        for c in d.configs(scenario):
            if c[1] != msg:
                continue
            s = d.series(c, v, metric)
            if s:
                xs.append(c[2]); ys.append(statistics.median(s)); lo.append(min(s)); hi.append(max(s))
        return xs, ys, lo, hi

    sizes = sorted({c[1] for c in d.configs("tcp_echo")})
    if sizes:
        for metric, name, ylabel, logy in [("throughput", "bench-tcp-throughput.png", "MiB/s (median, min–max)", False),
                                           ("cpu_per_op", "bench-tcp-cpu.png", "CPU µs per round trip, client+server", False)]:
            fig = P.Figure(4.2 * len(sizes), 3.6, panels=len(sizes))
            for ax, msg in zip(fig.panels, sizes):
                for i, v in enumerate(d.variants):
                    xs, ys, lo, hi = by_conns(msg, v, metric)
                    if xs:
                        ax.errorbar(xs, ys, lo, hi, styles[i % len(styles)], label=VARIANT_LABELS.get(v, v))
                ax.logx = True
                ax.logy = logy
                ax.title = f"TCP echo, {size_label(msg)} messages"
                ax.xlabel = "connections"
                ax.ylim = (None if logy else 0, None)
            fig.panels[0].ylabel = ylabel
            fig.panels[0].legend = "best"
            fig.save(os.path.join(img_dir, name))
            made[name] = True

        if 64 in sizes:
            fig = P.Figure(6, 4)
            ax = fig.panels[0]
            for i, v in enumerate(d.variants):
                for metric, ls in (("p50", "-"), ("p99", "--")):
                    xs, ys, lo, hi = by_conns(64, v, metric)
                    if xs:
                        ax.errorbar(xs, ys, lo, hi, styles[i % len(styles)][0] + ls,
                                    label=f"{VARIANT_LABELS.get(v, v)} {metric}")
            ax.logx = ax.logy = True
            ax.xlabel, ax.ylabel = "connections", "round-trip time, µs"
            ax.title = "TCP echo latency, 64 B messages"
            ax.minor_grid = True
            ax.legend, ax.legend_font = "best", 7
            fig.save(os.path.join(img_dir, "bench-tcp-latency.png"))
            made["bench-tcp-latency.png"] = True

    others = [v for v in d.variants if v != BASELINE]
    labels, data = [], defaultdict(list)
    for scenario, metric in HEADLINE:
        for c in d.configs(scenario):
            if not d.series(c, BASELINE, metric):
                continue
            labels.append(f"{scenario} {config_label(c)}")
            for v in others:
                p = sorted(d.paired(c, v, metric))
                q = (p[len(p) // 4], p[(3 * len(p)) // 4]) if p else (None, None)
                data[v].append((d.ratio(c, v, metric), q, d.ratio(c, v, "cpu_per_op"),
                                statistics.median(p) if p else None))
    if labels and others:
        fig = P.Figure(7, 0.3 * len(labels) * len(others) + 2.2)
        ax = fig.panels[0]
        h = 0.7 / len(others)
        for i, v in enumerate(others):
            color = f"C{i + 1}"
            bands, rates, per_round, cpus = [], [], [], []
            for j, (r, (lo, hi), cpu, pm) in enumerate(data[v]):
                y = j + i * h
                if r:
                    if lo is not None:
                        bands.append((lo, y, hi, y))
                    rates.append((r, y))
                    if pm is not None:
                        per_round.append((pm, y))
                if cpu:
                    cpus.append((1 / cpu, y))
            ax.segments(bands, color, width=2.5, alpha=0.4)
            ax.points(rates, "o", color, label=f"{VARIANT_LABELS.get(v, v)}: rate, ratio of medians")
            ax.points(per_round, "d", color, label="… median of the per-round ratios")
            ax.points(cpus, "x", "k",
                      label="… baseline CPU/op ÷ its CPU/op" if i == 0 else None)
        ax.yticks = [(j + (len(others) - 1) * h / 2, label) for j, label in enumerate(labels)]
        ax.ytick_font = 8
        ax.ylim = (len(labels) - 1 + (len(others) - 1) * h + 0.5, -0.5)  # reversed: first row on top
        ax.logx = True
        ax.xlim = (0.5, 2.0)
        ax.xticks = [(0.5, "0.5"), (0.75, "0.75"), (1.0, "1"), (1.25, "1.25"), (1.5, "1.5"), (2.0, "2")]
        ax.vline(1.0, "k", width=0.8)
        ax.vline(TARGET, "r", width=0.8, dash="--", label=f"target {TARGET}×")
        ax.xlabel = (f"ratio to {VARIANT_LABELS[BASELINE]}, > 1 = faster\n"
                     "band: middle half of the per-round rate ratios")
        ax.legend, ax.legend_font, ax.legend_cols = "below", 7, 2
        ax.grid = "x"
        fig.save(os.path.join(img_dir, "bench-ratios.png"))
        made["bench-ratios.png"] = True
    return made


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", default=os.path.join(here, "results"))
    ap.add_argument("--template", default=os.path.join(here, "report", "benchmarks.md.in"))
    ap.add_argument("--out", default=os.path.join(root, "docs", "benchmarks.md"))
    ap.add_argument("--img-dir", default=os.path.join(root, "docs", "img", "benchmarks"))
    a = ap.parse_args()

    files = sorted(glob.glob(os.path.join(a.results, "*.jsonl")))
    if not files:
        sys.exit(f"no *.jsonl in {a.results}")
    # The native half (stock vs ours, native.jsonl) and the browser half (browser*.jsonl, with
    # its own stock@native client measured in the same run) are reported each from its own files.
    # The HTTP server benchmark (http*.jsonl, bench/http_runner.py) and the thread-pool benchmark
    # (threads*.jsonl, bench/threads_runner.py) and the TLS benchmark (tls*.jsonl,
    # bench/tls_runner.py) have sections of their own.
    browser_files = [f for f in files if os.path.basename(f).startswith("browser")]
    http_files = [f for f in files if os.path.basename(f).startswith("http")]
    threads_files = [f for f in files if os.path.basename(f).startswith("threads")]
    tls_files = [f for f in files if os.path.basename(f).startswith("tls")]
    d = Data([f for f in files if f not in browser_files + http_files + threads_files + tls_files]
             or files)
    made = plots(d, a.img_dir)
    rel_img = os.path.relpath(a.img_dir, os.path.dirname(os.path.abspath(a.out)))

    def plot(name):
        return plot_link(name, made, rel_img) or "_plot not generated (no data)_\n"

    small = lambda c: c[2] <= 100
    blocks = {
        "META": meta_block(d),
        "HEADLINE": headline(d),
        "TARGET_SUMMARY": target_summary(d),
        "TCP_THROUGHPUT": table(d, "tcp_echo", ["throughput"]),
        "TCP_LATENCY": table(d, "tcp_echo", ["p50", "p99"], lambda c: c[1] == 64),
        "TCP_CPU": table(d, "tcp_echo", ["cpu_per_op"]),
        "UDP_RR": table(d, "udp_rr", ["rate", "p50", "p99", "cpu_per_op", "lost"]),
        "UDP_FLOOD": table(d, "udp_flood", ["rate", "cpu_per_op", "lost"]),
        "CONNECT": table(d, "tcp_connect", ["rate", "p50", "p99", "cpu_per_op"]),
        "MEM_IDLE": table(d, "mem_idle", ["client_bytes_per_conn", "server_bytes_per_conn"]),
        "MEM_SLOW": table(d, "mem_slow_reader", ["writer_peak_rss", "writer_rss_growth",
                                                  "reader_rss_growth", "written"]),
        "PLOT_THROUGHPUT": plot("bench-tcp-throughput.png"),
        "PLOT_LATENCY": plot("bench-tcp-latency.png"),
        "PLOT_CPU": plot("bench-tcp-cpu.png"),
        "PLOT_RATIOS": plot("bench-ratios.png"),
        "FILES": ", ".join(f"`bench/results/{os.path.basename(f)}`" for f in files),
    }
    import report_browser
    blocks.update(report_browser.blocks(Data(browser_files) if browser_files else None, a.img_dir,
                                        rel_img))
    import report_http
    blocks.update(report_http.blocks(http_files))
    import report_threads
    blocks.update(report_threads.blocks(threads_files))
    import report_tls
    blocks.update(report_tls.blocks(tls_files))
    blocks["META"] = meta_block(Data(files))
    del small
    text = open(a.template).read()
    missing = set(re.findall(r"\{\{([A-Z_]+)\}\}", text)) - set(blocks)
    if missing:
        sys.exit(f"template names unknown blocks: {sorted(missing)}")
    text = re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: blocks[m.group(1)].rstrip("\n"), text)
    with open(a.out, "w") as f:
        f.write(text)
    print(f"wrote {a.out} and {len(made)} plots in {a.img_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
