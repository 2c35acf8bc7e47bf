#!/usr/bin/env python3
"""plot_run.py: learning curves of `myriad train` run directories as one PNG.

    python3 scripts/plot_run.py RUN_DIR [RUN_DIR ...] [--out FILE.png] [--smooth N] [--title T]

(scripts/plot.sh runs this with the first Python that has matplotlib; where pyenv shadows Debian's
python3, the Debian package python3-matplotlib is only seen by /usr/bin/python3.)

Reads RUN_DIR/metrics.csv (one row per episode, written by host/cli/train_output.cpp) and the
`algorithm` / `exploration` keys of RUN_DIR/config.toml. Panels: return per agent per team, the
learner's win rate over a sliding window, kills per team, loss (log), mean Q, exploration (T or
epsilon), throughput (agent-steps/s) and episode length. Team columns are by role (`*_learner`,
`*_opponent`, plus `outcome` win/draw/loss) or, in older runs, by side (`*_red` the learner,
`*_blue`). Several run dirs overlay, one colour / line style per run. Raw series faint, moving
averages bold. Columns other than `episode` are optional and unknown ones are ignored, so older and
newer run directories both plot. Writes the PNG (default
RUN_DIR/learning_curves.png of the first RUN_DIR) and prints its path; exit code 2 with one line on
stderr for a missing dir, a dir without metrics.csv, a run without episodes, or no matplotlib.
"""
import argparse
import csv
import math
import os
import re
import sys

PROG = "plot_run"
RED, BLUE = "#d62728", "#1f77b4"
RUN_COLORS = ["#333333", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf"]
RUN_STYLES = ["-", "--", ":", "-."]


def fail(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)
    sys.exit(2)


def to_float(text):
    if text is None:
        return math.nan
    text = text.strip()
    if text == "" or text.lower() in ("null", "nan", "none"):
        return math.nan
    try:
        return float(text)
    except ValueError:
        return math.nan


def read_metrics(run_dir):
    """{column: list of the raw texts}, sorted by episode (the last row of a repeated episode wins)."""
    if not os.path.isdir(run_dir):
        fail(f"no such run directory: {run_dir}")
    path = os.path.join(run_dir, "metrics.csv")
    if not os.path.isfile(path):
        fail(f"{run_dir} has no metrics.csv (not a `myriad train` run directory?)")
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        if "episode" not in header:
            if not header:
                fail(f"{path}: no episodes yet")
            fail(f"{path}: no `episode` column in its header")
        rows = {}
        for row in reader:
            # A row cut short (a run killed mid-write) or with surplus fields is skipped.
            if None in row or any(v is None for v in row.values()):
                continue
            ep = to_float(row["episode"])
            if math.isnan(ep):
                continue
            rows[ep] = row
    if not rows:
        fail(f"{path}: no episodes yet")
    eps = sorted(rows)
    return {col: [rows[e][col] for e in eps] for col in header}


def read_config(run_dir):
    """The top-level scalar keys of config.toml (a minimal reader: key = 'text' | number)."""
    keys = {}
    try:
        with open(os.path.join(run_dir, "config.toml")) as f:
            for line in f:
                if line.lstrip().startswith("["):
                    break  # tables: not written by myriad train today
                m = re.match(r"\s*([A-Za-z0-9_]+)\s*=\s*(.*?)\s*$", line)
                if m:
                    keys[m.group(1)] = m.group(2).strip("'\"")
    except OSError:
        pass
    return keys


def run_labels(run_dirs, configs):
    names = [os.path.basename(os.path.normpath(os.path.abspath(d))) for d in run_dirs]
    if len(set(names)) < len(names):  # same basename: use the last two path parts
        names = [os.path.join(*os.path.normpath(os.path.abspath(d)).split(os.sep)[-2:]) for d in run_dirs]
    return [f"{c['algorithm']} · {n}" if c.get("algorithm") else n for n, c in zip(names, configs)]


def moving_average(np, values, window):
    """Trailing mean over the last `window` finite values' slots (partial windows at the start)."""
    v = np.asarray(values, dtype=float)
    if window <= 1 or v.size == 0:
        return v
    ok = np.isfinite(v)
    c_sum = np.concatenate([[0.0], np.cumsum(np.where(ok, v, 0.0))])
    c_cnt = np.concatenate([[0], np.cumsum(ok)])
    hi = np.arange(1, v.size + 1)
    lo = np.maximum(0, hi - window)
    cnt = c_cnt[hi] - c_cnt[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt > 0, (c_sum[hi] - c_sum[lo]) / np.maximum(cnt, 1), np.nan)


def main():
    ap = argparse.ArgumentParser(prog="plot_run.py", description="Plot the learning curves of myriad train run dirs.")
    ap.add_argument("run_dirs", nargs="+", metavar="RUN_DIR", help="run directory of `myriad train` (several overlay)")
    ap.add_argument("--out", metavar="FILE.png", help="output PNG (default: RUN_DIR/learning_curves.png of the first)")
    ap.add_argument("--smooth", type=int, metavar="N", help="moving-average window in episodes (default max(1, n/20))")
    ap.add_argument("--win-window", type=int, metavar="N",
                    help="sliding window of the win rate in episodes (default max(10, n/20), at most n)")
    ap.add_argument("--title", metavar="T", help="figure title")
    args = ap.parse_args()
    if args.smooth is not None and args.smooth < 1:
        ap.error("--smooth must be >= 1")
    if args.win_window is not None and args.win_window < 1:
        ap.error("--win-window must be >= 1")

    runs = [read_metrics(d) for d in args.run_dirs]
    configs = [read_config(d) for d in args.run_dirs]
    labels = run_labels(args.run_dirs, configs)

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.lines import Line2D
        from matplotlib.ticker import EngFormatter, MaxNLocator
        import numpy as np
    except ImportError as e:
        fail(f"matplotlib is not available to {sys.executable} ({e}); install the Debian package "
             "python3-matplotlib (sudo apt-get install python3-matplotlib, then use /usr/bin/python3 or "
             "scripts/plot.sh) or the pip package matplotlib (python3 -m pip install matplotlib)")

    out = args.out or os.path.join(args.run_dirs[0], "learning_curves.png")

    fig, axes = plt.subplots(4, 2, figsize=(14, 15), dpi=100)
    ax_ret, ax_win, ax_kill, ax_loss, ax_q, ax_exp, ax_tput, ax_len = axes.flat
    drawn = {id(a): False for a in axes.flat}
    many = len(runs) > 1

    def series(ax, x, y, color, style, window, label=None, positive=False):
        y = np.asarray(y, dtype=float)
        ok = np.isfinite(y) & ((y > 0) if positive else True)
        if not ok.any():
            return False
        xs, ys = x[ok], y[ok]
        mark = "o" if xs.size <= 50 else None
        if window > 1:
            ax.plot(xs, ys, color=color, linestyle=style, alpha=0.25, linewidth=1)
            ax.plot(xs, moving_average(np, ys, window), color=color, linestyle=style, linewidth=2.2, label=label,
                    marker=mark, markersize=3)
        else:
            ax.plot(xs, ys, color=color, linestyle=style, linewidth=2, label=label, marker=mark, markersize=4)
        drawn[id(ax)] = True
        return True

    explorations, windows = set(), []
    for i, (m, cfg, label) in enumerate(zip(runs, configs, labels)):
        x = np.asarray([to_float(t) for t in m["episode"]], dtype=float)
        n = x.size
        window = args.smooth if args.smooth else max(1, n // 20)
        windows.append(window)
        color, style = RUN_COLORS[i % len(RUN_COLORS)], RUN_STYLES[i % len(RUN_STYLES)]
        nan = [math.nan] * n

        def col(name):
            return np.asarray([to_float(t) for t in m[name]] if name in m else nan, dtype=float)

        # Columns by role: *_learner / *_opponent (the learner may play either side), or the older
        # *_red / *_blue with red the learner. Learner in red, opponent in blue, the run's line style.
        by_role = any(c.endswith("_learner") for c in m)
        roles = (("learner", "learner", RED), ("opponent", "opponent", BLUE)) if by_role else \
            (("red", "red (learner)", RED), ("blue", "blue (opponent)", BLUE))
        for suffix, role_label, tc in roles:
            tl = role_label if i == 0 else None
            series(ax_ret, x, col(f"per_agent_return_{suffix}"), tc, style, window, tl)
            series(ax_kill, x, col(f"kills_{suffix}"), tc, style, window, tl)

        # Win rate of the learner: the `outcome` column (win / draw / loss) where there is one, else won
        # when the learner kills more than the opponent, a draw when equal; (W + D/2) / n over a window.
        kl, ko = col(f"kills_{roles[0][0]}"), col(f"kills_{roles[1][0]}")
        score = np.where(kl > ko, 1.0, np.where(kl == ko, 0.5, 0.0))
        ok = np.isfinite(kl) & np.isfinite(ko)
        if "outcome" in m:
            points = {"win": 1.0, "draw": 0.5, "loss": 0.0}
            oc = np.asarray([points.get(t.strip().lower(), math.nan) for t in m["outcome"]], dtype=float)
            score, ok = np.where(np.isfinite(oc), oc, score), ok | np.isfinite(oc)
        if ok.any():
            score = score[ok]
            ww = min(n, args.win_window if args.win_window else max(10, n // 20))
            ax_win.plot(x[ok], score, linestyle="none", marker="o", markersize=2.5, color=color, alpha=0.2)
            ax_win.plot(x[ok], moving_average(np, score, ww), color=color, linestyle=style, linewidth=2.2,
                        marker="o" if ok.sum() <= 50 else None, markersize=3,
                        label=f"window {ww}" + (f" ({label})" if many else ""))
            drawn[id(ax_win)] = True

        series(ax_loss, x, col("loss"), color, style, window, positive=True)
        series(ax_q, x, col("mean_q"), color, style, window)
        series(ax_exp, x, col("temperature"), color, style, 1)  # a schedule: nothing to smooth
        series(ax_tput, x, col("agent_steps_per_s"), color, style, window)
        series(ax_len, x, col("steps"), color, style, window)
        if np.isfinite(np.asarray(col("temperature"), dtype=float)).any():
            explorations.add(cfg.get("exploration", ""))

    exp_names = {"boltzmann": "temperature T", "epsilon": "ε"}
    exp_label = exp_names.get(explorations.pop(), "T or ε") if len(explorations) == 1 else "T or ε"
    panels = [
        (ax_ret, "Return per agent", "return / agent", "linear"),
        (ax_win, "Win rate of the learner, (W + D/2) / n; won: more kills", "win rate", "linear"),
        (ax_kill, "Kills per team (agents of the other team killed)", "kills", "linear"),
        (ax_loss, "TD loss", "loss (log)", "log"),
        (ax_q, "Mean Q of the learner", "mean Q", "linear"),
        (ax_exp, f"Exploration ({exp_label})", exp_label, "linear"),
        (ax_tput, "Throughput", "agent-steps / s", "linear"),
        (ax_len, "Episode length", "steps", "linear"),
    ]
    for ax, title, ylabel, scale in panels:
        ax.set_title(title, fontsize=11)
        ax.set_xlabel("episode")
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if not drawn[id(ax)]:
            why = "no updates yet (warmup)" if ax is ax_loss else "no data in metrics.csv"
            ax.text(0.5, 0.5, why, ha="center", va="center", transform=ax.transAxes, color="gray")
            continue
        if scale == "log":
            ax.set_yscale("log")
    if drawn[id(ax_exp)]:
        ys = [v for line in ax_exp.get_lines() for v in line.get_ydata() if v > 0]
        if ys and max(ys) / min(ys) > 5:
            ax_exp.set_yscale("log")
    if drawn[id(ax_win)]:
        ax_win.set_ylim(-0.05, 1.05)
        ax_win.axhline(0.5, color="gray", linestyle=":", linewidth=1)
        ax_win.legend(loc="best", fontsize=8)
    ax_tput.yaxis.set_major_formatter(EngFormatter())
    for ax in (ax_ret, ax_kill):
        if drawn[id(ax)]:
            ax.legend(loc="best", fontsize=9)

    # One legend naming the runs (colour and line style), above the panels.
    handles = [Line2D([], [], color=RUN_COLORS[i % len(RUN_COLORS)], linestyle=RUN_STYLES[i % len(RUN_STYLES)],
                      linewidth=2.2, label=f"{label} ({len(m['episode'])} episodes, smoothing {w})")
               for i, (m, label, w) in enumerate(zip(runs, labels, windows))]
    smooth_note = "faint: raw per episode, bold: moving average over the smoothing window (episodes)"
    fig.suptitle(args.title or "Myriad learning curves", fontsize=15, y=0.995)
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.975), ncol=min(len(handles), 3),
               fontsize=10, frameon=False, title=smooth_note, title_fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.945 - 0.015 * ((len(handles) - 1) // 3)))

    out_dir = os.path.dirname(os.path.abspath(out))
    try:
        os.makedirs(out_dir, exist_ok=True)
        fig.savefig(out)
    except OSError as e:
        fail(f"cannot write {out}: {e}")
    print(out)


if __name__ == "__main__":
    main()
