#!/usr/bin/env python3
"""cross_comparison.py: the mean-field paper's cross-comparison (Yang et al. 2018, battle), end to end.

MF-Q, IQL, MF-AC and AC are each trained by self-play (opponent = selfplay_lagged) in 64 v 64 battle
(40x40, 400 steps) for EPISODES rounds on every seed; then every pair plays head to head on each seed
(random placement, sides swapped every other episode, EVAL_EPISODES episodes), and each method plays
`random` as a check. The report is a 4x4 win-rate matrix with Wilson 95% intervals (over all seeds, and
per seed), each method's mean total reward per episode in those matches, the ranking by mean win rate
against the other three, and whether the published ranking MF-Q > IQL > MF-AC > AC holds: results.json,
summary.md and cross_comparison.png in OUT.

  python3 scripts/cross_comparison.py [--out DIR] [--episodes N] [--seeds 0,1,2] [--eval-episodes N]
                                      [--jobs J] [--myriad PATH] [--stage all|train|eval|report]

Runs are resumable: a finished run is kept, a killed one continues from its latest checkpoint (--resume),
an evaluation whose JSON exists is not played again. Each job runs on one OpenMP thread (two single-
threaded runs beat one run on two threads at 64 v 64 on a 2-core machine). Settings per method:
MF-Q and IQL with the greedy double-Q target (algorithms.md: what the authors' code does, and the
target MF-Q beat IQL with here); MF-AC and AC with the critic target of algorithms.md (the target actor's
expectation) and the trainer's defaults otherwise (lr 1e-3, batch 256, replay ratio 2, the entropy
weight annealed 1 -> 0.05 with the Q-learners' temperature). In evaluation the Q-networks play greedily
and the actors sample their policy, as the paper's actor-critics do (--greedy-actors: argmax).
"""
import argparse
import concurrent.futures as cf
import datetime
import json
import math
import os
import subprocess
import sys
import time

from learning_report import log, write_atomic, train_commits

METHODS = ["mfq", "iql", "mfac", "ac"]
LABEL = {"mfq": "MF-Q", "iql": "IQL", "mfac": "MF-AC", "ac": "AC"}
SETTINGS = {
    "mfq": ["algorithm=mfq", "target=greedy_double"],
    "iql": ["algorithm=iql"],
    "mfac": ["algorithm=mfac"],
    "ac": ["algorithm=ac"],
}
PUBLISHED = ["mfq", "iql", "mfac", "ac"]  # MF-Q > IQL > MF-AC > AC


def wilson(successes, n, z=1.96):
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(0.0, c - h), min(1.0, c + h)


def run(cmd, logfile):
    env = dict(os.environ, OMP_NUM_THREADS="1")
    with open(logfile, "a") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}; see {logfile}")


def episodes_done(run_dir):
    path = os.path.join(run_dir, "metrics.csv")
    if not os.path.exists(path):
        return 0
    with open(path) as f:
        return max(0, sum(1 for _ in f) - 1)


def train(args, method, seed):
    run_dir = os.path.join(args.out, "runs", f"{method}_s{seed}")
    done = episodes_done(run_dir)
    latest = os.path.join(run_dir, "checkpoints", "latest.bin")
    if done >= args.episodes and os.path.exists(latest):
        return f"{method} seed {seed}: kept ({done} episodes)"
    logfile = os.path.join(args.out, "logs", f"train_{method}_s{seed}.log")
    if os.path.exists(latest):
        cmd = [args.myriad, "train", "--resume", run_dir, "--quiet"]
    else:
        cmd = [args.myriad, "train", "--backend", args.backend, "--out", run_dir, "--quiet",
               "--set", "opponent=selfplay_lagged", "--set", f"episodes={args.episodes}", "--set", f"seed={seed}",
               "--set", "checkpoint_every=250"]
        for s in SETTINGS[method]:
            cmd += ["--set", s]
    t0 = time.time()
    run(cmd, logfile)
    return f"{method} seed {seed}: trained in {(time.time() - t0) / 60:.1f} min"


def evaluate(args, a, b, seed, episodes, name):
    path = os.path.join(args.out, "eval", name + ".json")
    if os.path.exists(path):
        return f"{name}: kept"
    player = lambda m: m if m == "random" else os.path.join(args.out, "runs", f"{m}_s{seed}")
    cmd = [args.myriad, "eval", player(a), player(b), "--episodes", str(episodes), "--placement", "random",
           "--backend", args.backend, "--seed", str(1000000 + 100000 * seed), "--json", path + ".tmp", "-q"]
    if args.greedy_actors:
        cmd.append("--greedy-actor")
    run(cmd, os.path.join(args.out, "logs", f"eval_{name}.log"))
    os.replace(path + ".tmp", path)
    return f"{name}: played"


def parallel(jobs, tasks):
    with cf.ThreadPoolExecutor(max_workers=jobs) as ex:
        futures = [ex.submit(*t) for t in tasks]
        for f in cf.as_completed(futures):
            log(f.result())


def pairs():
    return [(METHODS[i], METHODS[j]) for i in range(len(METHODS)) for j in range(i + 1, len(METHODS))]


def report(args):
    seeds = args.seeds
    n = len(METHODS)
    agg = {(a, b): [0.0, 0] for a in METHODS for b in METHODS}  # successes of a against b, episodes
    per_seed = {}
    reward = {m: [] for m in METHODS}  # team total reward per episode in the head-to-heads
    kills = {m: [] for m in METHODS}
    for seed in seeds:
        for a, b in pairs():
            with open(os.path.join(args.out, "eval", f"{a}_v_{b}_s{seed}.json")) as f:
                r = json.load(f)
            e = r["episodes"]
            s_a = r["wins"] + 0.5 * r["draws"]
            agg[(a, b)][0] += s_a
            agg[(a, b)][1] += e
            agg[(b, a)][0] += e - s_a
            agg[(b, a)][1] += e
            per_seed[f"{a}_v_{b}_s{seed}"] = {"win_rate": r["win_rate"], "wilson95": r["wilson95"], "wins": r["wins"],
                                              "draws": r["draws"], "losses": r["losses"]}
            team = r["world"]["agents_per_team"]
            for ep in r["per_episode"]:
                reward[a].append(ep["per_agent_return"][0] * team)
                reward[b].append(ep["per_agent_return"][1] * team)
                kills[a].append(ep["kills"][0])
                kills[b].append(ep["kills"][1])
    matrix = {}
    for a in METHODS:
        for b in METHODS:
            if a == b:
                continue
            s, e = agg[(a, b)]
            lo, hi = wilson(s, e)
            matrix[f"{a}_v_{b}"] = {"win_rate": s / e, "wilson95": [lo, hi], "episodes": e}
    mean_wr = {a: sum(matrix[f"{a}_v_{b}"]["win_rate"] for b in METHODS if b != a) / (n - 1) for a in METHODS}
    ranking = sorted(METHODS, key=lambda m: -mean_wr[m])
    vs_random = {}
    for m in METHODS:
        rs = []
        for seed in seeds:
            p = os.path.join(args.out, "eval", f"{m}_v_random_s{seed}.json")
            if os.path.exists(p):
                with open(p) as f:
                    rs.append(json.load(f))
        if rs:
            s = sum(r["wins"] + 0.5 * r["draws"] for r in rs)
            e = sum(r["episodes"] for r in rs)
            vs_random[m] = {"win_rate": s / e, "wilson95": list(wilson(s, e)), "episodes": e}
    # Pairwise agreement with the published order: each published pair (better, worse) holds when the
    # better one's aggregated win rate against the other is above 1/2 with its interval clear of 1/2.
    published = []
    for i in range(n):
        for j in range(i + 1, n):
            a, b = PUBLISHED[i], PUBLISHED[j]
            m = matrix[f"{a}_v_{b}"]
            verdict = "holds" if m["wilson95"][0] > 0.5 else "reversed" if m["wilson95"][1] < 0.5 else "not resolved"
            published.append({"pair": f"{a} > {b}", "win_rate": m["win_rate"], "wilson95": m["wilson95"],
                              "verdict": verdict})
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    res = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit,
        "train_commits": train_commits([os.path.join(args.out, "runs", f"{m}_s{s}") for s in seeds for m in METHODS]),
        "backend": args.backend,
        "configuration": {"game": "battle", "agents_per_team": 64, "map_size": 40, "max_steps": 400,
                          "training": "self-play (selfplay_lagged)", "episodes": args.episodes, "seeds": seeds,
                          "eval_episodes_per_pair_and_seed": args.eval_episodes, "placement": "random",
                          "sides": "swapped every other episode", "settings": SETTINGS,
                          "actor_play": "greedy" if args.greedy_actors else "sample"},
        "matrix": matrix, "per_seed": per_seed, "mean_win_rate": mean_wr, "ranking": ranking,
        "mean_total_reward": {m: sum(reward[m]) / len(reward[m]) for m in METHODS},
        "mean_kills": {m: sum(kills[m]) / len(kills[m]) for m in METHODS},
        "vs_random": vs_random, "published_order": published,
        "published_ranking_holds": ranking == PUBLISHED,
    }
    write_atomic(os.path.join(args.out, "results.json"), json.dumps(res, indent=2) + "\n")
    write_summary(args, res)
    plot(args, res)
    log(f"ranking here: {' > '.join(LABEL[m] for m in ranking)} (published: MF-Q > IQL > MF-AC > AC)")


def write_summary(args, res):
    L = []
    c = res["configuration"]
    L.append("# The mean-field paper's cross-comparison, reproduced (issue 11 item 5)\n")
    L.append(f"Made by `python3 scripts/cross_comparison.py` on {res['date']}, report at commit `{res['commit']}` "
             f"(runs started at {', '.join('`' + c[:7] + '`' for c in res['train_commits'])}), "
             f"{res['backend']} backend. MF-Q, IQL, MF-AC and AC each trained by self-play (`selfplay_lagged`) in "
             f"64 v 64 battle (40x40, 400 steps) for {c['episodes']} rounds on seeds {', '.join(map(str, c['seeds']))}; "
             f"then every pair head to head on each seed: {c['eval_episodes_per_pair_and_seed']} episodes, random "
             f"placement, sides swapped every other episode; Q-networks greedy, actors "
             f"{'greedy' if c['actor_play'] == 'greedy' else 'sampling π'}. A wins an episode when it killed more "
             f"than it lost; win rate = (W + D/2)/E with a Wilson 95% interval, over all seeds.\n")
    L.append("## Win rate of the row against the column\n")
    L.append("| | " + " | ".join(LABEL[m] for m in METHODS) + " | mean |")
    L.append("| --- " * (len(METHODS) + 2) + "|")
    for a in METHODS:
        cells = []
        for b in METHODS:
            if a == b:
                cells.append("–")
            else:
                m = res["matrix"][f"{a}_v_{b}"]
                cells.append(f"{m['win_rate']:.3f} ({m['wilson95'][0]:.3f}–{m['wilson95'][1]:.3f})")
        L.append(f"| **{LABEL[a]}** | " + " | ".join(cells) + f" | {res['mean_win_rate'][a]:.3f} |")
    L.append("")
    L.append("| method | mean total reward per episode (team of 64) | mean kills per episode | v random: win rate (Wilson 95%) |")
    L.append("| --- | --- | --- | --- |")
    for m in METHODS:
        vr = res["vs_random"].get(m)
        vr_text = f"{vr['win_rate']:.3f} ({vr['wilson95'][0]:.3f}–{vr['wilson95'][1]:.3f}), {vr['episodes']} episodes" if vr else "–"
        L.append(f"| {LABEL[m]} | {res['mean_total_reward'][m]:.1f} | {res['mean_kills'][m]:.1f} | {vr_text} |")
    L.append("")
    L.append(f"Ranking here (mean win rate against the other three): **{' > '.join(LABEL[m] for m in res['ranking'])}**; "
             f"published: MF-Q > IQL > MF-AC > AC — {'the same order' if res['published_ranking_holds'] else 'a different order'}.\n")
    L.append("| published pair | win rate of the first | Wilson 95% | here |")
    L.append("| --- | --- | --- | --- |")
    for p in res["published_order"]:
        a, b = p["pair"].split(" > ")
        L.append(f"| {LABEL[a]} > {LABEL[b]} | {p['win_rate']:.3f} | {p['wilson95'][0]:.3f}–{p['wilson95'][1]:.3f} | {p['verdict']} |")
    L.append("")
    L.append("Per seed (win rate of the first of the pair):\n")
    L.append("| pair | " + " | ".join(f"seed {s}" for s in c["seeds"]) + " |")
    L.append("| --- " * (len(c["seeds"]) + 1) + "|")
    for a, b in pairs():
        row = [f"{res['per_seed'][f'{a}_v_{b}_s{s}']['win_rate']:.3f}" for s in c["seeds"]]
        L.append(f"| {LABEL[a]} v {LABEL[b]} | " + " | ".join(row) + " |")
    L.append("\n![cross-comparison](cross_comparison.png)\n")
    write_atomic(os.path.join(args.out, "summary.md"), "\n".join(L) + "\n")


def plot(args, res):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("no matplotlib: the picture is not drawn (run with /usr/bin/python3 or install matplotlib)")
        return
    n = len(METHODS)
    fig, axes = plt.subplots(1, 3, figsize=(17, 5.2), gridspec_kw={"width_ratios": [1.15, 0.8, 1.3]})
    ax = axes[0]
    grid = [[float("nan") if a == b else res["matrix"][f"{a}_v_{b}"]["win_rate"] for b in METHODS] for a in METHODS]
    im = ax.imshow(grid, vmin=0, vmax=1, cmap="RdBu")
    for i, a in enumerate(METHODS):
        for j, b in enumerate(METHODS):
            if a == b:
                continue
            m = res["matrix"][f"{a}_v_{b}"]
            ax.text(j, i, f"{m['win_rate']:.2f}\n[{m['wilson95'][0]:.2f}, {m['wilson95'][1]:.2f}]", ha="center",
                    va="center", fontsize=9, color="black")
    ax.set_xticks(range(n), [LABEL[m] for m in METHODS])
    ax.set_yticks(range(n), [LABEL[m] for m in METHODS])
    ax.set_xlabel("opponent")
    ax.set_title(f"win rate of row v column ({len(res['configuration']['seeds'])} seeds)")
    fig.colorbar(im, ax=ax, fraction=0.046)
    ax = axes[1]
    vals = [res["mean_total_reward"][m] for m in METHODS]
    ax.bar([LABEL[m] for m in METHODS], vals, color=["#d62728", "#1f77b4", "#ff7f0e", "#2ca02c"])
    ax.set_title("mean total reward per episode\n(team of 64, head-to-head games)")
    ax.axhline(0, color="gray", lw=0.8)
    ax = axes[2]
    for m, col in zip(METHODS, ["#d62728", "#1f77b4", "#ff7f0e", "#2ca02c"]):
        for k, seed in enumerate(res["configuration"]["seeds"]):
            path = os.path.join(args.out, "runs", f"{m}_s{seed}", "metrics.csv")
            if not os.path.exists(path):
                continue
            with open(path) as f:
                head = f.readline().strip().split(",")
                col_k = head.index("kills_learner")
                ys = [float(line.split(",")[col_k]) for line in f if line.strip()]
            w = 50
            sm = [sum(ys[max(0, i - w + 1):i + 1]) / len(ys[max(0, i - w + 1):i + 1]) for i in range(len(ys))]
            ax.plot(sm, color=col, alpha=0.8, lw=1.2, label=LABEL[m] if k == 0 else None)
    ax.set_xlabel("self-play round")
    ax.set_ylabel("kills by the learner per round (mean of 50)")
    ax.set_title("training: kills against the lagged copy")
    ax.legend()
    fig.suptitle("MF-Q, IQL, MF-AC, AC in 64 v 64 battle (Myriad, CPU)")
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "cross_comparison.png.tmp.png"), dpi=110)
    os.replace(os.path.join(args.out, "cross_comparison.png.tmp.png"), os.path.join(args.out, "cross_comparison.png"))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default=os.path.join(root, "docs", "learning", "cross_comparison"))
    p.add_argument("--episodes", type=int, default=1000)
    p.add_argument("--seeds", default="0,1,2")
    p.add_argument("--eval-episodes", type=int, default=200)
    p.add_argument("--random-episodes", type=int, default=50)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--myriad", default=os.path.join(root, "build", "ci", "myriad"))
    p.add_argument("--backend", default="cpu")
    p.add_argument("--greedy-actors", action="store_true")
    p.add_argument("--stage", default="all", choices=["all", "train", "eval", "report"])
    args = p.parse_args()
    args.seeds = [int(s) for s in args.seeds.split(",")]
    if not os.access(args.myriad, os.X_OK):
        sys.exit(f"cross_comparison: no myriad binary at {args.myriad}; build it (cmake --preset ci && cmake --build build/ci)")
    for d in ("runs", "eval", "logs"):
        os.makedirs(os.path.join(args.out, d), exist_ok=True)
    t0 = time.time()
    if args.stage in ("all", "train"):
        log(f"training {len(METHODS)} methods x {len(args.seeds)} seeds, {args.episodes} rounds each, {args.jobs} at a time")
        parallel(args.jobs, [(train, args, m, s) for s in args.seeds for m in METHODS])
    if args.stage in ("all", "eval"):
        tasks = [(evaluate, args, a, b, s, args.eval_episodes, f"{a}_v_{b}_s{s}") for s in args.seeds for a, b in pairs()]
        tasks += [(evaluate, args, m, "random", s, args.random_episodes, f"{m}_v_random_s{s}") for s in args.seeds
                  for m in METHODS]
        log(f"evaluating {len(tasks)} matches")
        parallel(args.jobs, tasks)
    if args.stage in ("all", "report"):
        report(args)
    log(f"done in {(time.time() - t0) / 60:.1f} min; results in {args.out}")


if __name__ == "__main__":
    main()
