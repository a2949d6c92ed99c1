"""Charts of the benchmark results that bench/run.sh saves.

    python bench/plot.py [RESULTS_DIR [CHARTS_DIR]]

run.sh writes each section's output to RESULTS_DIR/SECTION.txt (default
bench/results/) and calls this script at its end; it writes PNG charts to
CHARTS_DIR (default bench/charts/) for the sections it knows and whose file
exists:

- echo.txt -> echo_cpu.png: the server's CPU time per request (the median of
  the rounds, in microseconds; lower is better) by message size, for every
  server of the run (the C libuv server, uv on CPython and on PyPy, uvloop's
  and asyncio's protocol servers), with the ratio to the C server of the
  same run written on each bar;
- callbacks.txt -> callbacks.png: chained callbacks per second (higher is
  better) of uv's Idle and Timer chains on CPython and PyPy against
  uvloop's and asyncio's call_soon chains, with the ratio to uvloop.

The parsing needs only the standard library (``parse_echo``,
``parse_callbacks``: the tests use them); the drawing needs matplotlib
(requirements/bench.txt, installed into bench/.venv by run.sh).
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# labels and colours of the servers and callback chains run.sh measures
SERVER_LABELS = {
    "c": "C server (libuv)",
    "uv-cpython": "uv, CPython",
    "uv-pypy": "uv, PyPy",
    "uvloop-protocol": "uvloop",
    "asyncio-protocol": "asyncio",
}
COLOURS = {
    "c": "#555555",
    "uv-cpython": "#1f77b4",
    "uv-pypy": "#ff7f0e",
    "uvloop-protocol": "#2ca02c",
    "asyncio-protocol": "#9467bd",
}
CALLBACK_LABELS = {
    "uv-idle-cpython": ("uv Idle, CPython", "uv-cpython"),
    "uv-timer-cpython": ("uv Timer, CPython", "uv-cpython"),
    "uv-idle-pypy": ("uv Idle, PyPy", "uv-pypy"),
    "uv-timer-pypy": ("uv Timer, PyPy", "uv-pypy"),
    "uvloop": ("uvloop call_soon", "uvloop-protocol"),
    "asyncio": ("asyncio call_soon", "asyncio-protocol"),
}


def read_header(text):
    """The '# ...' lines run.sh writes at the top of a results file, joined."""
    return "; ".join(l[1:].strip() for l in text.splitlines() if l.startswith("# "))


def parse_echo(text):
    """compare.sh tables of an echo section -> {size: [(server, rps, us)]},
    servers in the order of the table."""
    out = {}
    size = None
    for line in text.splitlines():
        m = re.match(r"^server\s+median_rps\s.*\bsize=(\d+)\b", line)
        if m:
            size = int(m.group(1))
            out[size] = []
            continue
        if size is None:
            continue
        parts = line.split()
        if len(parts) == 5 and re.match(r"^\d+$", parts[1]):
            try:
                rps, us = int(parts[1]), float(parts[3])
            except ValueError:
                continue
            out[size].append((parts[0], rps, us))
        elif line.startswith("#####"):
            size = None
    return {k: v for k, v in out.items() if v}


def parse_callbacks(text):
    """'kind=K n=N seconds=S rate=R' lines -> {kind: rate}; the best rate
    when a kind appears more than once."""
    out = {}
    for m in re.finditer(r"\bkind=(\S+) n=\d+ seconds=[\d.]+ rate=(\d+)", text):
        kind, rate = m.group(1), int(m.group(2))
        out[kind] = max(rate, out.get(kind, 0))
    return out


def _size_label(size):
    return "%d KiB" % (size // 1024) if size % 1024 == 0 else "%d B" % size


def plot_echo(results, header, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results)
    servers = []
    for size in sizes:
        for name, _, _ in results[size]:
            if name not in servers:
                servers.append(name)
    # one panel per message size, each with its own scale
    fig, axes = plt.subplots(1, len(sizes), figsize=(3.4 * len(sizes) + 1, 4.6), dpi=100,
                             squeeze=False)
    for ax, size in zip(axes[0], sizes):
        row = {n: us for n, _, us in results[size]}
        ref = row.get("c") or results[size][0][2]
        names = [n for n in servers if n in row]
        bars = ax.bar(range(len(names)), [row[n] for n in names],
                      color=[COLOURS.get(n, "#888888") for n in names],
                      label=[SERVER_LABELS.get(n, n) for n in names])
        for bar, n in zip(bars, names):
            ax.annotate("%.2fx" % (row[n] / ref) if ref else "",
                        (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        ha="center", va="bottom", fontsize=8, xytext=(0, 2),
                        textcoords="offset points")
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels([SERVER_LABELS.get(n, n) for n in names], rotation=35,
                           ha="right", fontsize=8)
        ax.set_title("%s messages" % _size_label(size), fontsize=10)
        ax.set_ylim(0, max(row.values()) * 1.15)
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].set_ylabel("server CPU µs per request (lower is better)")
    fig.suptitle("TCP echo, 10 connections: server CPU time per request "
                 "(ratio to the C libuv server)", fontsize=11)
    fig.text(0.01, 0.01, _wrap(header, 150), fontsize=6, color="#666666", va="bottom")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    fig.savefig(path)
    plt.close(fig)


def _old_c_timer(kind):
    """Whether *kind* is the C timer chain on a libuv before 1.45."""
    m = re.match(r"c-timer-libuv-(\d+)\.(\d+)\.", kind)
    return bool(m) and (int(m.group(1)), int(m.group(2))) < (1, 45)


def plot_callbacks(results, header, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = [k for k in CALLBACK_LABELS if k in results]
    kinds += [k for k in results if k not in CALLBACK_LABELS and not _old_c_timer(k)]
    left_out = [k for k in results if _old_c_timer(k)]
    if left_out:
        header += ("; left out: %s (libuv before 1.45 runs a timer restarted with 0 "
                   "again in the same timer phase, without a loop iteration: not "
                   "comparable)" % ", ".join(left_out))
    ref = results.get("uvloop")
    fig, ax = plt.subplots(figsize=(9, 4.5), dpi=100)
    ys = list(range(len(kinds)))[::-1]
    rates = [results[k] / 1e6 for k in kinds]
    colours = [COLOURS.get(CALLBACK_LABELS.get(k, ("", ""))[1], "#888888") for k in kinds]
    bars = ax.barh(ys, rates, color=colours)
    for bar, k in zip(bars, kinds):
        text = "%.2f M/s" % (results[k] / 1e6)
        if ref:
            text += " (%.2fx uvloop)" % (results[k] / ref)
        ax.annotate(text, (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    ha="left", va="center", fontsize=8, xytext=(3, 0),
                    textcoords="offset points")
    ax.set_yticks(ys)
    ax.set_yticklabels([CALLBACK_LABELS.get(k, (k,))[0] for k in kinds])
    ax.set_xlabel("chained callbacks per second, millions (higher is better)")
    ax.set_title("One million chained callbacks, best of 3", fontsize=11)
    ax.set_xlim(0, max(rates) * 1.35)
    ax.grid(axis="x", alpha=0.3)
    fig.text(0.01, 0.01, _wrap(header), fontsize=6, color="#666666", va="bottom")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.savefig(path)
    plt.close(fig)


def _wrap(text, width=170):
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = (line + " " + w).strip()
    lines.append(line)
    return "\n".join(lines)


def main(argv):
    results_dir = argv[1] if len(argv) > 1 else os.path.join(HERE, "results")
    charts_dir = argv[2] if len(argv) > 2 else os.path.join(HERE, "charts")
    made = []
    jobs = [("echo.txt", parse_echo, plot_echo, "echo_cpu.png"),
            ("callbacks.txt", parse_callbacks, plot_callbacks, "callbacks.png")]
    for name, parse, plot, png in jobs:
        src = os.path.join(results_dir, name)
        if not os.path.exists(src):
            continue
        with open(src) as f:
            text = f.read()
        results = parse(text)
        if not results:
            print("plot.py: no figures in %s: no chart" % src, file=sys.stderr)
            continue
        os.makedirs(charts_dir, exist_ok=True)
        out = os.path.join(charts_dir, png)
        plot(results, read_header(text), out)
        made.append(out)
    for out in made:
        print("plot.py: wrote %s" % os.path.relpath(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
