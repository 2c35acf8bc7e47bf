#!/usr/bin/env python3
"""Parameter-shared DQN on Myriad's battle, CleanRL style, on the batched API.

One Q-network plays every red agent (input: the agent's 13x13x5 view and its 32 features); blue is played
by the engine's own `random` policy (no Python per blue agent). Each step hands the whole red team's
observations to PyTorch in one tensor, picks all red actions in one forward pass, and stores every live red
agent's transition in a replay buffer with a few array operations: no per-agent Python loop anywhere.

  python3 examples/dqn_battle.py [--episodes 100] [--device cpu|cuda] [--backend auto|cpu|cuda] [--out runs/dqn_battle]

Writes OUT/metrics.csv (one row per episode) and OUT/summary.json; examples/plot_learning_curve.py draws
the curve (docs/img/dqn_battle.png).
"""
import argparse
import csv
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn

import myriad


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--episodes", type=int, default=100)
    p.add_argument("--map-size", type=int, default=32)          # 36 v 36
    p.add_argument("--max-cycles", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--backend", default="auto", help="Myriad's backend: auto | cpu | cuda")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu", help="PyTorch's device")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--gamma", type=float, default=0.97)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--buffer", type=int, default=60_000)
    p.add_argument("--learning-starts", type=int, default=2_000)
    p.add_argument("--train-every", type=int, default=2)        # env steps between gradient steps
    p.add_argument("--target-every", type=int, default=250)     # gradient steps between target copies
    p.add_argument("--eps-start", type=float, default=1.0)
    p.add_argument("--eps-end", type=float, default=0.05)
    p.add_argument("--eps-episodes", type=int, default=50)
    p.add_argument("--out", default="runs/dqn_battle")
    return p.parse_args()


class QNet(nn.Module):
    def __init__(self, view_shape, n_features, n_actions):
        super().__init__()
        v = int(np.prod(view_shape))
        self.net = nn.Sequential(nn.Linear(v + n_features, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                                 nn.Linear(64, n_actions))

    def forward(self, view, feat):
        return self.net(torch.cat([view.flatten(1), feat], dim=1))


def as_tensor(a, device):
    """A copy of a Myriad array as a torch tensor on `device`. Myriad's arrays view the engine's buffers
    (DLPack on CUDA: torch.from_dlpack shares the memory) and the next step overwrites them, so what the
    replay buffer keeps across a step is copied: one copy per array, on the device where it lives."""
    if isinstance(a, myriad.DeviceArray):
        return torch.from_dlpack(a).to(device, copy=True)
    return torch.tensor(a, device=device)


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    dev = args.device
    env = myriad.Env("battle", backend=args.backend, seed=args.seed, map_size=args.map_size,
                     max_cycles=args.max_cycles, mean_action="off")
    info = env.group_info("red")
    n, n_act = info["count"], info["n_actions"]
    vshape, nf = env.observation_shape("red"), info["n_features"]
    q, q_target = QNet(vshape, nf, n_act).to(dev), QNet(vshape, nf, n_act).to(dev)
    q_target.load_state_dict(q.state_dict())
    opt = torch.optim.Adam(q.parameters(), lr=args.lr)

    # Replay buffer of single-agent transitions (float16 observations), filled a team at a time.
    cap = args.buffer
    buf = {"view": torch.zeros((cap,) + vshape, dtype=torch.float16, device=dev),
           "feat": torch.zeros((cap, nf), dtype=torch.float16, device=dev),
           "next_view": torch.zeros((cap,) + vshape, dtype=torch.float16, device=dev),
           "next_feat": torch.zeros((cap, nf), dtype=torch.float16, device=dev),
           "action": torch.zeros(cap, dtype=torch.int64, device=dev),
           "reward": torch.zeros(cap, device=dev), "done": torch.zeros(cap, device=dev)}
    pos, size = 0, 0

    def store(idx, view, feat, action, reward, next_view, next_feat, done):
        nonlocal pos, size
        k = idx.numel()
        slots = (torch.arange(k, device=dev) + pos) % cap
        buf["view"][slots] = view[idx].half()
        buf["feat"][slots] = feat[idx].half()
        buf["next_view"][slots] = next_view[idx].half()
        buf["next_feat"][slots] = next_feat[idx].half()
        buf["action"][slots] = action[idx]
        buf["reward"][slots] = reward[idx]
        buf["done"][slots] = done[idx]
        pos, size = (pos + k) % cap, min(cap, size + k)

    os.makedirs(args.out, exist_ok=True)
    rows, updates, env_steps, t_start = [], 0, 0, time.time()
    for ep in range(args.episodes):
        eps = max(args.eps_end, args.eps_start - (args.eps_start - args.eps_end) * ep / max(1, args.eps_episodes))
        out = env.reset()
        red = out["red"]
        ep_return, losses = 0.0, []
        while not env.done:
            view, feat = as_tensor(red.view, dev).float(), as_tensor(red.features, dev).float()
            alive = as_tensor(red.alive, dev)
            with torch.no_grad():
                greedy = q(view, feat).argmax(1)
            explore = torch.from_numpy(rng.random(n) < eps).to(dev)
            random_a = torch.from_numpy(rng.integers(0, n_act, n)).to(dev)
            action = torch.where(explore, random_a, greedy)
            out = env.step({"red": action.to(torch.int32).cpu().numpy()}, policies={"blue": "random"})
            env_steps += 1
            reward = as_tensor(red.reward, dev).float()
            died = as_tensor(red.died, dev).float()
            next_view, next_feat = as_tensor(red.view, dev).float(), as_tensor(red.features, dev).float()
            store(torch.nonzero(alive).squeeze(1), view, feat, action, reward, next_view, next_feat, died)
            ep_return += float(reward[alive].sum())
            if size >= args.learning_starts and env_steps % args.train_every == 0:
                b = torch.from_numpy(rng.integers(0, size, args.batch)).to(dev)
                with torch.no_grad():
                    nxt = q_target(buf["next_view"][b].float(), buf["next_feat"][b].float()).max(1).values
                    target = buf["reward"][b] + args.gamma * nxt * (1 - buf["done"][b])
                pred = q(buf["view"][b].float(), buf["feat"][b].float()).gather(1, buf["action"][b, None]).squeeze(1)
                loss = nn.functional.smooth_l1_loss(pred, target)
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(q.parameters(), 10.0)
                opt.step()
                losses.append(loss.item())
                updates += 1
                if updates % args.target_every == 0:
                    q_target.load_state_dict(q.state_dict())
        red_alive = int(out["red"].alive.sum()) if not isinstance(out["red"].alive, myriad.DeviceArray) \
            else int(as_tensor(out["red"].alive, dev).sum())
        blue_alive = int(env.stats["alive"][1])
        row = {"episode": ep + 1, "epsilon": round(eps, 3), "steps": env.step_count,
               "red_return_per_agent": ep_return / n, "blue_killed": n - blue_alive, "red_lost": n - red_alive,
               "loss": float(np.mean(losses)) if losses else float("nan"), "seconds": round(time.time() - t_start, 1)}
        rows.append(row)
        print(f"episode {ep + 1:3d}  eps {eps:.2f}  steps {row['steps']:3d}  red return/agent "
              f"{row['red_return_per_agent']:7.2f}  blue killed {row['blue_killed']:2d}/{n}  red lost "
              f"{row['red_lost']:2d}/{n}  loss {row['loss']:.4f}  {row['seconds']:.0f}s", flush=True)
    with open(os.path.join(args.out, "metrics.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    last = rows[-10:]
    summary = {"episodes": args.episodes, "agents_per_team": n, "map_size": env.map_size, "backend": env.backend,
               "torch_device": dev, "env_steps": env_steps, "gradient_steps": updates,
               "seconds": round(time.time() - t_start, 1),
               "first10_blue_killed_mean": float(np.mean([r["blue_killed"] for r in rows[:10]])),
               "last10_blue_killed_mean": float(np.mean([r["blue_killed"] for r in last])),
               "first10_return_mean": float(np.mean([r["red_return_per_agent"] for r in rows[:10]])),
               "last10_return_mean": float(np.mean([r["red_return_per_agent"] for r in last])),
               "args": vars(args)}
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps({k: v for k, v in summary.items() if k != "args"}))


if __name__ == "__main__":
    main()
