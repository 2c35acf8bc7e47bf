#!/usr/bin/env python3
"""game_learning.py: every learner on every game's default training configuration (issue 11 item 3).

For each set-up (battle's red against random blue, adversarial pursuit's predators against random prey
and its prey against random predators, gather's omnivores) and each learner (MF-Q, IQL, MF-AC, AC),
`myriad train --scenario GAME [--set learner=GROUP] --set algorithm=A` runs the game's CPU defaults; then
the trained group plays its evaluation episodes (Q-networks greedy, actors sampling π) against the same
opponents, and so do random players in its place, on the same seeds. What is measured, per set-up:
battle the win rate against random (`myriad eval`, random placement); pursuit and gather the learning
group's reward per agent and episode (`myriad run`), trained against random. Results: results.json,
summary.md and game_learning.png (the learning curves) in OUT.

  python3 scripts/game_learning.py [--out DIR] [--algorithms mfq,iql,mfac,ac] [--setups ...] [--jobs J]
                                   [--eval-episodes N] [--myriad PATH]

A finished run or evaluation is kept; each job runs on one OpenMP thread.
"""
import argparse
import concurrent.futures as cf
import datetime
import json
import os
import re
import subprocess
import sys

from learning_report import log, write_atomic, train_commits

ALGORITHMS = ["mfq", "iql", "mfac", "ac"]
LABEL = {"mfq": "MF-Q", "iql": "IQL", "mfac": "MF-AC", "ac": "AC"}
# name: (scenario, learning group, the other groups' policy in evaluation, title)
SETUPS = {
    "battle": ("battle", "red", "blue=random", "battle: red (both sides in turn) v random"),
    "pursuit_predator": ("adversarial_pursuit", "predator", "prey=random", "pursuit: predators v random prey"),
    "pursuit_prey": ("adversarial_pursuit", "prey", "predator=random", "pursuit: prey v random predators"),
    "gather": ("gather", "omnivore", "", "gather: omnivores"),
}


def run(cmd, logfile, capture=False):
    env = dict(os.environ, OMP_NUM_THREADS="1")
    with open(logfile, "a") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        r = subprocess.run(cmd, stdout=subprocess.PIPE if capture else f, stderr=subprocess.STDOUT, env=env,
                           text=True)
        if capture:
            f.write(r.stdout)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}; see {logfile}")
    return r.stdout if capture else ""


def train(args, setup, algo):
    scenario, group, _, _ = SETUPS[setup]
    run_dir = os.path.join(args.out, "runs", f"{setup}_{algo}")
    if os.path.exists(os.path.join(run_dir, "checkpoints", "latest.bin")) and os.path.exists(
            os.path.join(run_dir, "done")):
        return f"{setup} {algo}: kept"
    cmd = [args.myriad, "train", "--backend", "cpu", "--scenario", scenario, "--set", f"learner={group}",
           "--set", f"algorithm={algo}", "--set", f"seed={args.seed}", "--out", run_dir, "--quiet"]
    if os.path.exists(os.path.join(run_dir, "checkpoints", "latest.bin")):
        cmd = [args.myriad, "train", "--resume", run_dir, "--quiet"]
    run(cmd, os.path.join(args.out, "logs", f"train_{setup}_{algo}.log"))
    open(os.path.join(run_dir, "done"), "w").close()
    return f"{setup} {algo}: trained"


# "reward predator 7120.202 prey -8961.000" of every "episode N:" line of `myriad run`.
def group_rewards(text, group):
    out = []
    for line in text.splitlines():
        if not line.startswith("episode "):
            continue
        m = re.search(r"reward (.*?), [0-9.e+-]+ agent-steps/s", line)
        fields = m.group(1).split() if m else []
        values = dict(zip(fields[0::2], fields[1::2]))
        if group in values:
            out.append(float(values[group]))
    return out


def evaluate(args, setup, player):
    """player: an algorithm (its trained run) or "random"."""
    scenario, group, others, _ = SETUPS[setup]
    path = os.path.join(args.out, "eval", f"{setup}_{player}.json")
    if os.path.exists(path):
        return f"{setup} {player}: evaluation kept"
    logfile = os.path.join(args.out, "logs", f"eval_{setup}_{player}.log")
    me = "random" if player == "random" else os.path.join(args.out, "runs", f"{setup}_{player}")
    if scenario == "battle":
        cmd = [args.myriad, "eval", me, "random", "--episodes", str(args.eval_episodes), "--placement", "random",
               "--backend", "cpu", "--json", path + ".tmp", "-q"]
        if player == "random":
            cmd += ["--agents-per-team", "64", "--map-size", "40", "--max-steps", "400"]
        run(cmd, logfile)
        with open(path + ".tmp") as f:
            r = json.load(f)
        res = {"measure": "win rate against random", "value": r["win_rate"], "wilson95": r["wilson95"],
               "episodes": r["episodes"], "mean_kills": r["a"]["mean_kills"]}
        os.remove(path + ".tmp")
    else:
        pol = f"{group}={me}" + (f",{others}" if others else "")
        cmd = [args.myriad, "run", "--backend", "cpu", "--scenario", scenario, "--policy", pol, "--episodes",
               str(args.eval_episodes), "--seed", "5000"]
        # The training run's episode length (the game's CPU default), so both play the same episodes.
        with open(os.path.join(args.out, "runs", f"{setup}_{ALGORITHMS[0] if player == 'random' else player}",
                               "config.toml")) as f:
            steps = re.search(r"^max_steps = (\d+)", f.read(), re.M).group(1)
        cmd += ["--steps", steps]
        text = run(cmd, logfile, capture=True)
        rewards = group_rewards(text, group)
        size = re.search(rf"[(, ]{group} (\d+)[,)]", text.splitlines()[0])  # the header: "(predator 25, prey 50)"
        if not rewards or not size:
            raise RuntimeError(f"no episode lines or group sizes in {logfile}")
        per_agent = [r / int(size.group(1)) for r in rewards]
        res = {"measure": f"reward per {group} per episode", "value": sum(per_agent) / len(per_agent),
               "per_episode": per_agent, "episodes": len(per_agent)}
    write_atomic(path, json.dumps(res, indent=2) + "\n")
    return f"{setup} {player}: evaluated"


def curves(args, setup, algo):
    path = os.path.join(args.out, "runs", f"{setup}_{algo}", "metrics.csv")
    with open(path) as f:
        head = f.readline().strip().split(",")
        k = head.index("per_agent_return_learner")
        return [float(line.split(",")[k]) for line in f if line.strip()]


def report(args):
    res = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
           "commit": subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip(),
           "backend": "cpu", "seed": args.seed, "setups": {},
           "train_commits": train_commits([os.path.join(args.out, "runs", f"{st}_{a}") for st in args.setups
                                           for a in args.algorithms])}
    for setup in args.setups:
        with open(os.path.join(args.out, "eval", f"{setup}_random.json")) as f:
            base = json.load(f)
        entry = {"title": SETUPS[setup][3], "random": base, "learners": {}}
        for a in args.algorithms:
            with open(os.path.join(args.out, "eval", f"{setup}_{a}.json")) as f:
                ev = json.load(f)
            c = curves(args, setup, a)
            w = max(1, len(c) // 10)
            with open(os.path.join(args.out, "runs", f"{setup}_{a}", "metrics.csv")) as f:
                secs = sum(float(l.split(",")[18]) for l in list(f)[1:])
            entry["learners"][a] = {"eval": ev, "episodes": len(c), "train_minutes": secs / 60,
                                    "first_tenth_return": sum(c[:w]) / w, "last_tenth_return": sum(c[-w:]) / w}
        res["setups"][setup] = entry
    write_atomic(os.path.join(args.out, "results.json"), json.dumps(res, indent=2) + "\n")
    L = ["# Every learner on every game's default configuration (issue 11 item 3)\n",
         f"Made by `python3 scripts/game_learning.py` on {res['date']}, report at commit `{res['commit']}` (runs started at "
         f"{', '.join('`' + c[:7] + '`' for c in res['train_commits'])}), CPU backend, seed "
         f"{args.seed}. Each run is `myriad train --scenario GAME --set learner=GROUP --set algorithm=A` with the "
         "game's CPU defaults (battle: 64 v 64 on 40x40, 400 steps, 300 episodes; pursuit: MAgent2's 45x45 map with "
         "25 predators and 50 prey, 500 steps, 100 episodes; gather: MAgent2's 200x200 map with 495 omnivores, "
         "500 steps, 100 episodes). Evaluation: the trained group (Q-networks greedy, actors sampling π) and, "
         "for comparison, random players in its place, against the same opponents on the same seeds.\n",
         "| set-up | measure | random | " + " | ".join(LABEL[a] for a in args.algorithms) + " |",
         "| --- | --- | --- |" + " --- |" * len(args.algorithms)]
    for setup, e in res["setups"].items():
        cells = []
        for a in args.algorithms:
            ev = e["learners"][a]["eval"]
            cells.append(f"{ev['value']:.3f}" + (f" ({ev['wilson95'][0]:.2f}–{ev['wilson95'][1]:.2f})" if "wilson95" in ev else ""))
        b = e["random"]
        L.append(f"| {e['title']} | {b['measure']} ({b['episodes']} episodes) | {b['value']:.3f} | " + " | ".join(cells) + " |")
    L.append("\nTraining (return per agent of the learning group, mean of the first and last tenth of the episodes; "
             "minutes of training on one thread):\n")
    L.append("| set-up | " + " | ".join(LABEL[a] for a in args.algorithms) + " |")
    L.append("| --- |" + " --- |" * len(args.algorithms))
    for setup, e in res["setups"].items():
        L.append(f"| {e['title']} | " + " | ".join(
            f"{e['learners'][a]['first_tenth_return']:.2f} → {e['learners'][a]['last_tenth_return']:.2f} "
            f"({e['learners'][a]['train_minutes']:.1f} min)" for a in args.algorithms) + " |")
    L.append("\n![learning curves](game_learning.png)\n")
    write_atomic(os.path.join(args.out, "summary.md"), "\n".join(L) + "\n")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("no matplotlib: no picture")
        return
    fig, axes = plt.subplots(1, len(args.setups), figsize=(5 * len(args.setups), 4.2))
    axes = axes if len(args.setups) > 1 else [axes]
    colours = {"mfq": "#d62728", "iql": "#1f77b4", "mfac": "#ff7f0e", "ac": "#2ca02c"}
    for ax, setup in zip(axes, args.setups):
        for a in args.algorithms:
            c = curves(args, setup, a)
            w = max(1, len(c) // 20)
            sm = [sum(c[max(0, i - w + 1):i + 1]) / len(c[max(0, i - w + 1):i + 1]) for i in range(len(c))]
            ax.plot(sm, color=colours[a], label=LABEL[a])
        ax.set_title(SETUPS[setup][3], fontsize=10)
        ax.set_xlabel("episode")
        ax.set_ylabel("return per agent of the learning group")
        ax.legend(fontsize=8)
    fig.suptitle("Every learner on every game's default CPU configuration (training curves)")
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "game_learning.png.tmp.png"), dpi=100)
    os.replace(os.path.join(args.out, "game_learning.png.tmp.png"), os.path.join(args.out, "game_learning.png"))


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default=os.path.join(root, "docs", "learning", "games"))
    p.add_argument("--algorithms", default=",".join(ALGORITHMS))
    p.add_argument("--setups", default=",".join(SETUPS))
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--eval-episodes", type=int, default=20)
    p.add_argument("--myriad", default=os.path.join(root, "build", "ci", "myriad"))
    args = p.parse_args()
    args.algorithms = args.algorithms.split(",")
    args.setups = args.setups.split(",")
    if not os.access(args.myriad, os.X_OK):
        sys.exit(f"game_learning: no myriad binary at {args.myriad}")
    for d in ("runs", "eval", "logs"):
        os.makedirs(os.path.join(args.out, d), exist_ok=True)
    with cf.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        for f in cf.as_completed([ex.submit(train, args, s, a) for s in args.setups for a in args.algorithms]):
            log(f.result())
    with cf.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        tasks = [ex.submit(evaluate, args, s, a) for s in args.setups for a in args.algorithms + ["random"]]
        for f in cf.as_completed(tasks):
            log(f.result())
    report(args)
    log(f"done; results in {args.out}")


if __name__ == "__main__":
    main()
