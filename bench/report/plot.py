"""PNG plots for report.py and report_browser.py, drawn by gnuplot (Debian's gnuplot-nox, the
pngcairo terminal). Not matplotlib: on Debian 12 python3-matplotlib pulls libboost-dev 1.74 (via
python3-fonttools, python3-scipy and python3-pythran), which conflicts with libboost1.81-dev.

A Figure is one PNG of side-by-side Panels; a Panel takes series with matplotlib-like calls
(errorbar, points, segments, vline). save() writes each series to a data file and the whole to
one gnuplot script in a temporary directory, and runs gnuplot on it."""
import math
import os
import shutil
import subprocess
import sys
import tempfile

DPI = 110  # the figure sizes are in inches, as the matplotlib versions of the plots had them
# pngcairo sets text at about 96 per inch and lines and points at 72; scaled to DPI, matplotlib's
# sizes (10 pt text, 1.5 pt lines) carry over as they are.
TEXT_SCALE, LINE_SCALE = DPI / 96, DPI / 72
FONT = "DejaVu Sans"
# matplotlib's default colour cycle and the two single-letter colours the plots use, so that
# "C0" ... keep meaning what they meant there.
COLORS = {"C0": "#1f77b4", "C1": "#ff7f0e", "C2": "#2ca02c", "C3": "#d62728", "C4": "#9467bd",
          "C5": "#8c564b", "C6": "#e377c2", "C7": "#7f7f7f", "C8": "#bcbd22", "C9": "#17becf",
          "k": "#000000", "r": "#ff0000"}
# matplotlib marker -> pngcairo point type: filled circle, square, triangle up, diamond,
# triangle down; cross; hollow diamond.
POINTS = {"o": 7, "s": 5, "^": 9, "D": 13, "v": 11, "x": 2, "d": 12}
DASHES = {"-": 1, "--": 2, ":": 3}


def require():
    """Exits with what to install when gnuplot is missing (Figure.save calls it first)."""
    if shutil.which("gnuplot") is None:
        sys.exit("gnuplot not found: the benchmark plots are drawn with it. Install Debian's "
                 "gnuplot-nox (bench/run.sh does: apt-get install --no-install-recommends gnuplot-nox)")


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def rgb(color, alpha=1.0):
    """gnuplot's "#AARRGGBB", where AA is the transparency (00 = opaque)."""
    c = COLORS.get(color, color)
    return f'"#{round(255 * (1 - alpha)):02x}{c[1:]}"'


def parse_fmt(fmt):
    """matplotlib's "o-", "s:", "^--" -> (marker, dash)."""
    marker = fmt[0] if fmt[:1] in POINTS else None
    return marker, fmt[1 if marker else 0:] or None


class Panel:
    """One plot area. Ranges are (bottom/left, top/right), None for autoscaled with a 5 % margin;
    a reversed pair inverts the axis. Tics are [(value, label)] instead of gnuplot's own."""

    def __init__(self):
        self.title = self.xlabel = self.ylabel = ""
        self.logx = self.logy = False
        self.xlim = self.ylim = (None, None)
        self.xticks = self.yticks = None
        self.ytick_font = None
        self.grid = "xy"  # the axes with grid lines ("", "x", "y", "xy")
        self.minor_grid = False  # also at the minor tics of log axes (matplotlib's which="both")
        self.legend = None  # None, "best" (the emptiest corner), "lower right" ..., or "below"
        self.legend_font = 8
        self.legend_cols = 1
        self.series = []  # (kind, data rows, style dict)
        self.vlines = []
        self._cycle = 0

    def errorbar(self, xs, ys, ymin, ymax, fmt="o-", color=None, label=None):
        """Points with min-max error bars, joined by a line; without a colour the next of the
        cycle, as matplotlib does."""
        if color is None:
            color, self._cycle = f"C{self._cycle % 10}", self._cycle + 1
        marker, dash = parse_fmt(fmt)
        self.series.append(("errorbar", list(zip(xs, ys, ymin, ymax)),
                            dict(color=color, marker=marker, dash=dash, label=label)))

    def points(self, xys, marker, color, label=None, size=1.0):
        """Markers at the (x, y) pairs, no line."""
        self.series.append(("points", list(xys),
                            dict(color=color, marker=marker, size=size, label=label)))

    def segments(self, segs, color, width=1.0, alpha=1.0, label=None):
        """Straight lines (x1, y1, x2, y2), each on its own."""
        self.series.append(("segments", list(segs),
                            dict(color=color, width=width, alpha=alpha, label=label)))

    def vline(self, x, color="k", width=1.0, dash="-", label=None):
        self.vlines.append(dict(x=x, color=color, width=width, dash=dash, label=label))

    # --- drawing ---

    def _values(self, axis):
        out = []
        for kind, rows, _ in self.series:
            for row in rows:
                if kind == "segments":
                    out += [row[0], row[2]] if axis == "x" else [row[1], row[3]]
                elif axis == "x":
                    out.append(row[0])
                else:
                    out += row[1:]
        return [v for v in out if v is not None]

    def _range(self, axis):
        lo, hi = self.xlim if axis == "x" else self.ylim
        log = self.logx if axis == "x" else self.logy
        if lo is not None and hi is not None:
            return lo, hi
        vs = [v for v in self._values(axis) if v > 0 or not log] or [1.0]
        if log:
            a, b = math.log10(min(vs)), math.log10(max(vs))
        else:
            a, b = min(vs), max(vs)
        if a == b:
            a, b = a - (0.5 if log or a == 0 else abs(a) / 10), b + (0.5 if log or b == 0 else abs(b) / 10)
        if log:  # margins in log space, the range given back in data units
            lo_, hi_ = math.log10(lo) if lo is not None else None, math.log10(hi) if hi is not None else None
        else:
            lo_, hi_ = lo, hi
        a, b = (lo_ if lo_ is not None else a), (hi_ if hi_ is not None else b)
        pad = 0.05 * (b - a)
        a, b = (lo_ if lo_ is not None else a - pad), (hi_ if hi_ is not None else b + pad)
        return (10 ** a, 10 ** b) if log else (a, b)

    def _legend_pos(self, xr, yr, width_px, height_px):
        """matplotlib's loc="best" in short: the corner where a legend-sized box covers the
        fewest plotted points (and points along the lines between them)."""
        labels = [s[2]["label"] for s in self.series if s[2].get("label")] + \
                 [v["label"] for v in self.vlines if v["label"]]
        w = (max(map(len, labels), default=0) * 0.6 * self.legend_font + 40) / width_px
        h = (len(labels) * 1.5 * self.legend_font + 10) / height_px

        def norm(v, r, log):
            if log:
                return (math.log10(v) - math.log10(r[0])) / (math.log10(r[1]) - math.log10(r[0]))
            return (v - r[0]) / (r[1] - r[0])

        pts = []
        for kind, rows, _ in self.series:
            for x, y, *rest in rows if kind != "segments" else []:
                if (self.logx and x <= 0) or (self.logy and y <= 0):
                    continue
                pts.append((norm(x, xr, self.logx), norm(y, yr, self.logy)))
                for e in rest:
                    if e is not None and (e > 0 or not self.logy):
                        pts.append((pts[-1][0], norm(e, yr, self.logy)))
            if kind == "errorbar":
                line = [(norm(x, xr, self.logx), norm(y, yr, self.logy)) for x, y, *_ in rows
                        if (x > 0 or not self.logx) and (y > 0 or not self.logy)]
                for (x1, y1), (x2, y2) in zip(line, line[1:]):
                    pts += [(x1 + (x2 - x1) * t / 20, y1 + (y2 - y1) * t / 20) for t in range(1, 20)]
        corners = {"top right": (1 - w, 1 - h), "top left": (0, 1 - h), "bottom left": (0, 0),
                   "bottom right": (1 - w, 0)}
        return min(corners, key=lambda c: sum(corners[c][0] - 0.03 <= x <= corners[c][0] + w + 0.03 and
                                               corners[c][1] - 0.03 <= y <= corners[c][1] + h + 0.03
                                               for x, y in pts))

    def script(self, tmp, k, origin, size, width_px, height_px):
        """The gnuplot commands of this panel; its data files go to tmp."""
        out = ["reset", "set encoding utf8", f"set origin {origin}, 0", f"set size {size}, 1",
               "set border lw 1", "set tics out nomirror scale 0.6", "set errorbars 1.5"]
        xr, yr = self._range("x"), self._range("y")
        out += [f"set title {quote(self.title)} font \",12\"", f"set xlabel {quote(self.xlabel)}",
                f"set ylabel {quote(self.ylabel)}", f"set xrange [{xr[0]!r}:{xr[1]!r}]",
                f"set yrange [{yr[0]!r}:{yr[1]!r}]"]
        for axis, log, ticks, r in (("x", self.logx, self.xticks, xr), ("y", self.logy, self.yticks, yr)):
            lo, hi = sorted(r)
            if log:
                out += [f"set logscale {axis} 10", f"set format {axis} \"%g\"", f"set m{axis}tics 10"]
                powers = [10 ** e for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)]
                if ticks is None and sum(lo <= p <= hi for p in powers) < 2:
                    # Under two labelled decades: 2 and 5 labelled too, so that it can be read.
                    ticks = [(m * p, f"{m * p:g}") for p in powers for m in (1, 2, 5) if lo <= m * p <= hi]
            if ticks is not None:
                font = f" font \",{self.ytick_font}\"" if axis == "y" and self.ytick_font else ""
                out.append(f"set {axis}tics (" + ", ".join(f"{quote(l)} {v!r}" for v, l in ticks) + ")" + font)
                if log:  # explicit tics get no minor ones of gnuplot's own
                    major = {v for v, _ in ticks}
                    minor = [m * p for p in powers for m in range(2, 10) if lo <= m * p <= hi and m * p not in major]
                    if minor:
                        out.append(f"set {axis}tics add (" + ", ".join(f"\"\" {v!r} 1" for v in minor) + ")")
                if axis == "y" and self.ytick_font:
                    # gnuplot makes room for the labels as if in the terminal's larger font
                    width = max(len(l) for _, l in ticks) * 0.85 * self.ytick_font / 10
                    out.append(f"set lmargin {math.ceil(width) + 2}")
        grid = " ".join(f"{a}tics" + (f" m{a}tics" if self.minor_grid else "") for a in self.grid)
        if grid:  # solid light lines (a bare "lc" keeps gnuplot's dotted grid line type)
            out += ["set style line 100 lt 1 lc rgb \"#dddddd\" lw 0.8 dt 1",
                    "set style line 101 lt 1 lc rgb \"#eeeeee\" lw 0.8 dt 1",
                    f"set grid {grid} back ls 100, ls 101"]
        for v in self.vlines:
            out.append(f"set arrow from {v['x']!r}, graph 0 to {v['x']!r}, graph 1 nohead front "
                       f"lc rgb {rgb(v['color'])} lw {v['width']} dt {DASHES[v['dash']]}")
        if self.legend is None:
            out.append("unset key")
        else:
            labels = [s[2]["label"] for s in self.series if s[2].get("label") and s[1]] + \
                     [v["label"] for v in self.vlines if v["label"]]
            where = self.legend
            if where == "best":
                where = self._legend_pos(xr, yr, width_px, height_px)
            if where == "below":
                # Under the x label, in legend_cols columns: gnuplot's own "below" lets a
                # two-line x label and the key overlap, so the margin is made here.
                rows = math.ceil(len(labels) / self.legend_cols)
                out.append(f"set bmargin {3 + self.xlabel.count(chr(10)) + math.ceil(rows * self.legend_font / 10 + 1.5)}")
                where = f"at screen {origin + size / 2!r}, screen 0.01 center bottom vertical maxrows {rows}"
            else:
                where = "inside " + where.replace("lower", "bottom").replace("upper", "top")
            # gnuplot sizes the key for the terminal's font; narrowed for its own smaller one.
            narrow = round(max(map(len, labels), default=0) * (1 - 1.12 * self.legend_font / 10))
            out.append(f"set key {where} Left reverse opaque box lc rgb \"#cccccc\" samplen 1.5 "
                       f"width {-narrow} font \",{self.legend_font}\"")
        plots = []
        for i, (kind, rows, st) in enumerate(self.series):
            if not rows:
                continue
            path = os.path.join(tmp, f"p{k}s{i}.dat")
            with open(path, "w") as f:
                for row in rows:
                    if kind == "segments":  # a blank line between two point pairs: separate lines
                        f.write(f"{row[0]!r} {row[1]!r}\n{row[2]!r} {row[3]!r}\n\n")
                    elif None not in row:
                        f.write(" ".join(repr(float(v)) for v in row) + "\n")
            title = f"title {quote(st['label'])}" if st.get("label") else "notitle"
            color = f"lc rgb {rgb(st['color'], st.get('alpha', 1.0))}"
            if kind == "errorbar":
                # The bars solid and on their own, so that a dashed line leaves them whole.
                pt = f"pt {POINTS[st['marker']]} ps 0.75" if st["marker"] else "pt -1"
                plots.append(f"{quote(path)} using 1:2:3:4 with yerrorbars {color} lw 1.5 dt 1 {pt} notitle")
                if st["dash"]:
                    plots.append(f"{quote(path)} using 1:2 with linespoints {color} lw 1.5 "
                                 f"dt {DASHES[st['dash']]} {pt} {title}")
                else:
                    plots.append(f"{quote(path)} using 1:2 with points {color} {pt} {title}")
            elif kind == "points":
                plots.append(f"{quote(path)} using 1:2 with points {color} pt {POINTS[st['marker']]} "
                             f"ps {0.75 * st['size']} lw 1.5 {title}")
            else:
                plots.append(f"{quote(path)} using 1:2 with lines {color} lw {st['width']} {title}")
        for v in self.vlines:
            if v["label"]:
                plots.append(f"keyentry with lines lc rgb {rgb(v['color'])} lw {v['width']} "
                             f"dt {DASHES[v['dash']]} title {quote(v['label'])}")
        out.append("plot " + (", \\\n     ".join(plots) if plots else "1/0 notitle"))
        return out


class Figure:
    """One PNG: width and height in inches (at DPI), panels side by side."""

    def __init__(self, width, height, panels=1):
        self.width, self.height = int(width * DPI), int(height * DPI)  # as matplotlib sizes them
        self.panels = [Panel() for _ in range(panels)]

    def save(self, path):
        require()
        with tempfile.TemporaryDirectory(prefix="bench-plot-") as tmp:
            png = os.path.join(tmp, "out.png")
            n = len(self.panels)
            lines = ["set encoding utf8",
                     f"set terminal pngcairo size {self.width},{self.height} font \"{FONT},10\" noenhanced "
                     f"fontscale {TEXT_SCALE:.3f} linewidth {LINE_SCALE:.3f} pointscale {LINE_SCALE:.3f}",
                     f"set output {quote(png)}", "set multiplot"]
            for k, panel in enumerate(self.panels):
                lines += panel.script(tmp, k, k / n, 1 / n, self.width / n, self.height)
            lines += ["unset multiplot", "set output"]
            script = os.path.join(tmp, "plot.gp")
            with open(script, "w") as f:
                f.write("\n".join(lines) + "\n")
            r = subprocess.run(["gnuplot", script], capture_output=True, text=True)
            if r.returncode != 0 or not os.path.exists(png):
                sys.exit(f"gnuplot failed drawing {os.path.basename(path)}:\n{r.stderr}")
            if r.stderr.strip():
                print(f"gnuplot, {os.path.basename(path)}: {r.stderr.strip()}", file=sys.stderr)
            # Moved into place only when whole, so that a failed run leaves the old plot.
            shutil.move(png, path)
