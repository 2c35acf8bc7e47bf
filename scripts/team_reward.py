#!/usr/bin/env python3
"""team_reward.py: the MFQMIX paper's experiments (Balsells, Seguí, Żółkowski, AAAI 2025) on the CPU.

  pursuit      adversarial pursuit, predators learning against random prey, map side ⌈√(80·N)⌉ (MAgent's
               density: N = int(0.0125·S²) predators, twice as many prey): IQL, MF-Q, VDN, QMIX, MFQMIX with
               the team reward, and MF-Q with individual rewards, at every N (the paper's Fig. 3 and 4).
  incremental  MF-Q with the team reward and curriculum = grow_learners (from N/8 learners to all over
               half the run, the others random) and grow_population (from N/8 predators, and prey in
               proportion, to all on the same map) against flat training, at the N given (Fig. 6: where
               flat training collapses and twice that).
  scale        battle at 100,000 per team and pursuit at 100,000 predators: MF-Q (team reward), VDN and
               MFQMIX over map tiles, flat, with grow_learners and with grow_population (from N/8), a few
               short episodes each: the memory planned at the start against the peak resident memory
               measured, step times, losses.
  battle       12 v 12 battle, both teams learning, one algorithm a side (opponent = both_learn with
               opponent_algorithm): MF-Q, QMIX, MFQMIX pairwise; reward-difference curves and the final
               head-to-head win rates of the trained networks (Fig. 7).

Each run is `myriad train` in OUT/runs/<name>; a finished run (its `done` file) is kept on a rerun. The
figure of a run is the mean per-agent return of the learning group over its last `--tail` episodes, per
step of an episode. Writes OUT/<experiment>.json, OUT/<experiment>.md and OUT/<experiment>.png (with
matplotlib). Progress lines go to stdout.

  python3 scripts/team_reward.py pursuit --out docs/learning/team_reward --seeds 0 1 2
"""
import argparse
import concurrent.futures as cf
import csv
import json
import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from learning_report import log, write_atomic, train_commits  # noqa: E402

LABEL = {"iql": "IQL", "mfq": "MF-Q", "vdn": "VDN", "qmix": "QMIX", "mfqmix": "MFQMIX",
         "mfq_individual": "MF-Q (individual reward)", "incremental": "grow_learners",
         "population": "grow_population"}
COLOURS = {"iql": "#1f77b4", "mfq": "#d62728", "vdn": "#2ca02c", "qmix": "#9467bd", "mfqmix": "#ff7f0e",
           "mfq_individual": "#7f7f7f"}


def pursuit_side(n):
    """The smallest map side holding n predators at MAgent's density (int(0.0125·S²) = n)."""
    s = max(8, int(math.sqrt(n / 0.0125)))
    while int(0.0125 * s * s) < n:
        s += 1
    return s


def run_train(args, name, sets, timed=False):
    run_dir = os.path.join(args.out, "runs", name)
    if os.path.exists(os.path.join(run_dir, "done")):
        return name, "kept"
    os.makedirs(os.path.dirname(run_dir), exist_ok=True)
    cmd = [args.myriad, "train", "--backend", "cpu", "--out", run_dir] + ([] if timed else ["-q"])
    for k, v in sets:
        cmd += ["--set", f"{k}={v}"]
    if os.path.exists(os.path.join(run_dir, "checkpoints", "latest.bin")):
        cmd = [args.myriad, "train", "--backend", "cpu", "-q", "--resume", run_dir]
    if timed:  # GNU time's report (peak resident memory) follows the run's output in its log
        cmd = ["/usr/bin/time", "-v"] + cmd
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    logfile = os.path.join(args.out, "runs", name + ".log")
    with open(logfile, "a") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"{name}: myriad exited {r.returncode}; see {logfile}")
    write_atomic(os.path.join(run_dir, "done"), "")
    return name, "trained"


def episodes_of(args, name):
    with open(os.path.join(args.out, "runs", name, "metrics.csv")) as f:
        return list(csv.DictReader(f))


def tail_return(args, name):
    """Mean per-agent return of the learning group over the last --tail episodes, per step."""
    rows = episodes_of(args, name)[-args.tail:]
    return sum(float(r["per_agent_return_learner"]) / float(r["steps"]) for r in rows) / len(rows)


def mean_sd(v):
    m = sum(v) / len(v)
    sd = math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1)) if len(v) > 1 else 0.0
    return m, sd


def run_all(args, jobs, timed=False):
    jobs = sorted(jobs, key=lambda j: -j[2])  # the largest first
    with cf.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futures = [ex.submit(run_train, args, name, sets, timed) for name, sets, _ in jobs]
        for i, fu in enumerate(cf.as_completed(futures)):
            name, what = fu.result()
            log(f"{i + 1}/{len(jobs)} {name}: {what}")


def pursuit_sets(args, n, algo, seed, reward, extra=()):
    return [("scenario", "adversarial_pursuit"), ("learner", "predator"), ("map_size", pursuit_side(n)),
            ("algorithm", algo), ("reward_mode", reward), ("episodes", args.episodes),
            ("max_steps", args.max_steps), ("seed", seed)] + list(extra)


def methods_of(args):
    return [m for m in args.methods]


def pursuit(args):
    jobs = []
    for n in args.n:
        for m in methods_of(args):
            algo, reward = ("mfq", "individual") if m == "mfq_individual" else (m, "team")
            for s in args.seeds:
                jobs.append((f"pursuit_{m}_n{n}_s{s}", pursuit_sets(args, n, algo, s, reward), n))
    run_all(args, jobs)
    results = {m: {str(n): [tail_return(args, f"pursuit_{m}_n{n}_s{s}") for s in args.seeds] for n in args.n}
               for m in methods_of(args)}
    report(args, "pursuit", results, "predators N", "reward per predator per step (last %d episodes)" % args.tail,
           "Pursuit, predators v random prey: team reward (and MF-Q individual)")


# The incremental arms: run-name prefix and the curriculum (from N/8 over half the run; none: flat).
INCREMENTAL_ARMS = (("flat", "pursuit", None), ("incremental", "incremental", "grow_learners"),
                    ("population", "population", "grow_population"))


def incremental(args):
    jobs = []
    for n in args.n:
        for s in args.seeds:
            for _, prefix, curriculum in INCREMENTAL_ARMS:
                grow = [("curriculum", curriculum), ("grow_from", max(1, n // 8))] if curriculum else []
                jobs.append((f"{prefix}_mfq_n{n}_s{s}", pursuit_sets(args, n, "mfq", s, "team", grow), n))
    run_all(args, jobs)
    results = {k: {str(n): [tail_return(args, f"{p}_mfq_n{n}_s{s}") for s in args.seeds] for n in args.n}
               for k, p, _ in INCREMENTAL_ARMS}
    report(args, "incremental", results, "predators N", "reward per predator per step (last %d episodes)" % args.tail,
           "MF-Q, team reward: grow_learners and grow_population (from N/8) v flat training")


def battle(args):
    pairs = [(a, b) for i, a in enumerate(args.methods) for b in args.methods[i + 1:]]
    jobs = []
    for a, b in pairs:
        for s in args.seeds:
            sets = [("scenario", "battle"), ("agents_per_team", 12), ("map_size", args.battle_map),
                    ("algorithm", a), ("opponent", "both_learn"), ("opponent_algorithm", b),
                    ("episodes", args.episodes), ("max_steps", args.max_steps), ("seed", s)]
            jobs.append((f"battle_{a}_v_{b}_s{s}", sets, 12))
    run_all(args, jobs)
    results = {}
    for a, b in pairs:
        finals, curves = [], []
        for s in args.seeds:
            rows = episodes_of(args, f"battle_{a}_v_{b}_s{s}")
            curves.append([float(r["return_learner"]) - float(r["return_opponent"]) for r in rows])
            tail = rows[-args.tail:]
            finals.append(sum(1.0 if r["outcome"] == "win" else 0.5 if r["outcome"] == "draw" else 0.0
                              for r in tail) / len(tail))
        results[f"{a}_v_{b}"] = {"win_rate_tail": finals, "reward_difference": curves}
    report_battle(args, results, pairs)


def scale(args):
    n = args.scale_n
    games = {"battle": [("scenario", "battle"), ("agents_per_team", n), ("map_size", 0)],
             "pursuit": [("scenario", "adversarial_pursuit"), ("learner", "predator"), ("map_size", pursuit_side(n))]}
    methods = {"mfq": [("algorithm", "mfq"), ("reward_mode", "team")],
               "vdn_tiles": [("algorithm", "vdn"), ("mixer_groups", "tiles")],
               "mfqmix_tiles": [("algorithm", "mfqmix"), ("mixer_groups", "tiles")]}
    common = [("episodes", args.episodes), ("max_steps", args.max_steps), ("store_fraction", 0.0625), ("batch", 4096),
              ("replay_capacity", 400000), ("seed", 0)]
    jobs = []
    for g, gs in games.items():
        for m, ms in methods.items():
            for cur, curriculum in (("flat", None), ("grow", "grow_learners"), ("population", "grow_population")):
                grow = [("curriculum", curriculum), ("grow_from", n // 8)] if curriculum else []
                jobs.append((f"scale_{g}_{m}_{cur}", gs + ms + common + grow, n))
    run_all(args, jobs, timed=True)
    lines = [f"# At scale on the CPU: {n:,} per team (battle) and {n:,} predators (pursuit)", "",
             f"{args.episodes} episodes of {args.max_steps} steps, seed 0, store_fraction 1/16, batch 4,096, "
             "replay 400,000; one process at a time beside one other.", "",
             "| game | learner | curriculum | memory planned | peak resident | s per step | last loss | last return per agent |",
             "|---|---|---|---|---|---|---|---|"]
    results = {}
    for name, _, _ in jobs:
        log_text = open(os.path.join(args.out, "runs", name + ".log")).read()
        planned = next((l.split("memory planned: ")[1].split(" ")[0] + " GiB" for l in log_text.splitlines()
                        if l.startswith("memory planned: ")), "?")
        rss_kb = next((int(l.split(":")[1]) for l in log_text.splitlines() if "Maximum resident set size" in l), 0)
        rows = episodes_of(args, name)
        per_step = sum(float(r["seconds"]) for r in rows) / sum(float(r["steps"]) for r in rows)
        last = rows[-1]
        results[name] = {"planned": planned, "peak_rss_gib": rss_kb / 2 ** 20, "seconds_per_step": per_step,
                         "loss": last["loss"], "per_agent_return": float(last["per_agent_return_learner"]),
                         "learning_agents": int(last["learning_agents"])}
        parts = name[len("scale_"):].split("_")
        lines.append(f"| {parts[0]} | {'_'.join(parts[1:-1])} | {parts[-1]} | {planned} | {rss_kb / 2 ** 20:.2f} GiB | "
                     f"{per_step:.2f} | {last['loss']} | {float(last['per_agent_return_learner']):+.3f} |")
    write_atomic(os.path.join(args.out, "scale.json"), json.dumps({"n": n, "results": results}, indent=1) + "\n")
    write_atomic(os.path.join(args.out, "scale.md"), "\n".join(lines) + "\n")
    log("\n".join(lines))


def pyplot():
    """matplotlib's pyplot on the Agg backend, or None (said once a call) without matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("no matplotlib: no picture")
        return None
    return plt


def save_figure(fig, out, name):
    """Writes fig to OUT/name.png through a temporary file and a rename."""
    tmp = os.path.join(out, name + ".tmp.png")
    fig.savefig(tmp, dpi=100)
    os.replace(tmp, os.path.join(out, name + ".png"))


def report(args, what, results, xlabel, ylabel, title):
    runs = [os.path.join(args.out, "runs", d) for d in sorted(os.listdir(os.path.join(args.out, "runs")))
            if os.path.isdir(os.path.join(args.out, "runs", d))]
    doc = {"experiment": what, "episodes": args.episodes, "max_steps": args.max_steps, "seeds": args.seeds,
           "tail": args.tail, "n": args.n, "results": results, "runs_started_at": train_commits(runs)}
    write_atomic(os.path.join(args.out, what + ".json"), json.dumps(doc, indent=1) + "\n")
    lines = [f"# {title}", "", f"{args.episodes} episodes of {args.max_steps} steps, seeds {args.seeds}; "
             f"mean ± sd over seeds of the {ylabel}.", "",
             "| " + xlabel + " | " + " | ".join(LABEL.get(k, k) for k in results) + " |",
             "|---" * (len(results) + 1) + "|"]
    for n in args.n:
        cells = []
        for k in results:
            m, sd = mean_sd(results[k][str(n)])
            cells.append(f"{m:+.4f} ± {sd:.4f}")
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    write_atomic(os.path.join(args.out, what + ".md"), "\n".join(lines) + "\n")
    log("\n".join(lines))
    plt = pyplot()
    if plt is None:
        return
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for k in results:
        ms = [mean_sd(results[k][str(n)]) for n in args.n]
        ax.errorbar(args.n, [m for m, _ in ms], yerr=[sd for _, sd in ms], marker="o", capsize=3,
                    label=LABEL.get(k, k), color=COLOURS.get(k))
    ax.set_xscale("log", base=2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    save_figure(fig, args.out, what)


def report_battle(args, results, pairs):
    runs = [os.path.join(args.out, "runs", d) for d in sorted(os.listdir(os.path.join(args.out, "runs")))
            if d.startswith("battle_") and os.path.isdir(os.path.join(args.out, "runs", d))]
    doc = {"experiment": "battle", "episodes": args.episodes, "max_steps": args.max_steps, "seeds": args.seeds,
           "tail": args.tail, "results": results, "runs_started_at": train_commits(runs)}
    write_atomic(os.path.join(args.out, "battle.json"), json.dumps(doc, indent=1) + "\n")
    lines = ["# 12 v 12 battle, both teams learning", "",
             f"{args.episodes} episodes of {args.max_steps} steps, seeds {args.seeds}; win rate of the first "
             f"algorithm over the last {args.tail} training episodes (win 1, draw 1/2), mean ± sd over seeds.", "",
             "| pair | win rate of the first | per seed |", "|---|---|---|"]
    for a, b in pairs:
        v = results[f"{a}_v_{b}"]["win_rate_tail"]
        m, sd = mean_sd(v)
        lines.append(f"| {LABEL[a]} v {LABEL[b]} | {m:.2f} ± {sd:.2f} | " + ", ".join(f"{x:.2f}" for x in v) + " |")
    write_atomic(os.path.join(args.out, "battle.md"), "\n".join(lines) + "\n")
    log("\n".join(lines))
    plt = pyplot()
    if plt is None:
        return
    fig, axes = plt.subplots(1, len(pairs), figsize=(4.5 * len(pairs), 3.8))
    axes = axes if len(pairs) > 1 else [axes]
    for ax, (a, b) in zip(axes, pairs):
        for s, c in zip(args.seeds, results[f"{a}_v_{b}"]["reward_difference"]):
            w = max(1, len(c) // 20)
            sm = [sum(c[max(0, i - w + 1):i + 1]) / len(c[max(0, i - w + 1):i + 1]) for i in range(len(c))]
            ax.plot(sm, label=f"seed {s}")
        ax.axhline(0, color="black", lw=0.5)
        ax.set_title(f"{LABEL[a]} − {LABEL[b]}", fontsize=10)
        ax.set_xlabel("episode")
        ax.set_ylabel("team return difference")
        ax.legend(fontsize=7)
    fig.tight_layout()
    save_figure(fig, args.out, "battle")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("experiment", choices=["pursuit", "incremental", "battle", "scale"])
    p.add_argument("--out", default="docs/learning/team_reward")
    p.add_argument("--myriad", default="build/ci/myriad")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--n", type=int, nargs="+", default=[4, 8, 16, 32, 64, 128], help="predator counts")
    p.add_argument("--methods", nargs="+", default=None)
    p.add_argument("--episodes", type=int, default=80)
    p.add_argument("--max-steps", type=int, default=300)
    p.add_argument("--tail", type=int, default=10)
    p.add_argument("--battle-map", type=int, default=24)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--scale-n", type=int, default=100000, help="scale: agents per team / predators")
    args = p.parse_args()
    if args.methods is None:
        args.methods = (["iql", "mfq", "vdn", "qmix", "mfqmix", "mfq_individual"] if args.experiment == "pursuit"
                        else ["mfq", "qmix", "mfqmix"])
    methods = [m for m in LABEL if m not in ("incremental", "population")]
    for m in args.methods:
        if m not in methods:
            p.error(f"--methods: {m} is not one of {', '.join(methods)}")
    if not os.access(args.myriad, os.X_OK):
        p.error(f"--myriad: {args.myriad} is not an executable (build with cmake --build build/ci)")
    os.makedirs(os.path.join(args.out, "runs"), exist_ok=True)
    {"pursuit": pursuit, "incremental": incremental, "battle": battle, "scale": scale}[args.experiment](args)


if __name__ == "__main__":
    main()
