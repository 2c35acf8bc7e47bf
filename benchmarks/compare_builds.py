#!/usr/bin/env python3
"""compare_builds.py: two builds of myriad on the same workload, in one run, interleaved.

Runs `myriad bench --workload acting` (or the training workload), or, given two myriad_bench_step
binaries, the world's step alone (act + step with random policies: rules, mean action,
observations), with each binary in turn, ROUNDS times (A, B, A, B, ...), so that both see the same
machine state, and reports per phase the median over the rounds of each run's median milliseconds,
and the ratio new / old. Results (device, both commits, configuration, date, every run) go to a JSON
file.

  python3 benchmarks/compare_builds.py OLD/myriad NEW/myriad --agents 20000 --rounds 5 \\
      --json benchmarks/results/refactor_cpu_acting_20k.json
  python3 benchmarks/compare_builds.py OLD/benchmarks/myriad_bench_step NEW/benchmarks/myriad_bench_step \\
      --agents 20000 --rounds 9 --json benchmarks/results/refactor_cpu_world_step_20k.json

Given two myriad_bench_phases binaries it compares the CPU network's micro-benchmarks instead (forward
of 1,024 and 10,000 rows, from rows or the world's buffers; backward + Adam of 256 and 1,024; and,
where the new build has it, a dense 2048 x 2048 x 2048 product, the machine's rate through the same
code): each benchmark's time and its FLOP/s.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from provenance import commit_id, machine_info, utc_now  # noqa: E402

PHASES = ["index", "mean_action", "observe", "rules", "forward", "select", "replay", "update"]
WORLD_PHASES = ["attack", "recovery", "move", "reward", "stats", "index", "mean_action", "observe", "policy"]


def run_bench_step(binary, args):
    """The world's step alone (myriad_bench_step): its median and its phases' medians."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "step.json")
        cmd = [binary, "--agents", str(args.agents), "--backend", args.backend, "--steps", str(args.steps),
               "--warmup", str(args.warmup), "--out", out]
        if args.scenario:
            cmd += ["--scenario", args.scenario]
        r = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS="2"))
        if r.returncode != 0:
            sys.exit(f"compare_builds: {' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")
        with open(out) as f:
            doc = json.load(f)
    point = doc["points"][0]
    got = {"step": point["ms_median"], "commit": doc.get("commit")}
    for p in WORLD_PHASES:
        if p in point.get("phases", {}):
            got[p] = point["phases"][p]["ms_median"]
    return got


NET_FILTER = "BM_Cpu(Forward|ForwardInputs|BackwardAdam|DenseSquare)/"


def run_bench_phases(binary, args):
    """The CPU network's micro-benchmarks (myriad_bench_phases): ms per iteration and GFLOP/s of each."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "phases.json")
        cmd = [binary, f"--benchmark_filter={NET_FILTER}", "--benchmark_min_time=0.5",
               "--benchmark_out_format=json", f"--benchmark_out={out}"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"compare_builds: {' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")
        with open(out) as f:
            doc = json.load(f)
    scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}
    got = {"commit": None}
    for b in doc.get("benchmarks", []):
        name = b["name"].replace("/real_time", "")
        got[name] = b["real_time"] * scale[b.get("time_unit", "ns")]
        if "FLOP_per_s" in b:
            got[name + " GFLOP/s"] = b["FLOP_per_s"] / 1e9
    return got


def run_bench(binary, args):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "bench.json")
        cmd = [binary, "bench", "--workload", args.workload, "--agents", str(args.agents), "--backend", args.backend,
               "--steps", str(args.steps), "--warmup", str(args.warmup), "--json", out, "--quiet"]
        if args.scenario:
            cmd += ["--scenario", args.scenario]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"compare_builds: {' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")
        with open(out) as f:
            doc = json.load(f)
    point = doc["points"][0]
    got = {"step": point["step"]["ms_median"], "commit": doc.get("commit")}
    for p in PHASES:
        if p in point.get("phases", {}):
            got[p] = point["phases"][p]["ms_median"]
    return got


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old", help="the reference build's myriad binary")
    ap.add_argument("new", help="the build under test")
    ap.add_argument("--agents", type=int, default=20000)
    ap.add_argument("--workload", default="acting", choices=["acting", "training"])
    ap.add_argument("--scenario", default="", help="game (both builds must know it; empty: battle)")
    ap.add_argument("--backend", default="cpu")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json", default="", help="results file (written through a temporary file)")
    args = ap.parse_args()
    for b in (args.old, args.new):
        if not os.access(b, os.X_OK):
            sys.exit(f"compare_builds: {b} is not an executable; give the myriad binaries of two builds")

    step_tool = os.path.basename(args.new) == "myriad_bench_step"
    net_tool = os.path.basename(args.new) == "myriad_bench_phases"
    runner = run_bench_step if step_tool else run_bench_phases if net_tool else run_bench
    runs = {"old": [], "new": []}
    for r in range(args.rounds):
        order = (("old", args.old), ("new", args.new)) if r % 2 == 0 else (("new", args.new), ("old", args.old))
        for which, binary in order:
            got = runner(binary, args)
            runs[which].append(got)
            done = f"step {got['step']:.2f} ms" if "step" in got else f"{sum(1 for k in got if k.startswith('BM_'))} figures"
            print(f"round {r + 1}/{args.rounds} {which}: {done}", flush=True)

    phases = WORLD_PHASES if step_tool else PHASES
    if net_tool:
        phases = [k for k in runs["new"][0] if k.startswith("BM_")]
    keys = ([] if net_tool else ["step"]) + [p for p in phases if all(p in g for g in runs["old"] + runs["new"])]
    table = {}
    print(f"\n{'phase':<34} {'old':>9} {'new':>9} {'new/old':>8}   (ms, or GFLOP/s; median over {args.rounds} rounds)")
    for k in keys:
        old = statistics.median(g[k] for g in runs["old"])
        new = statistics.median(g[k] for g in runs["new"])
        ratio = new / old if old > 0 else float("nan")
        # Times in ms (new/old < 1 is faster); rates in GFLOP/s (new/old > 1 is faster).
        table[k] = {"old": old, "new": new, "unit": "GFLOP/s" if "GFLOP" in k else "ms", "ratio": ratio}
        print(f"{k:<34} {old:9.3f} {new:9.3f} {ratio:8.3f}")

    # What only the new build measures (a benchmark the old one did not have).
    for k in [k for k in runs["new"][0] if k.startswith("BM_") and k not in keys]:
        if all(k in g for g in runs["new"]):
            new = statistics.median(g[k] for g in runs["new"])
            table[k] = {"old": None, "new": new, "unit": "GFLOP/s" if "GFLOP" in k else "ms", "ratio": None}
            print(f"{k:<34} {'-':>9} {new:9.3f}")

    if args.json:
        doc = {
            "benchmark": "compare_builds",
            "date": utc_now(),
            "device": machine_info(),
            "commits": {"old": runs["old"][0]["commit"], "new": runs["new"][0]["commit"], "repository": commit_id()},
            "configuration": {"workload": "world step (myriad_bench_step)" if step_tool else
                              "CPU network micro-benchmarks (myriad_bench_phases " + NET_FILTER + ")" if net_tool
                              else args.workload,
                              "agents": args.agents, "backend": args.backend,
                              "scenario": args.scenario or "battle", "steps": args.steps, "warmup": args.warmup,
                              "rounds": args.rounds, "old": args.old, "new": args.new},
            "medians": table,
            "runs": runs,
        }
        tmp = args.json + ".tmp"
        try:
            with open(tmp, "w") as f:
                json.dump(doc, f, indent=1)
                f.write("\n")
            os.replace(tmp, args.json)
        except OSError as e:
            if os.path.exists(tmp):
                os.remove(tmp)
            sys.exit(f"compare_builds: cannot write {args.json}: {e}")
        print(f"results: {args.json}")


if __name__ == "__main__":
    main()
