#!/usr/bin/env python3
"""pytorch_battle.py: the battle-1M workload of docs/performance.md written in plain, vectorised
PyTorch ("the obvious alternative"): the game of rules.md (torch_battle/world.py: conformance-
checked by pytorch_battle_conformance.py) and MF-Q (torch_battle/learn.py), timed per phase.

Modes (--mode, comma-separated or 'both' = acting,training, 'all' = env,acting,training):
  env      : index + mean action + observe + uniform random actions + rules (no network): the same
             work as Myriad's myriad_bench_step (random policies), for a like-for-like figure;
  acting   : index, mean_action, observe, forward (one shared MLP per team, 898->128->64->21 ReLU),
             select (Boltzmann, Gumbel-max, T = --temperature), rules;
  training : acting (blue: --train-opponent, default uniform random as in myriad train) + replay
             (red's transitions, a 1/16 sample: every 16th alive red agent from a random offset,
             written to a device ring) + update (one Adam step of red's network on a --batch
             minibatch: online forward/backward, target forward, Boltzmann-expectation target at
             T = 0.1, gamma 0.95, clip 10) + soft target update tau = 0.005. One update per step.
Each mode starts a fresh world (same seed), plays --warmup untimed steps then --steps timed ones.
Timing: CUDA events around every phase and the whole step, torch.cuda.synchronize() after each
step (on the CPU: the host clock). Agent-steps = agents alive at the start of each timed step.
Precision: 'auto' = bf16 autocast + bf16 views on CUDA (TF32 allowed), fp32 on the CPU.

  python3 benchmarks/pytorch_battle.py [--agents 1000000] [--steps 50] [--warmup 5]
      [--device cuda|cpu] [--mode both] [--json FILE]
"""
import argparse
import contextlib
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from provenance import commit_id  # noqa: E402
from torch_battle import learn  # noqa: E402
from torch_battle.world import N_ACTIONS, STAY, Battle, map_side  # noqa: E402

PHASES = ["index", "mean_action", "observe", "forward", "select", "rules", "replay", "update"]


class Timer:
    """Per-phase times of one step: CUDA events on the GPU, perf_counter on the CPU."""

    def __init__(self, cuda):
        self.cuda, self.marks = cuda, []
        self.nvtx = cuda
        try:
            torch.cuda.nvtx.range_push("probe") if cuda else None
            torch.cuda.nvtx.range_pop() if cuda else None
        except (RuntimeError, AttributeError):  # a build without NVTX: events only
            self.nvtx = False

    @contextlib.contextmanager
    def phase(self, name):
        if self.cuda:
            if self.nvtx:
                torch.cuda.nvtx.range_push(name)
            a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            a.record()
            yield
            b.record()
            if self.nvtx:
                torch.cuda.nvtx.range_pop()
            self.marks.append((name, a, b))
        else:
            t0 = time.perf_counter()
            yield
            self.marks.append((name, t0, time.perf_counter()))

    def collect(self):
        """ms per phase of the step just played (after synchronisation); resets."""
        out = {}
        for name, a, b in self.marks:
            ms = a.elapsed_time(b) if self.cuda else 1e3 * (b - a)
            out[name] = out.get(name, 0.0) + ms
        self.marks = []
        return out


def summary(v):
    return {"ms_median": statistics.median(v), "ms_min": min(v), "ms_max": max(v),
            "ms_mean": statistics.fmean(v)} if v else None


class Run:
    def __init__(self, args, mode, device):
        self.args, self.mode, self.device = args, mode, device
        self.cuda = device.type == "cuda"
        self.bf16 = args.precision == "bf16" or (args.precision == "auto" and self.cuda)
        self.n_red = args.agents // 2
        self.n_blue = args.agents - self.n_red
        self.side = args.map_size or map_side(args.agents)
        self.seed = args.seed
        self.new_world()
        torch.manual_seed(args.seed)
        self.gen = torch.Generator(device=device).manual_seed(args.seed + 1)
        self.nets = [learn.make_mlp(device), learn.make_mlp(device)]
        for n in self.nets:
            n.requires_grad_(mode == "training")
        self.train = mode == "training"
        if self.train:
            self.learner = learn.Learner(self.nets[0], device, self.bf16)
            per_step = max(1, self.n_red // args.store_every)
            cap = args.replay_capacity or min(1 << 20, max(args.batch, 32 * per_step))
            self.replay = learn.Replay(cap, device)
            self.pending = None
        self.timer = Timer(self.cuda)
        self.resets = 0

    def new_world(self):
        dt = torch.bfloat16 if self.bf16 else torch.float32
        self.w = Battle(self.n_red, self.n_blue, self.side, self.device, self.args.placement, self.seed,
                        obs_dtype=dt)

    def step(self):
        w, T, dev = self.w, self.timer, self.device
        with T.phase("index"):
            act, nr = w.index()
        n = act.numel()
        with T.phase("mean_action"):
            ma = w.mean_action(act)
        with T.phase("observe"):
            view, feat = w.observe(act)
        if self.mode == "env":
            with T.phase("select"):
                a = torch.randint(0, N_ACTIONS, (n,), generator=self.gen, device=dev)
        elif self.train and self.args.train_opponent == "random":  # red learns, blue plays uniformly
            with T.phase("forward"), torch.no_grad(), learn.autocast(dev, self.bf16):
                q = self.nets[0](learn.q_input(view[:nr], feat[:nr], ma[:nr]))
            with T.phase("select"):
                a = torch.cat([learn.boltzmann(q, self.args.temperature, self.gen),
                               torch.randint(0, N_ACTIONS, (n - nr,), generator=self.gen, device=dev)])
        else:
            with T.phase("forward"), torch.no_grad(), learn.autocast(dev, self.bf16):
                x = learn.q_input(view, feat, ma)
                q = torch.cat([self.nets[0](x[:nr]), self.nets[1](x[nr:])])
            with T.phase("select"):
                a = learn.boltzmann(q, self.args.temperature, self.gen)
        if self.train:
            with T.phase("replay"):
                self.store(act, nr, view, feat, ma, a)
        with T.phase("rules"):
            full = torch.full((w.N,), STAY, dtype=torch.int64, device=dev)
            full[act] = a
            w.step(full)
        if self.train and self.replay.size > 0:  # (empty only in the first step of a run)
            with T.phase("update"):
                self.learner.update(self.replay.sample(self.args.batch, self.gen))
        return n, nr

    def store(self, act, nr, view, feat, ma, a):
        """Completes last step's sampled transitions with o', features', ā' (zeros for agents that
        died: d = 1) and writes them; samples this step's 1/16 of the alive red agents."""
        w, dev = self.w, self.device
        if self.pending is not None:
            ids, o, f, m, aa = self.pending
            row = torch.full((w.N,), -1, dtype=torch.int64, device=dev)
            row[act] = torch.arange(act.numel(), device=dev)
            r = row[ids]
            here = (r >= 0)[:, None]
            rc = r.clamp(min=0)
            eliminated = nr == 0 or act.numel() - nr == 0
            d = w.died[ids] | eliminated
            self.replay.write(o, f, m, aa, w.reward[ids], d, view[rc] * here, feat[rc] * here, ma[rc] * here)
        off = int(torch.randint(0, self.args.store_every, (1,)))
        rows = torch.arange(off, nr, self.args.store_every, device=dev)
        self.pending = (act[rows], view[rows], feat[rows], ma[rows], a[rows])

    def play(self, steps, timed):
        rec = {"ms": [], "host_ms": [], "alive": [], "phases": {p: [] for p in PHASES}}
        for _ in range(steps):
            if min(self.w.team_alive()) == 0:  # an episode ended: a new one, outside the clock
                self.seed += 1
                self.new_world()
                self.pending = None
                self.resets += 1
            if self.cuda:
                torch.cuda.synchronize()
                e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                e0.record()
            h0 = time.perf_counter()
            n, _ = self.step()
            if self.cuda:
                e1.record()
                torch.cuda.synchronize()
            h1 = time.perf_counter()
            ph = self.timer.collect()
            if timed:
                rec["ms"].append(e0.elapsed_time(e1) if self.cuda else 1e3 * (h1 - h0))
                rec["host_ms"].append(1e3 * (h1 - h0))
                rec["alive"].append(n)
                for p in PHASES:
                    if p in ph:
                        rec["phases"][p].append(ph[p])
        return rec


def run_mode(args, mode, device):
    r = Run(args, mode, device)
    setup = {"map_side": r.side, "agents": r.w.N, "precision": "bf16" if r.bf16 else "fp32"}
    r.play(args.warmup, False)
    rec = r.play(args.steps, True)
    ms, total_s = rec["ms"], sum(rec["ms"]) / 1e3
    res = dict(setup, mode=mode, steps_timed=len(ms), **summary(ms),
               host_ms_median=statistics.median(rec["host_ms"]),
               agent_steps=sum(rec["alive"]),
               agent_steps_per_s=sum(rec["alive"]) / total_s,
               agent_steps_per_s_at_median=statistics.fmean(rec["alive"]) / (statistics.median(ms) / 1e3),
               alive_at_end=r.w.team_alive(), episode_resets=r.resets,
               phases={p: summary(v) for p, v in rec["phases"].items() if v},
               ms_per_step=ms)
    res["phases_sum_ms_median"] = sum(v["ms_median"] for v in res["phases"].values())
    if r.train:
        res["replay"] = {"capacity": r.replay.cap, "bytes": r.replay.nbytes(), "stored": r.replay.size,
                         "store_every": args.store_every, "batch": args.batch}
    if r.cuda:
        res["max_memory_allocated_bytes"] = torch.cuda.max_memory_allocated()
        torch.cuda.reset_peak_memory_stats()
    del r
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return res


def device_info(device):
    info = {"type": device.type, "torch": torch.__version__, "torch_cuda_build": torch.version.cuda,
            "threads": torch.get_num_threads(), "python": platform.python_version(), "host": platform.node()}
    if device.type == "cuda":
        p = torch.cuda.get_device_properties(device)
        info.update(name=p.name, memory_bytes=p.total_memory, sm_count=p.multi_processor_count,
                    capability=f"{p.major}.{p.minor}")
        try:
            info["driver"] = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                                            capture_output=True, text=True, timeout=20).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            info["driver"] = None
    else:
        name = platform.processor()
        try:
            with open("/proc/cpuinfo") as f:
                name = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
        except (OSError, StopIteration):
            pass
        info.update(name=name, cores=os.cpu_count())
    return info


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agents", type=int, default=1_000_000, help="total agents (half per team)")
    ap.add_argument("--map-size", type=int, default=0, help="default: ceil(5*sqrt(agents/2))")
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--mode", default="both", help="env, acting, training (comma-separated), both, all")
    ap.add_argument("--placement", default="blocks", choices=["blocks", "random"])
    ap.add_argument("--precision", default="auto", choices=["auto", "fp32", "bf16"])
    ap.add_argument("--temperature", type=float, default=1.0, help="Boltzmann temperature when acting")
    ap.add_argument("--batch", type=int, default=65536)
    ap.add_argument("--train-opponent", default="random", choices=["random", "network"],
                    help="training mode: blue plays uniformly at random (as myriad train's default opponent) "
                         "or with its own network")
    ap.add_argument("--store-every", type=int, default=16, help="store 1/k of the learner's transitions")
    ap.add_argument("--replay-capacity", type=int, default=0, help="default min(2^20, max(batch, 32 per-step samples))")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (default: torch's)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", help="results file")
    args = ap.parse_args(argv)
    modes = {"both": ["acting", "training"], "all": ["env", "acting", "training"]}.get(args.mode, args.mode.split(","))
    for m in modes:
        if m not in ("env", "acting", "training"):
            ap.error(f"--mode: unknown mode {m!r}")
    args.modes = modes
    return args


def main(argv=None):
    args = parse_args(argv)
    device = torch.device(args.device)
    if args.threads:
        torch.set_num_threads(args.threads)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    doc = {"benchmark": "pytorch_battle", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "commit": commit_id(), "device": device_info(device),
           "configuration": {"agents": args.agents, "map_side": args.map_size or map_side(args.agents),
                             "placement": args.placement, "steps": args.steps, "warmup": args.warmup,
                             "precision": args.precision, "temperature": args.temperature, "batch": args.batch,
                             "store_every": args.store_every, "seed": args.seed, "modes": args.modes,
                             "learners": "red only; blue in acting mode: its own network; in training mode: "
                                         + ("its own untrained network" if args.train_opponent == "network"
                                            else "uniform random actions"),
                             "timing": "CUDA events per phase and step, synchronize per step"
                                       if device.type == "cuda" else "host perf_counter per phase and step",
                             "agent_steps": "sum over timed steps of agents alive at the start of the step"},
           "results": {}}
    print(f"pytorch_battle: {args.agents} agents, map {doc['configuration']['map_side']}, "
          f"{device_info(device)['name']}, torch {torch.__version__}")
    for mode in args.modes:
        res = run_mode(args, mode, device)
        doc["results"][mode] = res
        print(f"{mode:9s} median {res['ms_median']:9.3f} ms  min {res['ms_min']:9.3f}  max {res['ms_max']:9.3f}  "
              f"{res['agent_steps_per_s']:.4g} agent-steps/s  ({res['precision']})")
        for p, s in res["phases"].items():
            print(f"{'':9s} {p:12s} {s['ms_median']:9.3f} ms")
        if args.json:  # after every mode, so a run cut short keeps what it measured
            with open(args.json, "w") as f:
                json.dump(doc, f, indent=2)
    return doc


if __name__ == "__main__":
    main()
