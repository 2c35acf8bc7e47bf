#!/usr/bin/env python3
"""zero_shot.py: the cross-comparison's 64 v 64 networks at large populations, zero-shot (issue 11 item 6).

Each method's network of the cross-comparison (scripts/cross_comparison.py: MF-Q, IQL, MF-AC, AC trained
by self-play at 64 v 64 on 40x40) plays `random` at 1,000, 10,000 and 100,000 agents per team without
any further training: `myriad eval RUN random --agents-per-team N`, which keeps MAgent's density (map
side ceil(5*sqrt(N))), random placement, sides swapped every other episode, 400 steps as in training
(Q-networks greedy, actors sampling π). Results: zero_shot.json and zero_shot.md in OUT.

  python3 scripts/zero_shot.py [--runs DIR] [--out DIR] [--seeds 0] [--sizes 1000:10,10000:2,100000:1]
                               [--jobs J] [--myriad PATH] [--backend cpu] [--methods mfq,iql,mfac,ac]
                               [--note "where the networks came from"]
A result file already in OUT/zero_shot/ is kept, not played again.
"""
import argparse
import concurrent.futures as cf
import datetime
import json
import os
import subprocess
import sys
import time

from learning_report import log, write_atomic

METHODS = ["mfq", "iql", "mfac", "ac"]
LABEL = {"mfq": "MF-Q", "iql": "IQL", "mfac": "MF-AC", "ac": "AC"}


def play(args, method, seed, n, episodes):
    path = os.path.join(args.out, "zero_shot", f"{method}_s{seed}_{n}.json")
    if os.path.exists(path):
        return path, "kept", 0.0
    run = os.path.join(args.runs, f"{method}_s{seed}")
    cmd = [args.myriad, "eval", run, "random", "--agents-per-team", str(n), "--episodes", str(episodes),
           "--placement", "random", "--max-steps", "400", "--backend", args.backend, "--seed", "7000000",
           "--json", path + ".tmp", "-q"]
    t0 = time.time()
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr.strip()}")
    os.replace(path + ".tmp", path)
    return path, "played", time.time() - t0


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runs", default=os.path.join(root, "docs", "learning", "cross_comparison", "runs"))
    p.add_argument("--out", default=os.path.join(root, "docs", "learning", "cross_comparison"))
    p.add_argument("--seeds", default="0")
    p.add_argument("--sizes", default="1000:10,10000:2,100000:1", help="N:episodes,...")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--myriad", default=os.path.join(root, "build", "ci", "myriad"))
    p.add_argument("--backend", default="cpu")
    p.add_argument("--methods", default=",".join(METHODS))
    p.add_argument("--note", default="", help="a sentence for the report on where the networks came from")
    args = p.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    methods = [m for m in args.methods.split(",") if m]
    if not methods or any(m not in METHODS for m in methods):
        sys.exit(f"zero_shot: --methods takes some of {','.join(METHODS)}, got '{args.methods}'")
    sizes = [(int(a), int(b)) for a, b in (x.split(":") for x in args.sizes.split(","))]
    if not os.access(args.myriad, os.X_OK):
        sys.exit(f"zero_shot: no myriad binary at {args.myriad}")
    os.makedirs(os.path.join(args.out, "zero_shot"), exist_ok=True)
    tasks = [(m, s, n, e) for n, e in sizes for s in seeds for m in methods]
    seconds = {}  # a kept result keeps the playing time the last report measured for it
    try:
        with open(os.path.join(args.out, "zero_shot.json")) as f:
            for r in json.load(f).get("rows", []):
                if r.get("seconds"):
                    seconds[(r["method"], r["seed"], r["agents_per_team"])] = r["seconds"]
    except (OSError, ValueError, KeyError):
        pass
    with cf.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = {ex.submit(play, args, m, s, n, e): (m, s, n) for m, s, n, e in tasks}
        for f in cf.as_completed(futs):
            path, what, secs = f.result()
            if secs:
                seconds[futs[f]] = secs
            log(f"{os.path.basename(path)}: {what}" + (f" in {secs / 60:.1f} min" if secs else ""))
    rows = []
    for n, _ in sizes:
        for m in methods:
            for s in seeds:
                with open(os.path.join(args.out, "zero_shot", f"{m}_s{s}_{n}.json")) as f:
                    r = json.load(f)
                rows.append({"method": m, "seed": s, "agents_per_team": n, "map_size": r["world"]["map_size"],
                             "episodes": r["episodes"], "wins": r["wins"], "draws": r["draws"],
                             "losses": r["losses"], "win_rate": r["win_rate"], "wilson95": r["wilson95"],
                             "mean_kills": [r["a"]["mean_kills"], r["b"]["mean_kills"]],
                             "mean_survivors": [r["a"]["mean_survivors"], r["b"]["mean_survivors"]],
                             "return_per_agent": [r["a"]["mean_per_agent_return"], r["b"]["mean_per_agent_return"]],
                             "actor_play": r.get("actor_play", "sample"),
                             "steps": sum(e["steps"] for e in r["per_episode"]),
                             "seconds": seconds.get((m, s, n)) or None})
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=root).stdout.strip()
    res = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "commit": commit,
           "backend": args.backend, "note": args.note, "rows": rows}
    write_atomic(os.path.join(args.out, "zero_shot.json"), json.dumps(res, indent=2) + "\n")
    L = ["# Zero-shot: the cross-comparison's 64 v 64 networks against random at larger populations\n",
         f"Made by `python3 scripts/zero_shot.py` on {res['date']}, commit `{commit}`, {args.backend} backend. "
         "The networks of `scripts/cross_comparison.py` (self-play at 64 v 64 on 40x40; seed "
         f"{', '.join(map(str, seeds))}) play `random` with no further training: `myriad eval RUN random "
         "--agents-per-team N --placement random --max-steps 400`, the map at MAgent's density (side "
         "ceil(5*sqrt(N))), sides swapped every other episode; Q-networks greedy, actors sampling π. A wins an "
         "episode when it killed more than it lost." + (" " + args.note if args.note else "") + "\n",
         "| agents per team (map) | method | episodes | W / D / L | win rate (Wilson 95%) | kills a game: network v random | survivors: network v random |",
         "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        L.append(f"| {r['agents_per_team']:,} ({r['map_size']}²) | {LABEL[r['method']]} (seed {r['seed']}) | "
                 f"{r['episodes']} | {r['wins']} / {r['draws']} / {r['losses']} | {r['win_rate']:.2f} "
                 f"({r['wilson95'][0]:.2f}–{r['wilson95'][1]:.2f}) | {r['mean_kills'][0]:,.0f} v "
                 f"{r['mean_kills'][1]:,.0f} | {r['mean_survivors'][0]:,.0f} v {r['mean_survivors'][1]:,.0f} |")
    top = max(n for n, _ in sizes)
    big = [r for r in rows if r["agents_per_team"] == top and r["seconds"]]
    if big:
        per_step = ", ".join(f"{r['seconds'] / r['steps']:.2f} s ({LABEL[r['method']]})" for r in big)
        L.append(f"\nAt {top:,} per team an evaluation step (both teams' actions and the world's step; fewer "
                 f"agents are left when one side wins early) took {per_step} on {args.threads} thread(s) of this "
                 "machine, beside the other jobs.")
    L.append("\nOne million agents per team needs a GPU; none was lent to this project.")
    write_atomic(os.path.join(args.out, "zero_shot.md"), "\n".join(L) + "\n")
    log(f"wrote {os.path.join(args.out, 'zero_shot.md')}")


if __name__ == "__main__":
    main()
