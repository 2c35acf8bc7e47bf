#!/usr/bin/env python3
"""plot_bench.py: time per step vs agents (log-log) from a `myriad bench --workload sweep` results
file, with the least-squares linear fit t = a + b*N, its R^2, and the points above 2x the fit flagged.

  /usr/bin/python3 benchmarks/plot_bench.py SWEEP.json [--out sweep.png] [--title TEXT]

Needs matplotlib (Debian: python3-matplotlib, for /usr/bin/python3). Prints the fit and the flagged
points; exit 0 when the plot was written, 2 on bad input. fit_sweep() is reused by make_report.py.
"""
import argparse
import json
import sys


def sweep_points(doc):
    """(agents, median ms, min ms, max ms) of the successful sweep points of a results document."""
    pts = []
    for p in doc.get("points", []):
        if "error" in p or "step" not in p:
            continue
        if not p.get("sweep", False) and doc.get("configuration", {}).get("workload") != "sweep":
            continue
        s = p["step"]
        pts.append((float(p["agents"]), float(s["ms_median"]), float(s["ms_min"]), float(s["ms_max"])))
    pts.sort()
    return pts


def fit_sweep(pts):
    """Least-squares t = a + b*N over the medians: dict a, b, r2, and the points above 2x the fit."""
    n = len(pts)
    if n < 2:
        return None
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    b = sxy / sxx if sxx > 0 else 0.0
    a = my - b * mx
    ss_res = sum((y - (a + b * x)) ** 2 for x, y in zip(xs, ys))
    ss_tot = sum((y - my) ** 2 for y in ys)
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else 1.0
    above = [(x, y, a + b * x) for x, y in zip(xs, ys) if a + b * x > 0 and y > 2.0 * (a + b * x)]
    return {"a_ms": a, "b_ms_per_agent": b, "r2": r2, "n_points": n,
            "above_2x_fit": [{"agents": x, "ms": y, "fit_ms": f} for x, y, f in above]}


def plot(pts, fit, out, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [p[0] for p in pts]
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    ax.errorbar(xs, [p[1] for p in pts], yerr=[[p[1] - p[2] for p in pts], [p[3] - p[1] for p in pts]],
                fmt="o", color="tab:blue", capsize=3, label="median step (bars: min..max)")
    if fit:
        lo, hi = min(xs), max(xs)
        grid = [lo * (hi / lo) ** (i / 199.0) for i in range(200)] if hi > lo else [lo]
        curve = [(x, fit["a_ms"] + fit["b_ms_per_agent"] * x) for x in grid]
        curve = [(x, y) for x, y in curve if y > 0]
        ax.plot([c[0] for c in curve], [c[1] for c in curve], "-", color="tab:orange",
                label="fit t = %.3g ms + %.3g ms x N/1e6  (R^2 = %.4f)"
                % (fit["a_ms"], fit["b_ms_per_agent"] * 1e6, fit["r2"]))
        ax.plot([c[0] for c in curve], [2 * c[1] for c in curve], ":", color="tab:orange", label="2x the fit")
        for f in fit["above_2x_fit"]:
            ax.plot([f["agents"]], [f["ms"]], "x", color="tab:red", markersize=12, mew=2)
        if fit["above_2x_fit"]:
            ax.plot([], [], "x", color="tab:red", label="above 2x the fit")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("agents (both teams)")
    ax.set_ylabel("time per step (ms)")
    ax.set_title(title, fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)


def describe(doc):
    dev = doc.get("device", {})
    if dev.get("backend") == "cuda" and dev.get("cuda", {}).get("available"):
        name = dev["cuda"].get("name", "?")
    else:
        name = "CPU " + dev.get("host", {}).get("cpu_model", "?") + " (%s threads)" % dev.get("host", {}).get(
            "omp_max_threads", "?")
    return "myriad acting step vs agents, %s, commit %s, %s" % (name, str(doc.get("commit", "?"))[:12],
                                                               doc.get("date", "?"))


def main(argv=None):
    ap = argparse.ArgumentParser(description="Plot a myriad bench sweep: time per step vs agents.")
    ap.add_argument("sweep_json")
    ap.add_argument("--out", default=None, help="PNG path (default: the JSON path with .png)")
    ap.add_argument("--title", default=None)
    args = ap.parse_args(argv)
    try:
        with open(args.sweep_json) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print("plot_bench.py: cannot read %s: %s" % (args.sweep_json, e), file=sys.stderr)
        return 2
    pts = sweep_points(doc)
    if not pts:
        print("plot_bench.py: %s has no successful sweep points" % args.sweep_json, file=sys.stderr)
        return 2
    fit = fit_sweep(pts)
    out = args.out or (args.sweep_json[:-5] if args.sweep_json.endswith(".json") else args.sweep_json) + ".png"
    try:
        plot(pts, fit, out, args.title or describe(doc))
    except ImportError:
        print("plot_bench.py: matplotlib is missing; use /usr/bin/python3 with python3-matplotlib", file=sys.stderr)
        return 2
    if fit:
        print("fit: t = %.4g ms + %.4g ms per 1e6 agents, R^2 = %.4f over %d points"
              % (fit["a_ms"], fit["b_ms_per_agent"] * 1e6, fit["r2"], fit["n_points"]))
        for f in fit["above_2x_fit"]:
            print("above 2x the fit: %d agents, %.3f ms (fit %.3f ms)" % (f["agents"], f["ms"], f["fit_ms"]))
        if not fit["above_2x_fit"]:
            print("no point above 2x the fit")
    print("wrote %s" % out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
