#!/usr/bin/env python3
"""compare_pytorch.py: Myriad against the same battle step written in PyTorch
(benchmarks/pytorch_battle.py) at the same configuration, on the same machine; prints Myriad's
speed-up (PyTorch median step time / Myriad median step time) per mode and writes both results.

The Myriad side is a command template (--myriad-cmd) whose JSON output is read at configurable
fields (--myriad-field MODE=PATH: a dotted path into the JSON; a list element is chosen by index
or by KEY=VALUE, e.g. points.workload=acting.step.ms_median). Which Myriad command by default:
  - `myriad bench` (acting then training reference workloads, per phase) when --myriad-bin (or the
    first of MYRIAD_BINS that exists) is a `myriad` executable that has the bench subcommand:
    its acting point <-> PyTorch 'acting', its training point <-> PyTorch 'training'; the PyTorch
    training run takes Myriad's batch and replay capacity from Myriad's JSON (65,536 and 1M on
    CUDA; the CPU defaults of myriad bench are smaller);
  - otherwise myriad_bench_step (the older sweep binary: act with random policies, no network, +
    step), which is like-for-like with the PyTorch 'env' mode only.
A Myriad point that reports an error (e.g. "training step: not available in this build yet")
leaves that mode without a ratio.

  python3 benchmarks/compare_pytorch.py [--agents 1000000] [--steps 50] [--warmup 5]
      [--device cuda|cpu] [--out FILE.json] [--myriad-bin PATH] [--threads 2] [--trials 1]
"""
import argparse
import datetime
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile

from provenance import ROOT, commit_id  # noqa: E402 (benchmarks/ is the script's folder)
MYRIAD_BINS = ["build/gpu/myriad", "build/release/myriad", "build/torchcmp/myriad", "build/cpu/myriad",
               "build/ci/myriad"]
BENCH_CMD = ("{bin} bench --agents {agents} --steps {steps} --warmup {warmup} --backend {backend} "
             "--obs-dtype {obs_dtype} --seed 1 --quiet --json {json}")
BENCH_FIELDS = {"acting": "points.workload=acting.step.ms_median",
                "training": "points.workload=training.step.ms_median"}
BENCH_STEP_BINS = ["build/gpu/benchmarks/myriad_bench_step", "build/release/benchmarks/myriad_bench_step",
              "build/torchcmp/benchmarks/myriad_bench_step", "build/cpu/benchmarks/myriad_bench_step",
              "build/ci/benchmarks/myriad_bench_step"]
BENCH_STEP_CMD = ("{bin} --agents {agents} --backend {backend} --steps {steps} --warmup {warmup} "
               "--placement blocks --mean-action radius --obs-dtype {obs_dtype} --seed 1 --out {json}")
BENCH_STEP_FIELDS = {"env": "points.0.ms_median"}  # one point per --agents value


def field(doc, path):
    """The value at a dotted path, or None when it is absent."""
    try:
        for k in path.split("."):
            if isinstance(doc, list) and "=" in k:
                key, _, val = k.partition("=")
                doc = next(d for d in doc if str(d.get(key)) == val)
            else:
                doc = doc[int(k)] if isinstance(doc, list) else doc[k]
        return doc
    except (KeyError, IndexError, ValueError, StopIteration, TypeError):
        return None


def has_bench(path):
    try:
        return subprocess.run([path, "bench", "--help"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def pick_myriad(args):
    """(binary, command template, fields) from --myriad-bin / --myriad-cmd / --myriad-field."""
    bin_ = args.myriad_bin
    if bin_ is None:
        bin_ = next((os.path.join(ROOT, b) for b in MYRIAD_BINS
                     if os.path.exists(os.path.join(ROOT, b)) and has_bench(os.path.join(ROOT, b))), None)
        bin_ = bin_ or next((os.path.join(ROOT, b) for b in BENCH_STEP_BINS if os.path.exists(os.path.join(ROOT, b))), None)
    step = bin_ is not None and os.path.basename(bin_).startswith("myriad_bench_step")
    cmd = args.myriad_cmd or (BENCH_STEP_CMD if step else BENCH_CMD)
    fields = dict(BENCH_STEP_FIELDS if step else BENCH_FIELDS)
    if args.myriad_field:
        fields = dict(f.partition("=")[::2] for f in args.myriad_field)
    return bin_, cmd, fields


def run(cmd, env, timeout):
    print("+", " ".join(shlex.quote(c) for c in cmd), flush=True)
    p = subprocess.run(cmd, cwd=ROOT, env=env, text=True, capture_output=True, timeout=timeout)
    sys.stdout.write(p.stdout)
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-4000:])
        raise RuntimeError(f"command failed with exit status {p.returncode}: {cmd[0]}")
    return p


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agents", type=int, default=1_000_000)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--device", default=None, help="cuda | cpu (default: cuda if PyTorch sees one)")
    ap.add_argument("--out", help="JSON with both results and the ratios")
    ap.add_argument("--myriad-bin", help="the myriad executable (bench subcommand) or myriad_bench_step; default: "
                                         "the first of MYRIAD_BINS with `bench`, else of BENCH_STEP_BINS")
    ap.add_argument("--myriad-cmd", default=None,
                    help="Myriad command template; {bin} {agents} {steps} {warmup} {backend} {obs_dtype} {json} {root}")
    ap.add_argument("--myriad-field", action="append", default=[], metavar="MODE=PATH",
                    help="where the Myriad JSON holds the median step ms of a PyTorch mode (env, acting, training); "
                         f"default {BENCH_FIELDS} (myriad bench) or {BENCH_STEP_FIELDS} (bench_step)")
    ap.add_argument("--modes", default=None,
                    help="PyTorch modes to run (pytorch_battle.py --mode); default: those with a Myriad field")
    ap.add_argument("--threads", type=int, default=0, help="CPU: OMP_NUM_THREADS for Myriad and torch threads")
    ap.add_argument("--trials", type=int, default=1, help="alternating runs of both; the median is kept")
    ap.add_argument("--python", default=sys.executable, help="interpreter with torch for pytorch_battle.py")
    ap.add_argument("--torch-args", default="", help="extra arguments for pytorch_battle.py")
    ap.add_argument("--label", default="", help="free text stored in the JSON (e.g. 'CPU smoke test')")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds per command")
    args = ap.parse_args()

    if args.device is None:
        probe = subprocess.run([args.python, "-c", "import torch; print(torch.cuda.is_available())"],
                               capture_output=True, text=True)
        args.device = "cuda" if probe.stdout.strip() == "True" else "cpu"
    bin_, mcmd_t, fields = pick_myriad(args)
    args.modes = args.modes or ",".join(m for m in ("env", "acting", "training") if m in fields)
    if "{bin}" in mcmd_t and not bin_:
        ap.error("no myriad (with bench) or myriad_bench_step found; build one or pass --myriad-bin / --myriad-cmd")
    env = dict(os.environ)
    if args.threads:
        env["OMP_NUM_THREADS"] = str(args.threads)
    torch_precision = "bf16" if args.device == "cuda" else "fp32"  # pytorch_battle.py --precision auto

    tmpdir = tempfile.TemporaryDirectory(prefix="cmp_pytorch_")  # both JSONs are kept inside --out
    tmp = tmpdir.name
    myriad_docs, torch_docs, m_ms, t_ms = [], [], {m: [] for m in fields}, {}
    for trial in range(args.trials):
        mj, tj = os.path.join(tmp, f"myriad{trial}.json"), os.path.join(tmp, f"torch{trial}.json")
        mcmd = shlex.split(mcmd_t.format(
            bin=bin_, agents=args.agents, steps=args.steps, warmup=args.warmup, json=mj, root=ROOT,
            backend="cuda" if args.device == "cuda" else "cpu", obs_dtype=torch_precision.replace("fp32", "f32")))
        run(mcmd, env, args.timeout)
        with open(mj) as f:
            md = json.load(f)
        myriad_docs.append({"command": mcmd, "result": md})
        for m, path in fields.items():
            v = field(md, path)
            if v is not None:
                m_ms[m].append(float(v))
        extra = []  # the training configuration Myriad used, where its JSON states it
        for opt, key in (("--batch", "batch"), ("--replay-capacity", "replay_capacity")):
            v = field(md, f"points.workload=training.configuration.{key}")
            if v is not None and "training" in fields:
                extra += [opt, str(int(v))]
        # Myriad's training opponent runs a network (selfplay_lagged): so does PyTorch's, for the same work.
        opp = field(md, "points.workload=training.configuration.opponent")
        if "training" in fields and opp in ("selfplay_lagged", "frozen", "both_learn"):
            extra += ["--train-opponent", "network"]
        tcmd = [args.python, os.path.join(ROOT, "benchmarks", "pytorch_battle.py"), "--agents", str(args.agents),
                "--steps", str(args.steps), "--warmup", str(args.warmup), "--device", args.device,
                "--mode", args.modes, "--json", tj] + extra + (["--threads", str(args.threads)] if args.threads else [])
        tcmd += shlex.split(args.torch_args)
        run(tcmd, env, args.timeout)
        with open(tj) as f:
            td = json.load(f)
        torch_docs.append({"command": tcmd, "result": td})
        for m, r in td["results"].items():
            t_ms.setdefault(m, []).append(r["ms_median"])

    ratios = {}
    print(f"\n{args.agents} agents, device {args.device}, {args.trials} trial(s): median step ms")
    print(f"{'mode':9s} {'PyTorch':>12s} {'Myriad':>12s} {'Myriad speed-up':>16s}")
    for m in ("env", "acting", "training"):
        if m not in t_ms:
            continue
        tm = statistics.median(t_ms[m])
        mm = statistics.median(m_ms[m]) if m_ms.get(m) else None
        ratios[m] = {"pytorch_ms_median": tm, "myriad_ms_median": mm, "myriad_speedup": tm / mm if mm else None,
                     "pytorch_trials_ms": t_ms[m], "myriad_trials_ms": m_ms.get(m),
                     "myriad_field": fields.get(m)}
        print(f"{m:9s} {tm:12.3f} {mm if mm else float('nan'):12.3f} "
              f"{(f'{tm / mm:15.2f}x' if mm else '  (no Myriad figure)')}")
    doc = {"benchmark": "compare_pytorch", "label": args.label,
           "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "commit": commit_id(),
           "configuration": {"agents": args.agents, "steps": args.steps, "warmup": args.warmup,
                             "device": args.device, "threads": args.threads or None, "trials": args.trials,
                             "myriad_bin": bin_, "myriad_cmd": mcmd_t, "myriad_fields": fields,
                             "figure": "median step time per engine (median over trials); speed-up = PyTorch / Myriad"},
           "notes": ["myriad_bench_step times act (random policies, no network) + step: like-for-like with the "
                     "PyTorch 'env' mode only; acting/training ratios need a Myriad command that times them "
                     "(myriad bench)." if fields == BENCH_STEP_FIELDS else "Myriad fields: see configuration.",
                     "Myriad points with an error: " + "; ".join(
                         f"{p.get('workload', '?')}: {p['error']}" for d in myriad_docs
                         for p in d["result"].get("points", []) if "error" in p)],
           "ratios": ratios, "myriad": myriad_docs, "pytorch": torch_docs}
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump(doc, f, indent=2)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
