#!/usr/bin/env python3
"""load_held.py: the CPU backend's speed on an idle machine and with another process keeping one core
busy, under each way OpenMP's threads may wait between parallel regions: libgomp's default (spin about
300,000 iterations, then sleep), spinning forever (active), a short spin, passive (what `myriad` sets
for itself unless the user chose) and one thread, in one run.

Each condition runs `myriad bench` (median step time over its timed steps) `--rounds` times, the
conditions interleaved so that drift on the machine spreads over all of them. The busy process is a
shell loop at the same priority. Writes a results JSON (device, commit, configuration, date, every
run, the medians and the loaded/idle ratios) and prints a table.

    python3 benchmarks/load_held.py [--binary build/ci/myriad] [--agents 20000] [--rounds 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from provenance import ROOT, commit_id, machine_info, utc_now  # noqa: E402

POLICIES = {
    "unset": {"GOMP_SPINCOUNT": "300000"},  # libgomp's default when unset (set here: myriad turns passive otherwise)
    "active": {"OMP_WAIT_POLICY": "active"},
    "short_spin": {"GOMP_SPINCOUNT": "10000"},
    "passive": {"OMP_WAIT_POLICY": "passive"},
    "one_thread": {"OMP_WAIT_POLICY": "passive", "OMP_NUM_THREADS": "1"},
}


def bench(binary, workload, agents, steps, env_extra):
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OMP_NUM_THREADS")}
    env.update(env_extra)
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "b.json")
        cmd = [binary, "bench", "--workload", workload, "--agents", str(agents), "--steps", str(steps),
               "--warmup", "3", "--quiet", "--json", out]
        r = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"load_held.py: {' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")
        with open(out) as f:
            doc = json.load(f)
    p = doc["points"][0]
    return {"ms_median": p["step"]["ms_median"], "agent_steps_per_s": p["agent_steps_per_s_at_median"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "build/ci/myriad"))
    ap.add_argument("--agents", type=int, default=20000, help="agents in the world (both teams)")
    ap.add_argument("--steps", type=int, default=20, help="timed steps per bench run")
    ap.add_argument("--rounds", type=int, default=3, help="runs per condition")
    ap.add_argument("--workloads", default="acting,training")
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks/results/load_held.json"))
    a = ap.parse_args()
    if not os.access(a.binary, os.X_OK):
        sys.exit(f"load_held.py: {a.binary} is not an executable; build it first (bash scripts/test.sh)")
    workloads = [w for w in a.workloads.split(",") if w]
    started = utc_now()
    device = machine_info()
    runs = []
    total = a.rounds * len(workloads) * len(POLICIES) * 2
    n = 0
    for r in range(a.rounds):
        for load in ("idle", "one_core_busy"):
            busy = subprocess.Popen(["sh", "-c", "while :; do :; done"]) if load != "idle" else None
            try:
                for w in workloads:
                    for pol, env in POLICIES.items():
                        n += 1
                        print(f"[{n}/{total}] round {r + 1}: {w}, {pol}, {load}", file=sys.stderr, flush=True)
                        res = bench(a.binary, w, a.agents, a.steps, env)
                        runs.append({"round": r, "workload": w, "policy": pol, "load": load, **res})
            finally:
                if busy:
                    busy.kill()
                    busy.wait()
    summary = {}
    for w in workloads:
        summary[w] = {}
        for pol in POLICIES:
            med = {load: statistics.median(x["agent_steps_per_s"] for x in runs
                                           if x["workload"] == w and x["policy"] == pol and x["load"] == load)
                   for load in ("idle", "one_core_busy")}
            summary[w][pol] = {"idle_agent_steps_per_s": med["idle"], "loaded_agent_steps_per_s": med["one_core_busy"],
                               "slowdown_loaded": med["idle"] / med["one_core_busy"]}
        best_idle = max(summary[w][p]["idle_agent_steps_per_s"] for p in POLICIES)
        summary[w]["passive_loaded_vs_best_idle"] = best_idle / summary[w]["passive"]["loaded_agent_steps_per_s"]
    doc = {"benchmark": "load_held", "date": started, "device": device, "commit": commit_id(),
           "configuration": {"binary": a.binary, "agents": a.agents, "steps": a.steps, "rounds": a.rounds,
                             "workloads": workloads, "policies": POLICIES,
                             "busy": "one `sh -c 'while :; do :; done'` at the same priority"},
           "summary": summary, "runs": runs}
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1)
    os.replace(tmp, a.out)
    print(f"{'workload':10} {'policy':11} {'idle':>12} {'loaded':>12} {'slowdown':>9}")
    for w in workloads:
        for pol in POLICIES:
            s = summary[w][pol]
            print(f"{w:10} {pol:11} {s['idle_agent_steps_per_s']:12.4g} {s['loaded_agent_steps_per_s']:12.4g} "
                  f"{s['slowdown_loaded']:8.2f}x")
        print(f"{w:10} passive loaded is {summary[w]['passive_loaded_vs_best_idle']:.2f}x slower than the best idle")
    print(f"load_held.py: results in {a.out}")


if __name__ == "__main__":
    main()
