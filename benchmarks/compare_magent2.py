#!/usr/bin/env python3
"""compare_magent2.py: the CPU comparison of performance.md: the six MAgent2 games (battle,
battlefield, adversarial_pursuit, gather, tiger_deer, combined_arms), each at two sizes, MAgent2's
default map and a large one (>= 20,000 agents), on this machine: Myriad's CPU backend
(myriad_bench_step --backend cpu --scenario GAME, OMP_NUM_THREADS=2) against the magent2 package's
C++ engine (magent2.gridworld.GridWorld driven directly, no PettingZoo wrapper), on the same map.

Sizes
  default: the game's MAgent2 map (battle 45, battlefield 80, adversarial_pursuit 45, gather 200,
           tiger_deer 45, combined_arms 45): myriad_bench_step --map-size 0.
  large  : myriad_bench_step --agents 20000 (battle: 10,000 per team on 500x500; the other games:
           the game's density rule picks the side); magent2 is built at the map side Myriad reports
           (battlefield and gather: the same k x k tiling of the 80x80 / 200x200 map).
The maps: battle, battlefield and gather: the game's generate_map replicated cell for cell (custom
walls and agents; the engine rejects cells already taken); adversarial_pursuit and tiger_deer: the
game's random generation (walls and agents at its densities); combined_arms: the module's
generate_map. Group counts of both engines are recorded side by side.

What is timed per step
  Myriad : act (random actions for every acting group) + step (rules, spatial index, mean action
           unless off, observations of every agent, gather's food included), synchronize.
  magent2: random actions drawn with numpy + set_action per acting group + env.step() +
           get_observation per acting group + get_reward per group + clear_dead: the engine calls
           the game's PettingZoo env makes per step. Acting groups: every group, except gather,
           whose food never acts (PettingZoo exposes its omnivores only): set_action and
           get_observation for the omnivores, get_reward for both groups.
The figure: agents alive at the start of each step (every group, gather's food included, for both
engines) over the median step time (agent-steps/s at the median), per run, then the median over
trials; the summed-time figure is kept beside it (the two differ when other work shares the CPUs).
Trials alternate which engine runs first, to share the noise. Myriad runs with the radius mean
action and without it (magent2 computes none: the like-for-like ratio); battle at the large size
also with one thread (per-core figure). An episode that ends (done) before the steps do (tiger_deer
at its default size: the tigers starve in about 100 steps) is restarted outside the clock with the
next seed, by both engines alike (myriad_bench_step does so itself); the restarts are counted
(episode_resets) and printed.

  python3 benchmarks/compare_magent2.py [--games battle,gather,...] [--sizes default,large]
      [--trials 5] [--steps 30] [--steps-small 200] [--warmup 5] [--large-agents 20000]
      [--threads 2] [--bench-bin build/ci/benchmarks/myriad_bench_step]
      [--out benchmarks/results/cpu_vs_magent2.json]
"""
import argparse
import datetime
import importlib
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

from provenance import ROOT, commit_id, loadavg  # noqa: E402 (benchmarks/ is the script's folder)
from provenance import machine_info as provenance_machine_info  # noqa: E402

FIG = "agent_steps_per_s_at_median"

# game: (MAgent2 default map side, group names in magent2's handle order (Myriad's names too),
#        the handles that act (PettingZoo's agents), how the map is made)
GAMES = {
    "battle": (45, ["red", "blue"], (0, 1), "blocks (battle_v4 generate_map, replicated)"),
    "battlefield": (80, ["red", "blue"], (0, 1),
                    "battlefield_v5 generate_map at 80 (replicated), tiled k x k from side 160"),
    "adversarial_pursuit": (45, ["predator", "prey"], (0, 1),
                            "random: int(0.03 S^2) walls, int(0.0125 S^2) predators, int(0.025 S^2) prey"),
    "gather": (200, ["food", "omnivore"], (1,),
               "gather_v5 generate_map at 200 (replicated), tiled k x k from side 400"),
    "tiger_deer": (45, ["deer", "tiger"], (0, 1),
                   "random: int(0.04 S^2) walls, int(0.05 S^2) deer, int(0.01 S^2) tigers"),
    "combined_arms": (45, ["redmelee", "redranged", "bluemelee", "blueranged"], (0, 1, 2, 3),
                      "combined_arms_v6 generate_map at S"),
}
SIZES = ("default", "large")


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
    import numpy
    info = provenance_machine_info()
    info["numpy"] = numpy.__version__
    return info

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
def myriad_size_args(size, large_agents):
    return ["--map-size", "0"] if size == "default" else ["--agents", str(large_agents)]


def run_myriad(binary, game, size_args, steps, warmup, seed, threads, commit, mean_action="radius"):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MYRIAD_COMMIT=commit)
    cmd = [binary, "--backend", "cpu", "--scenario", game] + size_args + [
        "--steps", str(steps), "--warmup", str(warmup), "--seed", str(seed), "--mean-action", mean_action,
        "--out", out]
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
def battle_blocks(map_size):
    """battle_v4's generate_map: two square blocks on a stride-2 lattice, gap 3 around the centre."""
    width = height = map_size
    side = int(math.sqrt(map_size * map_size * 0.04)) * 2
    gap = 3
    left = [[x, y, 0] for x in range(width // 2 - gap - side, width // 2 - gap, 2)
            for y in range((height - side) // 2, (height - side) // 2 + side, 2)
            if 0 < x < width - 1 and 0 < y < height - 1]
    right = [[x, y, 0] for x in range(width // 2 + gap, width // 2 + gap + side, 2)
             for y in range((height - side) // 2, (height - side) // 2 + side, 2)
             if 0 < x < width - 1 and 0 < y < height - 1][:len(left)]
    return left, right


def battlefield_map(map_size):
    """battlefield_v5's generate_map: four wall segments two cells thick, and a 4x4 stride-2 lattice
    (init_num 20) per team beside the centre; the lattice cells on walls are the engine's to reject
    (12 agents per team stay at 80)."""
    width = height = map_size
    walls = []
    for y in range(10, 45):
        walls += [(width // 2 - 5, y), (width // 2 - 4, y)]
    for y in range(50, height // 2 + 25):
        walls += [(width // 2 - 5, y), (width // 2 - 4, y)]
    for y in range(height // 2 - 25, height - 50):
        walls += [(width // 2 + 5, y), (width // 2 + 4, y)]
    for y in range(height - 45, height - 10):
        walls += [(width // 2 + 5, y), (width // 2 + 4, y)]
    gap, side = 3, int(math.sqrt(20)) * 2
    left = [[x, y, 0] for x in range(width // 2 - gap - side, width // 2 - gap, 2)
            for y in range((height - side) // 2, (height - side) // 2 + side, 2)]
    right = [[x, y, 0] for x in range(width // 2 + gap, width // 2 + gap + side, 2)
             for y in range((height - side) // 2, (height - side) // 2 + side, 2)]
    return walls, left, right


def gather_map(map_size):
    """gather_v5's generate_map: omnivores on three square rings; food on ten rings and a 53x53
    pattern at the centre (cells already taken are the engine's to reject)."""
    cx, cy = map_size // 2, map_size // 2

    def add_square(pos, side, gap):
        side = int(side)
        for x in range(cx - side // 2, cx + side // 2 + 1, gap):
            pos.append([x, cy - side // 2])
            pos.append([x, cy + side // 2])
        for y in range(cy - side // 2, cy + side // 2 + 1, gap):
            pos.append([cx - side // 2, y])
            pos.append([cx + side // 2, y])

    omnivores = []
    for frac, gap in ((0.9, 3), (0.8, 4), (0.7, 6)):
        add_square(omnivores, map_size * frac, gap)
    rings = []
    for side, gap in ((map_size * 0.65, 10), (map_size * 0.6, 10), (map_size * 0.55, 10), (map_size * 0.5, 4),
                      (map_size * 0.45, 3), (map_size * 0.4, 1), (map_size * 0.3, 1), (map_size * 0.3 - 2, 1),
                      (map_size * 0.3 - 4, 1), (map_size * 0.3 - 6, 1)):
        add_square(rings, side, gap)
    n = 53
    base_x, base_y = map_size // 2 - n // 2, map_size // 2 - n // 2
    pattern = [[j + base_y, i + base_x] for i in range(n) for j in range(n)
               if not ((i % 4 == 0 or i % 4 == 1) or (j % 4 == 0 or j % 4 == 1))]
    return omnivores, rings, pattern


def tile(pos, k, side):
    """The k x k copies of a map's cells, copy (tx, ty) shifted by (side * tx, side * ty)."""
    return [[p[0] + side * tx, p[1] + side * ty] + list(p[2:]) for tx in range(k) for ty in range(k) for p in pos]


def populate(env, game, map_size):
    """The game's map of the module docstring on a GridWorld just reset; what it holds, in words."""
    handles = env.get_handles()
    s2 = map_size * map_size
    layout = {"map_side": map_size}
    if game == "battle":
        left, right = battle_blocks(map_size)
        env.add_agents(handles[0], method="custom", pos=left)
        env.add_agents(handles[1], method="custom", pos=right)
    elif game == "battlefield":
        k, base = (map_size // 80, 80) if map_size >= 160 else (1, map_size)
        walls, left, right = battlefield_map(base)
        env.add_walls(method="custom", pos=tile(walls, k, base))
        env.add_agents(handles[0], method="custom", pos=tile(left, k, base))
        env.add_agents(handles[1], method="custom", pos=tile(right, k, base))
        layout.update(tiles=k * k, tile_side=base, walls=len(walls) * k * k)
    elif game == "gather":
        k, base = (map_size // 200, 200) if map_size >= 400 else (1, map_size)
        omnivores, rings, pattern = gather_map(base)
        env.add_agents(handles[1], method="custom", pos=tile(omnivores, k, base))  # omnivores first
        env.add_agents(handles[0], method="custom", pos=tile(rings, k, base))
        env.add_agents(handles[0], method="custom", pos=tile(pattern, k, base))
        layout.update(tiles=k * k, tile_side=base)
    elif game == "adversarial_pursuit":
        env.add_walls(method="random", n=int(s2 * 0.03))
        env.add_agents(handles[0], method="random", n=int(s2 * 0.0125))
        env.add_agents(handles[1], method="random", n=int(s2 * 0.025))
        layout["walls_requested"] = int(s2 * 0.03)
    elif game == "tiger_deer":
        env.add_walls(method="random", n=int(s2 * 0.04))
        env.add_agents(handles[0], method="random", n=int(s2 * 0.05))
        env.add_agents(handles[1], method="random", n=int(s2 * 0.01))
        layout["walls_requested"] = int(s2 * 0.04)
    elif game == "combined_arms":
        importlib.import_module("magent2.environments.combined_arms.combined_arms").generate_map(env, map_size, handles)
    else:
        raise ValueError(f"unknown game {game}")
    return layout


def make_magent2(game, map_size, seed):
    """A GridWorld for `game` at side map_size with the game's get_config (PettingZoo's default
    reward arguments) and its map; (env, handles, acting handles, layout, magent2 version)."""
    import magent2
    from magent2.gridworld import GridWorld

    mod = importlib.import_module(f"magent2.environments.{game}.{game}")
    reward_args = getattr(mod, "default_reward_args", None) or getattr(mod, "default_env_args")
    cfg = mod.get_config(map_size, False, seed, **reward_args)
    env = GridWorld(cfg, map_size=map_size)
    env.set_seed(seed)
    env.reset()
    layout = populate(env, game, map_size)
    handles = env.get_handles()
    return env, handles, [handles[i] for i in GAMES[game][2]], layout, magent2.__version__


def run_magent2(game, map_size, steps, warmup, seed):
    import numpy as np

    t0 = time.perf_counter()
    env, handles, acting, layout, version = make_magent2(game, map_size, seed)
    for h in acting:
        env.get_observation(h)  # the observation after reset, as the PettingZoo env's reset() returns it
    setup_s = time.perf_counter() - t0
    n_actions = [int(env.get_action_space(h)[0]) for h in acting]
    names = GAMES[game][1]
    counts0 = {names[i]: env.get_num(h) for i, h in enumerate(handles)}
    rng = np.random.default_rng(seed)
    phases = {"actions": 0.0, "step": 0.0, "observe": 0.0, "reward": 0.0, "clear_dead": 0.0}
    ms, agent_steps, ended_at, reset_s = [], 0, [], 0.0
    for i in range(warmup + steps):
        if ended_at and ended_at[-1] == i - 1:  # an episode ended: start another outside the clock
            r0 = time.perf_counter()
            env.set_seed(seed + len(ended_at))
            env.reset()
            populate(env, game, map_size)
            for h in acting:
                env.get_observation(h)
            reset_s += time.perf_counter() - r0
        alive = sum(env.get_num(h) for h in handles)
        a = time.perf_counter()
        for h, n in zip(acting, n_actions):
            env.set_action(h, rng.integers(0, n, env.get_num(h), dtype=np.int32))
        b = time.perf_counter()
        done = env.step()
        c = time.perf_counter()
        for h in acting:
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
            ended_at.append(i)
    res = summarize(ms, agent_steps)
    res["phase_ms_mean"] = {k: 1e3 * v / len(ms) for k, v in phases.items()}
    res["setup_s"] = setup_s
    res["agents"] = sum(counts0.values())
    res["groups"] = counts0
    res["map_side"] = map_size
    res["layout"] = layout
    res["alive_at_end"] = sum(env.get_num(h) for h in handles)
    res["view_space"] = {names[h.value]: [int(v) for v in env.get_view_space(h)] for h in acting}
    res["feature_space"] = {names[h.value]: [int(v) for v in env.get_feature_space(h)] for h in acting}
    # Episodes that ended (done) while the steps ran: each restarted outside the clock, as
    # myriad_bench_step does (its episode_resets); the steps (warm-up included) they ended at.
    res["episode_resets"] = len(ended_at)
    res["episodes_ended_at_step"] = ended_at
    res["reset_s"] = reset_s
    return res, version


# ------------------------------------------------------------------------------------------- main
def median_of(trials, key=FIG):
    return statistics.median(r[key] for r in trials)


def measure(args, game, size, commit):
    """Trials of one game at one size, both engines; the point's result dict."""
    size_args = myriad_size_args(size, args.large_agents)
    steps = args.steps_small if size == "default" else args.steps
    # Myriad variants: the project's env step (mean action on), without the mean action (magent2
    # computes none: like for like), and for battle at the large size one core as well.
    variants = [("myriad", args.threads, "radius")]
    if not args.no_mean_off:
        variants.append(("myriad_no_mean_action", args.threads, "off"))
    if game == "battle" and size == "large" and not args.no_single_thread:
        variants.append(("myriad_1_thread", 1, "radius"))
    runs = {name: [] for name, _, _ in variants}
    runs["magent2"] = []
    busy_per_trial, map_side, groups, myr_doc, version = [], None, None, None, None
    print(f"\n== {game}, {size} size (myriad_bench_step {' '.join(size_args)}): {steps} timed steps after "
          f"{args.warmup} warm-up, {args.trials} trial(s)", flush=True)
    for t in range(args.trials):
        seed = args.seed + t
        busy_per_trial.append(wait_for_idle(args.wait_idle))
        parts = []

        def myriad_runs():
            nonlocal map_side, groups, myr_doc
            for name, threads, mean in variants:
                doc, p = run_myriad(args.bench_bin, game, size_args, steps, args.warmup, seed, threads, commit, mean)
                if map_side is None:
                    map_side, groups, myr_doc = p["map_side"], p.get("groups", {}), doc
                elif p["map_side"] != map_side:
                    raise RuntimeError(f"{game} {size}: Myriad's map side changed from {map_side} to {p['map_side']}")
                p.pop("ms_per_step", None)  # the summary statistics stay; the step list would swell the file
                runs[name].append(p)
                parts.append(f"{name} {p[FIG]:.4g} (median {p['ms_median']:.3f} ms"
                             + (f", {p['episode_resets']} episode restart(s)" if p.get("episode_resets") else "") + ")")

        def magent2_run():
            nonlocal version
            m, version = run_magent2(game, map_side, steps, args.warmup, seed)
            runs["magent2"].append(m)
            parts.append(f"magent2 {m[FIG]:.4g} (median {m['ms_median']:.3f} ms"
                         + (f", {m['episode_resets']} episode restart(s)" if m["episode_resets"] else "") + ")")

        # Alternate which engine goes first (Myriad first in trial 0: its JSON gives the map side).
        for fn in ((myriad_runs, magent2_run) if t % 2 == 0 else (magent2_run, myriad_runs)):
            fn()
        print(f"  trial {t} (others' load before it: {busy_per_trial[-1]}% CPU): " + "; ".join(parts), flush=True)

    g_rate = median_of(runs["magent2"])
    g_groups = runs["magent2"][0]["groups"]
    if groups != g_groups:
        print(f"  note: group counts differ: Myriad {groups}, magent2 {g_groups}")
    cmd = (f"OMP_NUM_THREADS={{threads}} {os.path.relpath(args.bench_bin, ROOT)} --backend cpu --scenario {game} "
           f"{' '.join(size_args)} --steps {steps} --warmup {args.warmup} --mean-action {{mean}} --seed SEED")
    acting = [GAMES[game][1][i] for i in GAMES[game][2]]
    point = {
        "workload": {
            "game": game,
            "size": size,
            "map_side": map_side,
            "layout": GAMES[game][3],
            "layout_magent2": runs["magent2"][0]["layout"],
            "myriad_size_args": " ".join(size_args),
            "groups_myriad": groups,
            "groups_magent2": g_groups,
            "agents_myriad": sum(groups.values()),
            "agents_magent2": sum(g_groups.values()),
            "acting_groups": acting,
            "policy": "uniform random actions",
            "steps": steps,
            "warmup": args.warmup,
            "trials": args.trials,
            "seed": args.seed,
        },
        "magent2": {
            "version": version,
            "engine": "magent2.gridworld.GridWorld (C++ libmagent, single-threaded), no PettingZoo wrapper",
            "timed": "numpy random actions + set_action per acting group (%s) + step + get_observation per acting "
                     "group + get_reward per group (%s) + clear_dead" % (", ".join(acting), ", ".join(GAMES[game][1])),
            "agent_steps_per_s_at_median": g_rate,
            "agent_steps_per_s_total": median_of(runs["magent2"], "agent_steps_per_s"),
            "episode_resets_in_trials": sum(m["episode_resets"] for m in runs["magent2"]),
            "trials": runs["magent2"],
        },
        "cpu_busy_pct_before_each_trial": busy_per_trial,
    }
    for name, threads, mean in variants:
        rate = median_of(runs[name])
        point[name] = {
            "backend": "cpu",
            "omp_num_threads": threads,
            "mean_action": mean,
            "command": cmd.format(threads=threads, mean=mean),
            "timed": "act (random actions, %s) + step (rules, spatial index, " % ", ".join(acting)
                     + ("mean action, " if mean != "off" else "") + "observations of every agent) + synchronize",
            "agent_steps_per_s_at_median": rate,
            "agent_steps_per_s_total": median_of(runs[name], "agent_steps_per_s"),
            "ratio_over_magent2": rate / g_rate,
            "trials": runs[name],
        }
    point["myriad"]["bench_host"] = myr_doc["device"]["host"] if myr_doc else None
    like = "myriad_no_mean_action" if "myriad_no_mean_action" in point else "myriad"
    point["summary"] = {
        "game": game,
        "size": size,
        "map_side": map_side,
        "agents_myriad": point["workload"]["agents_myriad"],
        "agents_magent2": point["workload"]["agents_magent2"],
        "magent2_agent_steps_per_s": g_rate,
        "myriad_no_mean_action_agent_steps_per_s": point[like]["agent_steps_per_s_at_median"],
        "myriad_agent_steps_per_s": point["myriad"]["agent_steps_per_s_at_median"],
        "ratio": point[like]["ratio_over_magent2"],
        "ratio_basis": like,
        "ratio_with_mean_action": point["myriad"]["ratio_over_magent2"],
        "episode_resets_magent2": point["magent2"]["episode_resets_in_trials"],
        "episode_resets_myriad": sum(p.get("episode_resets", 0) for p in runs[like]),
    }
    return point


def print_table(summary, goal):
    head = ("game", "size", "map", "agents", "magent2", "Myriad no-mean", "ratio", "Myriad mean", "ratio", "")
    rows = []
    for s in summary:
        agents = str(s["agents_myriad"]) + ("" if s["agents_myriad"] == s["agents_magent2"]
                                            else f" ({s['agents_magent2']} magent2)")
        rows.append((s["game"], s["size"], str(s["map_side"]), agents, f"{s['magent2_agent_steps_per_s']:.4g}",
                     f"{s['myriad_no_mean_action_agent_steps_per_s']:.4g}", f"{s['ratio']:.2f}x",
                     f"{s['myriad_agent_steps_per_s']:.4g}", f"{s['ratio_with_mean_action']:.2f}x",
                     f"BELOW {goal:g}x" if s["ratio"] < goal else ""))
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    print("\nagent-steps/s at the median, median over trials; ratio = Myriad / magent2 "
          "(no-mean: like for like; mean: with Myriad's radius mean action, which magent2 lacks)")
    for r in [head] + rows:
        print("  ".join(c.ljust(w) if i < 4 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench-bin", default=os.path.join(ROOT, "build/ci/benchmarks/myriad_bench_step"))
    ap.add_argument("--games", default=",".join(GAMES), help="comma list of games (default: all six)")
    ap.add_argument("--sizes", default=",".join(SIZES), help="comma list: default (MAgent2's map), large")
    ap.add_argument("--large-agents", type=int, default=20000,
                    help="myriad_bench_step --agents at the large size (magent2 follows its map)")
    ap.add_argument("--steps", type=int, default=30, help="timed steps per run at the large size")
    ap.add_argument("--steps-small", type=int, default=200,
                    help="timed steps per run at the default size (a step takes well under a millisecond)")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--trials", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2, help="OMP_NUM_THREADS for Myriad")
    ap.add_argument("--no-single-thread", action="store_true",
                    help="skip the extra Myriad run with OMP_NUM_THREADS=1 (battle, large size: per-core figure)")
    ap.add_argument("--wait-idle", type=float, default=180,
                    help="before each trial, wait up to this many seconds for other work to leave the CPUs")
    ap.add_argument("--no-mean-off", action="store_true",
                    help="skip the extra Myriad run without the mean action (magent2 computes none)")
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks/results/cpu_vs_magent2.json"))
    args = ap.parse_args()

    games = [g.strip() for g in args.games.split(",") if g.strip()]
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    bad = [g for g in games if g not in GAMES] + [s for s in sizes if s not in SIZES]
    if bad:
        sys.exit(f"compare_magent2: unknown game or size: {', '.join(bad)} (games: {', '.join(GAMES)}; "
                 f"sizes: {', '.join(SIZES)})")
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
    commit = commit_id()
    t_start = time.time()
    goal_must = 2.0
    result = {
        "benchmark": "cpu_vs_magent2",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit,
        "machine": machine,
        "configuration": {
            "games": games,
            "sizes": sizes,
            "large_agents": args.large_agents,
            "steps_large": args.steps,
            "steps_default": args.steps_small,
            "warmup": args.warmup,
            "trials": args.trials,
            "seed": args.seed,
            "omp_num_threads": args.threads,
            "agent_steps": "agents alive at the start of each timed step (every group), summed",
            "figure": "agent_steps_per_s_at_median: agents per step / median step time, median over trials "
                      "(agent_steps_per_s_total: summed agent-steps / summed step time, median over trials, "
                      "is kept beside it; the two differ when other work shares the CPUs)",
            "ratio": "Myriad without the mean action over magent2 (step + observations, like for like); "
                     "ratio_with_mean_action: Myriad with its radius mean action, which magent2 lacks",
        },
        "target": ">= 2x (must), >= 5x (goal); performance.md",
        "games": {},
        "summary": [],
    }
    for game in games:
        for size in sizes:
            point = measure(args, game, size, commit)
            result["games"].setdefault(game, {})[size] = point
            result["summary"].append(point.pop("summary"))
    # battle at the large size (20k agents) is performance.md's target: its figures stay at the top level.
    battle = result["games"].get("battle", {}).get("large")
    if battle:
        s = next(r for r in result["summary"] if r["game"] == "battle" and r["size"] == "large")
        result["ratio_myriad_over_magent2"] = s["ratio"]
        result["ratio_basis"] = s["ratio_basis"] + " (step + observations, like for like), battle, large size"
        result["ratio_with_mean_action"] = s["ratio_with_mean_action"]
    result["loadavg_at_end"] = loadavg()
    result["wall_s"] = round(time.time() - t_start, 1)

    out = os.path.abspath(args.out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=os.path.dirname(out), suffix=".tmp", delete=False) as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    os.chmod(f.name, 0o644)
    os.replace(f.name, out)
    print_table(result["summary"], goal_must)
    below = [s for s in result["summary"] if s["ratio"] < goal_must]
    if below:
        print(f"below the {goal_must:g}x target (like for like): "
              + ", ".join(f"{s['game']} {s['size']} {s['ratio']:.2f}x" for s in below))
    if battle:
        print(f"battle, large size (performance.md's 20k-agent target): {result['ratio_myriad_over_magent2']:.2f}x "
              f"like for like, {result['ratio_with_mean_action']:.2f}x with the mean action")
    ended = [s for s in result["summary"] if s["episode_resets_magent2"] or s["episode_resets_myriad"]]
    if ended:
        print("episodes restarted outside the clock (all trials; Myriad: the no-mean runs): " + ", ".join(
            f"{s['game']} {s['size']} (magent2 {s['episode_resets_magent2']}, Myriad {s['episode_resets_myriad']})"
            for s in ended))
    shown = os.path.relpath(out, ROOT) if out.startswith(ROOT + os.sep) else out
    print(f"wrote {shown} in {result['wall_s']:.0f} s")


if __name__ == "__main__":
    main()
