"""The browser half of docs/benchmarks.md (bench/results/browser*.jsonl, written by
browser_runner.py): tables, the targets, plots. report.py calls blocks(); every ratio here is
taken within the browser run, where all clients talked to the same native server."""
import glob
import os
import statistics
from collections import defaultdict

import report as R
import plot as P  # bench/report/plot.py (report put bench/report/ on the path)

WASM = "ours@wasm-chromium"
WASM_WORKER = "ours@wasm-chromium-worker"
# The -pthread build (-DASIO_DS_THREADS=ON, -sPROXY_TO_PTHREAD: main() on a pthread's Worker) in
# the page, measured beside the others by browser_runner.py --wasm-extra threads=….
THREADS = "threads@wasm-chromium"
# The same -pthread build relinked with a fixed memory (-sALLOW_MEMORY_GROWTH=0), for the study.
THREADS_NOGROW = "threads-nogrow@wasm-chromium"
JS = "js-direct-sockets@chromium"
JS_WORKER = "js-direct-sockets@chromium-worker"
SOCKFS = "emscripten-websockify@chromium"
NATIVE = "stock@native"
ORDER = [WASM, WASM_WORKER, THREADS, THREADS_NOGROW, JS, JS_WORKER, SOCKFS, NATIVE]
LABELS = {
    WASM: "asio_directsockets wasm, page",
    WASM_WORKER: "asio_directsockets wasm, Worker",
    THREADS: "asio_directsockets wasm -pthread, main() on a pthread",
    THREADS_NOGROW: "the same, memory not growable",
    JS: "raw JS Direct Sockets, page",
    JS_WORKER: "raw JS Direct Sockets, Worker",
    SOCKFS: "Emscripten SOCKFS + websockify",
    NATIVE: "native Boost.Asio (same run)",
}
SHORT = {WASM: "wasm", WASM_WORKER: "wasm (Worker)", THREADS: "wasm -pthread",
         THREADS_NOGROW: "wasm -pthread, fixed memory", JS: "raw JS",
         JS_WORKER: "raw JS (Worker)", SOCKFS: "SOCKFS", NATIVE: "native"}

# The targets (reported, never asserted): (what, scenario, cfg filter, metric, variant, base, ratio)
TARGET_JS = 1.0
TARGET_SOCKFS = {65536: 2.7, 64: 1.9}
TARGET_UPLOAD = 380.0


def ordered(d):
    d.variants = [v for v in ORDER if v in d.variants] + [v for v in d.variants if v not in ORDER]
    return d


def verdict_ratio(d, cfg, variant, base, metric, target):
    """(ratio of medians, per-round ratios, verdict): met only when both the ratio of the medians
    and the median per-round ratio reach the target (as in the native headline)."""
    r, p = d.ratio(cfg, variant, metric, base), d.paired(cfg, variant, metric, base)
    if r is None:
        return None, p, "–"
    both = min(r, statistics.median(p)) if p else r
    return r, p, ("met" if round(both, 2) >= target else "**missed**")


def spread(p):
    return f"{statistics.median(p):.2f} [{min(p):.2f}–{max(p):.2f}]" if p else "–"


def primary(scenario):
    return "throughput" if scenario in ("tcp_echo", "tcp_upload", "tcp_download") else "rate"


def targets(d):
    lines = ["| target | scenario | config | asio_directsockets wasm | compared with | ratio of medians "
             "| per round: median [min–max] | verdict |", "|---|---|---|---|---|---|---|---|"]
    met, missed = [], []

    def add(name, scenario, cfg, variant, base, target):
        m = primary(scenario)
        if not d.series(cfg, variant, m) or not d.series(cfg, base, m):
            return
        r, p, v = verdict_ratio(d, cfg, variant, base, m, target)
        lines.append(f"| {name} | {scenario} | {R.config_label(cfg)} | {R.cell(d, cfg, variant, m, variant)} "
                     f"| {SHORT[base]}: {R.fmt(d.median(cfg, base, m))} | **{r:.2f}×** | {spread(p)} | {v} |")
        (met if v == "met" else missed).append(f"{scenario} {R.config_label(cfg)} vs {SHORT[base]} ({r:.2f}×)")

    for scenario in ("tcp_echo", "udp_rr", "udp_flood", "tcp_connect", "tcp_download", "tcp_upload"):
        for cfg in d.configs(scenario):
            add(f"≥ {TARGET_JS:.1f}× raw JS", scenario, cfg, WASM, JS, TARGET_JS)
            if scenario == "tcp_echo" and cfg[2] == 1:
                add(f"≥ {TARGET_JS:.1f}× raw JS (Worker)", scenario, cfg, WASM_WORKER, JS_WORKER, TARGET_JS)
    for msg, t in sorted(TARGET_SOCKFS.items(), reverse=True):
        cfg = ("tcp_echo", msg, 1)
        add(f"≥ {t}× SOCKFS", "tcp_echo", cfg, WASM, SOCKFS, t)
    for cfg in d.configs("tcp_upload"):
        for variant in (WASM, WASM_WORKER):
            s = d.series(cfg, variant, "throughput")
            if not s:
                continue
            med = statistics.median(s)
            v = "met" if med >= TARGET_UPLOAD else "**missed**"
            lines.append(f"| ≥ {TARGET_UPLOAD:.0f} MiB/s byte-exact | tcp_upload ({SHORT[variant]}) | "
                         f"{R.size_label(cfg[1])} writes | {R.cell(d, cfg, variant, 'throughput', variant)} MiB/s "
                         f"| – | – | – | {v} |")
            (met if v == "met" else missed).append(
                f"upload in {R.size_label(cfg[1])} writes ({SHORT[variant]}, {med:.0f} MiB/s)")
    summary = (f"Targets met in this run: {len(met)} of {len(met) + len(missed)}"
               + (f"; missed: {'; '.join(missed)}." if missed else "."))
    return "\n".join(lines) + "\n", summary


def cpu_threads(d):
    """Where the client side's CPU goes per round trip (µs), by process kind and thread, for
    the one-connection echo configurations: medians over the rounds."""
    acc = defaultdict(list)
    for r in d.raw:
        if r.get("scenario") != "tcp_echo" or r.get("conns") != 1 or "cpu_threads" not in r:
            continue
        v = R.variant_of(r)
        groups = defaultdict(float)
        for k, us in r["cpu_threads"].items():
            kind, thread = k.split("/", 1)
            if kind == "renderer":
                # (thread names as /proc has them: 15 characters)
                name = "renderer main thread" if thread == "chromium-shell" else (
                    "renderer IO thread" if thread.startswith("Chrome_ChildIO") else (
                        "renderer Worker" if thread.startswith("DedicatedWorker") else (
                            "renderer thread pool" if thread.startswith("ThreadPool") else
                            "renderer other")))
            elif kind == "network":
                name = "network service"
            elif kind == "other":
                name = "websockify"
            else:
                name = "browser, GPU, other"
            groups[name] += us
        for name, us in groups.items():
            acc[(r["msg"], v, name)].append(us)
    if not acc:
        return "_no rows_\n"
    # The program's Worker (a dedicated Worker, or the pthread that runs main()) and the
    # renderer's thread pool (V8's compilers and GC helpers) get columns when they have CPU.
    names = [n for n in ["renderer main thread", "renderer Worker", "renderer IO thread",
                         "renderer thread pool", "renderer other", "network service",
                         "browser, GPU, other", "websockify"]
             if n not in ("renderer Worker", "renderer thread pool") or any(k[2] == n for k in acc)]
    msgs = sorted({k[0] for k in acc})
    variants = [v for v in ORDER if any(k[1] == v for k in acc)]
    lines = ["| config | client | " + " | ".join(names) + " |", "|" + "---|" * (len(names) + 2)]
    for msg in msgs:
        for v in variants:
            if not any((msg, v, n) in acc for n in names):
                continue
            cells = [R.fmt(statistics.median(acc[(msg, v, n)])) if (msg, v, n) in acc else "–" for n in names]
            lines.append(f"| {R.size_label(msg)} × 1 conn | {SHORT[v]} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def bridge(d):
    """The JS bridge's write-discipline counters for the wasm uploads (medians per run)."""
    acc = defaultdict(list)
    for r in d.raw:
        if r.get("scenario") != "tcp_upload" or "bridge" not in r or "error" in r:
            continue
        for k in ("checkedWrites", "probeWrites", "smallWrites", "drops", "undecided", "guardWaits",
                  "replyResets"):
            if k in r["bridge"]:
                acc[(r["msg"], R.variant_of(r), k)].append(r["bridge"][k])
    if not acc:
        return "_no rows_\n"
    keys = ["checkedWrites", "drops", "probeWrites", "smallWrites", "undecided", "guardWaits"]
    lines = ["| upload | client | " + " | ".join(keys) + " |", "|" + "---|" * (len(keys) + 2)]
    for msg, v in sorted({(k[0], k[1]) for k in acc}):
        cells = [f"{statistics.median(acc[(msg, v, k)]):.0f} [{min(acc[(msg, v, k)]):.0f}–"
                 f"{max(acc[(msg, v, k)]):.0f}]" if (msg, v, k) in acc else "–" for k in keys]
        lines.append(f"| 64 MiB in {R.size_label(msg)} writes | {SHORT.get(v, v)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


# --- threads in the browser build (a study: bench/results/studies/threads_browser_*.jsonl) ------

THREADS_STUDY = "threads_browser_*.jsonl"


def threads_study(files):
    """The -pthread build against the single-threaded one, raw JS and native: one file per run of
    browser_runner.py --wasm-extra threads=…; rates are medians of the runs' medians, ratios the
    median of the per-run ratios of medians, with each run's ratio."""
    if not files:
        return {"B_THREADS_WASM": "_no rows (bench/results/studies/" + THREADS_STUDY + ")_\n",
                "B_THREADS_WASM_CPU": "_no rows_\n", "B_THREADS_WASM_RUNS": "_no runs_"}
    runs = [R.Data([f]) for f in files]
    allruns = R.Data(files)
    cols = [v for v in (WASM, WASM_WORKER, THREADS, THREADS_NOGROW, JS, NATIVE) if v in allruns.variants]
    ratios = [(THREADS, WASM, "-pthread ÷ single"), (THREADS, WASM_WORKER, "-pthread ÷ single in a Worker"),
              (THREADS_NOGROW, WASM, "fixed memory ÷ single"), (THREADS, JS, "-pthread ÷ raw JS"),
              (WASM, JS, "single ÷ raw JS")]
    ratios = [x for x in ratios if x[0] in cols and x[1] in cols]
    head = ("| scenario | config | " + " | ".join(SHORT[v] + (" (page)" if v in (WASM, JS) else "")
                                                  for v in cols)
            + " | " + " | ".join(f"{name}: median (per run)" for _, _, name in ratios) + " |")
    lines = [head, "|---|---|" + "---|" * (len(cols) + len(ratios))]
    for scenario in ("tcp_echo", "udp_rr", "udp_flood"):
        for cfg in allruns.configs(scenario):
            if not allruns.series(cfg, THREADS, "rate"):
                continue
            cells = []
            for v in cols:
                per_run = [d.median(cfg, v, "rate") for d in runs]
                per_run = [x for x in per_run if x is not None]
                cells.append(f"{R.fmt(statistics.median(per_run))}/s" if per_run else "–")
            for a, b, _ in ratios:
                per_run = [d.ratio(cfg, a, "rate", b) for d in runs]
                per_run = [x for x in per_run if x is not None]
                cells.append(f"**{statistics.median(per_run):.2f}×** ({' · '.join(f'{x:.2f}' for x in per_run)})"
                             if per_run else "–")
            lines.append(f"| {scenario} | {R.config_label(cfg)} | " + " | ".join(cells) + " |")
    meta = [m for d in runs for m in d.meta if m.get("kind") == "meta"]
    desc = "; ".join(f"`{m['_file']}` {m.get('date', '?')[:16].replace('T', ' ')}, {m.get('rounds')} rounds, "
                     f"load {m.get('host', {}).get('loadavg_start', 0):.1f}" for m in meta)
    return {"B_THREADS_WASM": "\n".join(lines) + "\n", "B_THREADS_WASM_CPU": cpu_threads(allruns),
            "B_THREADS_WASM_RUNS": desc or "_no meta rows_"}


# --- plots --------------------------------------------------------------------------------------

def plots(d, img_dir):
    os.makedirs(img_dir, exist_ok=True)
    made = {}
    styles = {WASM: ("C0", "o-"), WASM_WORKER: ("C0", "o:"), THREADS: ("C4", "v-"), JS: ("C1", "s-"),
              JS_WORKER: ("C1", "s:"), SOCKFS: ("C2", "^-"), NATIVE: ("C3", "D-")}

    def by_conns(msg, v, metric):
        xs, ys, lo, hi = [], [], [], []
        for c in d.configs("tcp_echo"):
            if c[1] != msg:
                continue
            s = d.series(c, v, metric)
            if s:
                xs.append(c[2]); ys.append(statistics.median(s)); lo.append(min(s)); hi.append(max(s))
        return xs, ys, lo, hi

    sizes = sorted({c[1] for c in d.configs("tcp_echo")})
    for metric, name, ylabel in [("throughput", "bench-browser-throughput.png", "MiB/s (median, min–max)"),
                                 ("p50", "bench-browser-latency.png", "round-trip time p50, µs"),
                                 ("cpu_per_op", "bench-browser-cpu.png",
                                  "CPU µs per round trip\n(browser or client + server)")]:
        if not sizes:
            break
        fig = P.Figure(4.3 * len(sizes), 3.8, panels=len(sizes))
        for ax, msg in zip(fig.panels, sizes):
            for v in (WASM, THREADS, JS, SOCKFS, NATIVE):
                xs, ys, lo, hi = by_conns(msg, v, metric)
                if xs:
                    color, fmt_ = styles[v]
                    ax.errorbar(xs, ys, lo, hi, fmt_, color=color, label=SHORT[v])
            ax.logx = ax.logy = True
            ax.xticks = [(1, "1"), (10, "10"), (100, "100")]
            ax.title = f"TCP echo, {R.size_label(msg)} messages"
            ax.xlabel = "connections"
            ax.minor_grid = True
        fig.panels[0].ylabel = ylabel
        fig.panels[0].legend = "best"
        fig.save(os.path.join(img_dir, name))
        made[name] = True

    # The targets as ratios: wasm ÷ raw JS per configuration, wasm ÷ SOCKFS, with their spread.
    rows = []
    for scenario in ("tcp_echo", "udp_rr", "udp_flood", "tcp_connect", "tcp_download", "tcp_upload"):
        for cfg in d.configs(scenario):
            m = primary(scenario)
            for variant, base, target in ((WASM, JS, TARGET_JS), (WASM_WORKER, JS_WORKER, TARGET_JS),
                                          (WASM, SOCKFS, TARGET_SOCKFS.get(cfg[1]) if scenario == "tcp_echo"
                                           and cfg[2] == 1 else None)):
                if target is None or not d.series(cfg, variant, m) or not d.series(cfg, base, m):
                    continue
                p = sorted(d.paired(cfg, variant, m, base))
                rows.append((f"{scenario} {R.config_label(cfg)}: {SHORT[variant]} ÷ {SHORT[base]}",
                             d.ratio(cfg, variant, m, base), p, target))
    if rows:
        fig = P.Figure(7.5, 0.32 * len(rows) + 1.6)
        ax = fig.panels[0]
        ax.segments([(p[0], j, p[-1], j) for j, (_, _, p, _) in enumerate(rows) if p], "C0", width=1, alpha=0.5)
        ax.segments([(p[len(p) // 4], j, p[(3 * len(p)) // 4], j) for j, (_, _, p, _) in enumerate(rows) if p],
                    "C0", width=3, alpha=0.5)
        ax.points([(r, j) for j, (_, r, _, _) in enumerate(rows) if r], "o", "C0", label="ratio of medians")
        # matplotlib's "|" marker: a short upright line per row
        ax.segments([(t, j - 0.3, t, j + 0.3) for j, (_, _, _, t) in enumerate(rows)], "r", width=2,
                    label="target")
        ax.yticks = [(j, row[0]) for j, row in enumerate(rows)]
        ax.ytick_font = 7
        ax.ylim = (len(rows) - 0.5, -0.5)  # reversed: first row on top
        ax.logx = True
        ticks = [0.1, 0.25, 0.5, 1, 2, 4, 8]
        lo = min([r[1] for r in rows if r[1]] + [x for r in rows for x in r[2]] + [0.5])
        hi = max([r[1] for r in rows if r[1]] + [x for r in rows for x in r[2]] + [r[3] for r in rows])
        ax.xlim = (lo / 1.3, hi * 1.3)
        ax.xticks = [(t, f"{t:g}") for t in ticks if lo / 1.3 <= t <= hi * 1.3]
        ax.vline(1.0, "k", width=0.8)
        ax.xlabel = ("ratio, > 1: asio_directsockets faster\n"
                     "thin bar: all per-round ratios; thick bar: their middle half")
        ax.legend, ax.legend_font = "lower right", 7
        ax.grid = "x"
        ax.minor_grid = True
        fig.save(os.path.join(img_dir, "bench-browser-ratios.png"))
        made["bench-browser-ratios.png"] = True
    return made


def blocks(d, img_dir, rel_img):
    names = ["B_TARGETS", "B_TARGET_SUMMARY", "B_TCP_THROUGHPUT", "B_TCP_LATENCY", "B_TCP_CPU",
             "B_CPU_THREADS", "B_UDP_RR", "B_UDP_FLOOD", "B_CONNECT", "B_BULK", "B_BRIDGE", "B_MEM_IDLE",
             "B_MEM_SLOW", "B_PLOT_THROUGHPUT", "B_PLOT_LATENCY", "B_PLOT_CPU", "B_PLOT_RATIOS"]
    study = threads_study(sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                       "results", "studies", THREADS_STUDY))))
    if d is None or not d.rows:
        return dict({n: "_no browser results (run `bench/run.sh --browser`)_\n" for n in names}, **study)
    ordered(d)
    made = plots(d, img_dir)

    def plot(name):
        return R.plot_link(name, made, rel_img) or "_plot not generated_\n"

    def tab(scenario, metrics, cfg_filter=lambda c: True):
        return R.table(d, scenario, metrics, cfg_filter, base=JS, labels=LABELS)

    t, summary = targets(d)
    return {
        **study,
        "B_TARGETS": t,
        "B_TARGET_SUMMARY": summary,
        "B_TCP_THROUGHPUT": tab("tcp_echo", ["throughput"]),
        "B_TCP_LATENCY": tab("tcp_echo", ["p50", "p99"], lambda c: c[1] in (64, 65536)),
        "B_TCP_CPU": tab("tcp_echo", ["cpu_per_op", "cpu_client_per_op"]),
        "B_CPU_THREADS": cpu_threads(d),
        "B_UDP_RR": tab("udp_rr", ["rate", "p50", "p99", "cpu_per_op", "lost"]),
        "B_UDP_FLOOD": tab("udp_flood", ["rate", "cpu_per_op", "lost"]),
        "B_CONNECT": tab("tcp_connect", ["rate", "p50", "p99", "cpu_per_op"]),
        "B_BULK": R.table(d, "tcp_upload", ["throughput", "cpu_per_op"], base=JS, labels=LABELS) + "\n" +
                  R.table(d, "tcp_download", ["throughput", "cpu_per_op"], base=JS, labels=LABELS),
        "B_BRIDGE": bridge(d),
        "B_MEM_IDLE": tab("mem_idle", ["client_bytes_per_conn", "wasm_heap_bytes_per_conn",
                                       "js_heap_bytes_per_conn", "renderer_bytes_per_conn",
                                       "network_service_bytes_per_conn", "server_bytes_per_conn"]),
        "B_MEM_SLOW": R.table(d, "mem_slow_reader", ["writer_peak_heap", "writer_peak_rss",
                                                     "writer_rss_growth", "writer_bridge_bytes", "written"],
                              base=NATIVE, labels=LABELS),
        "B_PLOT_THROUGHPUT": plot("bench-browser-throughput.png"),
        "B_PLOT_LATENCY": plot("bench-browser-latency.png"),
        "B_PLOT_CPU": plot("bench-browser-cpu.png"),
        "B_PLOT_RATIOS": plot("bench-browser-ratios.png"),
    }
