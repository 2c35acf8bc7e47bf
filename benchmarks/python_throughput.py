#!/usr/bin/env python3
"""python_throughput.py: agent-steps/s from Python, side by side, on the same game and map size:

  batched   myriad.Env: one integer array per group in, whole-group arrays out (zero copy)
  dropin    myriad.magent.<game>.parallel_env: MAgent2's PettingZoo API (per-agent dicts)
  magent2   magent2.environments.<game>.parallel_env: MAgent2's own PettingZoo env

Every variant plays uniform random actions drawn with NumPy (one draw per step, as a user would) for the
same number of steps, resetting when an episode ends; agent-steps counts the agents that acted. The
batched API runs without mean actions (MAgent2 has none; --mean-action radius adds them). Trials
alternate the variants; the median is reported. Results (machine, commit, date, every trial) go to
benchmarks/results/python_throughput.json; benchmarks/make_report.py puts them in BENCHMARKS.md.

  python3 benchmarks/python_throughput.py [--game battle_v4] [--sizes 45,200] [--steps 200] [--trials 3]
"""
import argparse
import datetime
import importlib
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

# magent2 sets OMP_NUM_THREADS (to cores // 2) when imported if it is unset; Myriad's OpenMP runtime reads it
# when myriad is imported, which happens first here. What was set before either: recorded as given.
OMP_AT_START = os.environ.get("OMP_NUM_THREADS")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run_batched(game, size, steps, seed, mean_action):
    import myriad
    env = myriad.Env(game, backend="cpu", seed=seed, map_size=size, mean_action=mean_action)
    rng = np.random.default_rng(seed)
    groups = [(g, env.group_info(g)["count"], env.n_actions(g)) for g in env.acting_groups]
    out = env.reset()
    agent_steps = 0
    t0 = time.perf_counter()
    for _ in range(steps):
        if env.done:
            out = env.reset()
        live = sum(int(out[g].alive.sum()) for g, _, _ in groups)
        out = env.step({g: rng.integers(0, k, n, dtype=np.int32) for g, n, k in groups})
        agent_steps += live
    return agent_steps, time.perf_counter() - t0, env.n_agents


def run_pettingzoo(module, size, steps, seed, **kw):
    env = module.parallel_env(map_size=size, max_cycles=10**9, **kw) if size else module.parallel_env(max_cycles=10**9, **kw)
    rng = np.random.default_rng(seed)
    env.reset(seed=seed)
    n_act = {a: env.action_space(a).n for a in env.possible_agents}
    high = np.array([n_act[a] for a in env.possible_agents])
    index = {a: i for i, a in enumerate(env.possible_agents)}
    agent_steps = 0
    t0 = time.perf_counter()
    for _ in range(steps):
        if not env.agents:
            env.reset()
        draws = (rng.random(len(high)) * high).astype(np.int64)
        actions = {a: int(draws[index[a]]) for a in env.agents}
        env.step(actions)
        agent_steps += len(actions)
    return agent_steps, time.perf_counter() - t0, len(env.possible_agents)


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "load_average": [round(x, 2) for x in load],
            "omp_num_threads": OMP_AT_START or "unset (all cores)"}


def commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--game", default="battle_v4")
    ap.add_argument("--sizes", default="45,200", help="map sides (the game's default population rule)")
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--mean-action", default="off", choices=["off", "radius"])
    ap.add_argument("--json", default=os.path.join(HERE, "results", "python_throughput.json"))
    ap.add_argument("--threads", type=int, default=0, help="OpenMP threads of Myriad's CPU backend (0: all cores)")
    args = ap.parse_args(argv)
    global OMP_AT_START
    if args.threads > 0:  # before the extension (and its OpenMP runtime) is loaded
        os.environ["OMP_NUM_THREADS"] = OMP_AT_START = str(args.threads)

    import myriad
    import myriad.magent as mm
    from myriad import games as mgames
    game = mgames.resolve(args.game)
    magent_name = next(k for k, v in mgames.MAGENT_NAMES.items() if v == game)
    try:
        ref = importlib.import_module(f"magent2.environments.{magent_name}")
    except ImportError:
        ref = None
    variants = [("batched", lambda s, seed: run_batched(game, s, args.steps, seed, args.mean_action)),
                ("dropin", lambda s, seed: run_pettingzoo(mm.MODULES[magent_name], s, args.steps, seed, backend="cpu"))]
    if ref is not None:
        variants.append(("magent2", lambda s, seed: run_pettingzoo(ref, s, args.steps, seed)))
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        row = {"map_size": size, "trials": {name: [] for name, _ in variants}}
        for trial in range(args.trials):
            for name, fn in variants:
                agent_steps, secs, agents = fn(size, trial)
                row["trials"][name].append({"agent_steps": agent_steps, "seconds": secs,
                                            "agent_steps_per_s": agent_steps / secs})
                row.setdefault("agents", {})[name] = agents
                print(f"{game} S={size} {name:8s} trial {trial}: {agents} agents, "
                      f"{agent_steps / secs:,.0f} agent-steps/s", flush=True)
        row["median_agent_steps_per_s"] = {
            name: float(np.median([t["agent_steps_per_s"] for t in tr])) for name, tr in row["trials"].items()}
        med = row["median_agent_steps_per_s"]
        if "magent2" in med:
            row["speedup_vs_magent2"] = {k: med[k] / med["magent2"] for k in med if k != "magent2"}
        results.append(row)
    doc = {"benchmark": "python_throughput", "game": game, "magent_name": magent_name,
           "steps_per_trial": args.steps, "trials": args.trials, "mean_action": args.mean_action,
           "backend": "cpu", "myriad_version": myriad.__version__,
           "magent2_version": getattr(sys.modules.get("magent2"), "__version__", "0.3.4") if ref else None,
           "commit": commit(), "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
           "machine": machine(), "results": results,
           "notes": ["Agent-steps/s = agents that acted per second of env.step() wall time plus the NumPy action "
                     "draw, CPU backend (OpenMP over the machine's cores), magent2 single-threaded engine.",
                     "magent2 sets OMP_NUM_THREADS=cores//2 for its own engine when imported; myriad is imported first, so "
                     "its OpenMP runtime keeps the setting recorded under machine.",
                     "The drop-in and magent2 build and return per-agent dicts; the batched API returns the same "
                     "whole-group arrays every step (views of the engine's buffers)."]}
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    tmp = args.json + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1)
    os.replace(tmp, args.json)
    print("wrote", args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
