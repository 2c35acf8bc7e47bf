#!/usr/bin/env python3
"""compare_magent2.py: the CPU comparison of performance.md: battle env step + observations at
20,000 agents (10,000 per team, 500x500 map, blocks placement, random actions) on this machine,
Myriad's CPU backend (myriad_bench_step --backend cpu, OMP_NUM_THREADS=2) against the magent2
package's C++ engine (magent2.gridworld.GridWorld, no PettingZoo wrapper).

What is timed per step
  Myriad : act (random policy) + step (rules, spatial index, mean action, observations of every
           alive agent), synchronize.
  magent2: random actions drawn with numpy + set_action per group + env.step() + get_observation
           per group + get_reward per group + clear_dead: the engine calls battle_v4 makes per step.
The figure: agents alive at the start of each step over the median step time (agent-steps/s at
the median), per run, then the median over trials; the summed-time figure is kept beside it (the
two differ when other work shares the CPUs). Trials alternate the engines to share the noise.
Extra Myriad runs: one thread (per-core figure), and without the mean action (magent2 has none).

  python3 benchmarks/compare_magent2.py [--bench-bin build/ci/benchmarks/myriad_bench_step]
      [--steps 30] [--warmup 5] [--trials 5] [--threads 2] [--out benchmarks/results/cpu_vs_magent2.json]
"""
import argparse
import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

FIG = "agent_steps_per_s_at_median"
from provenance import ROOT, commit_id  # noqa: E402 (benchmarks/ is the script's folder)


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return None


def cpu_busy_pct(seconds=1.0):
    """Share of the CPUs busy over `seconds` (from /proc/stat), before a run: other work's load."""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
        return sum(v), v[3] + v[4]
    try:
        t0, i0 = sample()
        time.sleep(seconds)
        t1, i1 = sample()
        return round(100.0 * (1 - (i1 - i0) / max(1, t1 - t0)), 1)
    except (OSError, ValueError):
        return None


def wait_for_idle(max_wait_s, threshold=10.0):
    """Waits (up to max_wait_s) until other work uses < threshold % of the CPUs; returns the last
    measured busy share. Myriad's OpenMP threads stall badly when a core is taken by another job."""
    t0 = time.time()
    busy = cpu_busy_pct(1.0)
    while busy is not None and busy >= threshold and time.time() - t0 < max_wait_s:
        time.sleep(4)
        busy = cpu_busy_pct(1.0)
    return busy


def machine_info():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_kb = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_kb = int(line.split()[1])
    except OSError:
        pass
    import numpy
    return {
        "loadavg_at_start": loadavg(),
        "hostname": platform.node(),
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "mem_total_gib": round(mem_kb / 2**20, 1) if mem_kb else None,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
    }


def summarize(ms, agent_steps):
    total_s = sum(ms) / 1e3
    return {
        "steps_timed": len(ms),
        "ms_median": statistics.median(ms),
        "ms_min": min(ms),
        "ms_max": max(ms),
        "ms_mean": statistics.fmean(ms),
        "agent_steps": agent_steps,
        "agent_steps_per_s": agent_steps / total_s,
        "agent_steps_per_s_at_median": agent_steps / len(ms) / (statistics.median(ms) / 1e3),
    }


# ----------------------------------------------------------------------------------------- Myriad
def run_myriad(binary, per_team, steps, warmup, seed, threads, commit, mean_action="radius"):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MYRIAD_COMMIT=commit)
    cmd = [binary, "--backend", "cpu", "--agents", str(2 * per_team), "--steps", str(steps),
           "--warmup", str(warmup), "--seed", str(seed), "--mean-action", mean_action, "--out", out]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    with open(out) as f:
        doc = json.load(f)
    os.unlink(out)
    p = doc["points"][0]
    if "error" in p:
        raise RuntimeError("myriad_bench_step: " + p["error"])
    return doc, p


# ---------------------------------------------------------------------------------------- magent2
def make_magent2(map_size, seed):
    import magent2
    from magent2.environments.battle.battle import get_config
    from magent2.gridworld import GridWorld

    # battle_v4's defaults (rules.md §4), as battle_v4.parallel_env passes them.
    cfg = get_config(map_size, False, seed, step_reward=-0.005, dead_penalty=-0.1,
                     attack_penalty=-0.1, attack_opponent_reward=0.2)
    env = GridWorld(cfg, map_size=map_size)
    env.set_seed(seed)
    env.reset()
    handles = env.get_handles()
    # battle_v4's generate_map: two square blocks on a stride-2 lattice, gap 3 around the centre.
    width = height = map_size
    side = int(math.sqrt(map_size * map_size * 0.04)) * 2
    gap = 3
    left = [[x, y, 0] for x in range(width // 2 - gap - side, width // 2 - gap, 2)
            for y in range((height - side) // 2, (height - side) // 2 + side, 2)
            if 0 < x < width - 1 and 0 < y < height - 1]
    right = [[x, y, 0] for x in range(width // 2 + gap, width // 2 + gap + side, 2)
             for y in range((height - side) // 2, (height - side) // 2 + side, 2)
             if 0 < x < width - 1 and 0 < y < height - 1][:len(left)]
    env.add_agents(handles[0], method="custom", pos=left)
    env.add_agents(handles[1], method="custom", pos=right)
    return env, handles, magent2.__version__


def run_magent2(map_size, steps, warmup, seed):
    import numpy as np

    t0 = time.perf_counter()
    env, handles, version = make_magent2(map_size, seed)
    for h in handles:
        env.get_observation(h)  # the observation after reset, as battle_v4.reset() returns it
    setup_s = time.perf_counter() - t0
    n_actions = int(env.get_action_space(handles[0])[0])
    counts0 = [env.get_num(h) for h in handles]
    rng = np.random.default_rng(seed)
    phases = {"actions": 0.0, "step": 0.0, "observe": 0.0, "reward": 0.0, "clear_dead": 0.0}
    ms, agent_steps, done_early = [], 0, False
    for i in range(warmup + steps):
        alive = sum(env.get_num(h) for h in handles)
        a = time.perf_counter()
        for h in handles:
            env.set_action(h, rng.integers(0, n_actions, env.get_num(h), dtype=np.int32))
        b = time.perf_counter()
        done = env.step()
        c = time.perf_counter()
        for h in handles:
            env.get_observation(h)
        d = time.perf_counter()
        for h in handles:
            env.get_reward(h)
        e = time.perf_counter()
        env.clear_dead()
        f = time.perf_counter()
        if i >= warmup:
            ms.append(1e3 * (f - a))
            agent_steps += alive
            for k, v in zip(phases, (b - a, c - b, d - c, e - d, f - e)):
                phases[k] += v
        if done:
            done_early = True
            break
    res = summarize(ms, agent_steps)
    res["phase_ms_mean"] = {k: 1e3 * v / len(ms) for k, v in phases.items()}
    res["setup_s"] = setup_s
    res["agents"] = sum(counts0)
    res["agents_per_team"] = counts0
    res["alive_at_end"] = sum(env.get_num(h) for h in handles)
    res["view_space"] = [int(v) for v in env.get_view_space(handles[0])]
    res["feature_space"] = [int(v) for v in env.get_feature_space(handles[0])]
    res["episode_ended_early"] = done_early
    return res, version


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench-bin", default=os.path.join(ROOT, "build/ci/benchmarks/myriad_bench_step"))
    ap.add_argument("--agents-per-team", type=int, default=10000)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--trials", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2, help="OMP_NUM_THREADS for Myriad")
    ap.add_argument("--no-single-thread", action="store_true",
                    help="skip the extra Myriad run with OMP_NUM_THREADS=1 (per-core figure)")
    ap.add_argument("--wait-idle", type=float, default=180,
                    help="before each trial, wait up to this many seconds for other work to leave the CPUs")
    ap.add_argument("--no-mean-off", action="store_true",
                    help="skip the extra Myriad run without the mean action (magent2 computes none)")
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks/results/cpu_vs_magent2.json"))
    args = ap.parse_args()

    if not os.access(args.bench_bin, os.X_OK):
        sys.exit(f"compare_magent2: {args.bench_bin} not found; build it first: "
                 "cmake --preset ci && cmake --build build/ci")
    try:
        import magent2  # noqa: F401
    except ImportError:
        sys.exit("compare_magent2: the magent2 package is not installed (pip install magent2==0.3.4)")

    machine = machine_info()
    busy = cpu_busy_pct(2.0)
    machine["cpu_busy_pct_before_start"] = busy
    if busy is not None and busy > 10:
        print(f"warning: the CPUs are {busy}% busy with other work: figures will be noisy")
    map_size = math.ceil(5 * math.sqrt(args.agents_per_team) - 1e-9)
    commit = commit_id()
    print(f"battle, {2 * args.agents_per_team} agents ({args.agents_per_team} per team), map {map_size}x{map_size}, "
          f"blocks, random actions; {args.steps} timed steps after {args.warmup} warm-up, {args.trials} trials")

    # Myriad variants: the headline (OMP_NUM_THREADS=threads, mean action on: the project's env
    # step), one core, and without the mean action (magent2 computes none: like for like).
    variants = [("myriad", args.threads, "radius")]
    if not args.no_single_thread:
        variants.append(("myriad_1_thread", 1, "radius"))
    if not args.no_mean_off:
        variants.append(("myriad_no_mean_action", args.threads, "off"))
    runs = {name: [] for name, _, _ in variants}
    runs["magent2"] = []
    busy_per_trial = []
    myr_doc, version = None, None
    for t in range(args.trials):
        seed = args.seed + t
        busy_per_trial.append(wait_for_idle(args.wait_idle))
        parts = []
        for name, threads, mean in variants:
            doc, p = run_myriad(args.bench_bin, args.agents_per_team, args.steps, args.warmup, seed, threads,
                                commit, mean)
            myr_doc = myr_doc or doc
            runs[name].append(p)
            parts.append(f"{name} {p[FIG]:.4g} (median {p['ms_median']:.2f} ms)")
        m, version = run_magent2(map_size, args.steps, args.warmup, seed)
        runs["magent2"].append(m)
        parts.append(f"magent2 {m[FIG]:.4g} (median {m['ms_median']:.2f} ms)")
        print(f"trial {t} (others' load before it: {busy_per_trial[-1]}% CPU): " + "; ".join(parts), flush=True)

    def med(name, key=FIG):
        return statistics.median(r[key] for r in runs[name])

    g_rate = med("magent2")
    cmd = (f"OMP_NUM_THREADS={{threads}} {os.path.relpath(args.bench_bin, ROOT)} --backend cpu "
           f"--agents {2 * args.agents_per_team} --steps {args.steps} --warmup {args.warmup} "
           f"--mean-action {{mean}} --seed SEED")
    result = {
        "benchmark": "cpu_vs_magent2",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit,
        "machine": machine,
        "workload": {
            "scenario": "battle (MAgent2 battle_v4 defaults)",
            "agents": 2 * args.agents_per_team,
            "agents_per_team": args.agents_per_team,
            "map_side": map_size,
            "placement": "blocks (battle_v4 generate_map)",
            "policy": "uniform random actions",
            "steps": args.steps,
            "warmup": args.warmup,
            "trials": args.trials,
            "seed": args.seed,
            "agent_steps": "agents alive at the start of each timed step, summed",
            "figure": "agent_steps_per_s_at_median: agents per step / median step time, median over trials "
                      "(agent_steps_per_s_total: summed agent-steps / summed step time, median over trials, "
                      "is kept beside it; the two differ when other work shares the CPUs)",
        },
        "magent2": {
            "version": version,
            "engine": "magent2.gridworld.GridWorld (C++ libmagent, single-threaded), no PettingZoo wrapper",
            "timed": "numpy random actions + set_action x2 + step + get_observation x2 + get_reward x2 + clear_dead",
            "agent_steps_per_s_at_median": g_rate,
            "agent_steps_per_s_total": med("magent2", "agent_steps_per_s"),
            "trials": runs["magent2"],
        },
        "target": ">= 2x (must), >= 5x (goal); performance.md",
    }
    for name, threads, mean in variants:
        rate = med(name)
        result[name] = {
            "backend": "cpu",
            "omp_num_threads": threads,
            "mean_action": mean,
            "command": cmd.format(threads=threads, mean=mean),
            "timed": "act (random policy) + step (rules, spatial index, "
                     + ("mean action, " if mean != "off" else "") + "observations) + synchronize",
            "agent_steps_per_s_at_median": rate,
            "agent_steps_per_s_total": med(name, "agent_steps_per_s"),
            "ratio_over_magent2": rate / g_rate,
            "trials": runs[name],
        }
    result["myriad"]["bench_host"] = myr_doc["device"]["host"] if myr_doc else None
    # The target's workload is "environment step + observations", what magent2 computes; the
    # mean action is Myriad's extra phase, reported beside it.
    like = "myriad_no_mean_action" if "myriad_no_mean_action" in result else "myriad"
    ratio = result[like]["ratio_over_magent2"]
    result["ratio_myriad_over_magent2"] = ratio
    result["ratio_basis"] = like + " (step + observations, like for like)"
    result["ratio_with_mean_action"] = result["myriad"]["ratio_over_magent2"]
    result["loadavg_at_end"] = loadavg()
    result["cpu_busy_pct_before_each_trial"] = busy_per_trial

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print()
    for name, threads, mean in variants:
        r = result[name]
        print(f"{name:24s} ({threads} thread{'s' if threads > 1 else ''}, mean action {mean:6s}): "
              f"{r['agent_steps_per_s_at_median']:.4g} agent-steps/s  ({r['ratio_over_magent2']:.2f}x magent2)")
    print(f"{'magent2 ' + str(version):24s} (1 thread, no mean action):       {g_rate:.4g} agent-steps/s")
    print(f"ratio Myriad/magent2, step + observations (like for like): {ratio:.2f}x (target >= 2x)"
          f"{'' if ratio >= 2 else '  -- BELOW TARGET'}")
    print(f"ratio with Myriad's mean action as well (magent2 has none): {result['ratio_with_mean_action']:.2f}x")
    print(f"wrote {os.path.relpath(args.out, ROOT)}")


if __name__ == "__main__":
    main()
