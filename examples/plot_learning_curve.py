#!/usr/bin/env python3
"""Draws examples/dqn_battle.py's learning curve: blue agents killed per episode and red's return per
agent, with the exploration rate, from RUN/metrics.csv.

  /usr/bin/python3 examples/plot_learning_curve.py runs/dqn_battle [--out docs/img/dqn_battle.png]
"""
import argparse
import csv
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def smooth(v, k=5):
    out = []
    for i in range(len(v)):
        w = v[max(0, i - k + 1): i + 1]
        out.append(sum(w) / len(w))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run")
    ap.add_argument("--out", default="docs/img/dqn_battle.png")
    a = ap.parse_args()
    with open(os.path.join(a.run, "metrics.csv")) as f:
        rows = list(csv.DictReader(f))
    ep = [int(r["episode"]) for r in rows]
    killed = [float(r["blue_killed"]) for r in rows]
    ret = [float(r["red_return_per_agent"]) for r in rows]
    eps = [float(r["epsilon"]) for r in rows]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
    ax1.plot(ep, killed, color="#3478FF", alpha=0.35, label="per episode")
    ax1.plot(ep, smooth(killed), color="#3478FF", label="mean of 5")
    ax1.set_xlabel("episode")
    ax1.set_ylabel("blue agents killed (of 36)")
    ax1.set_title("DQN red vs random blue: kills")
    ax1.legend(loc="upper left")
    ax2.plot(ep, ret, color="#EB342D", alpha=0.35)
    ax2.plot(ep, smooth(ret), color="#EB342D", label="return per red agent")
    ax2.set_xlabel("episode")
    ax2.set_ylabel("return per agent")
    ax2.set_title("return per red agent, and epsilon")
    t = ax2.twinx()
    t.plot(ep, eps, color="gray", ls="--", label="epsilon")
    t.set_ylabel("epsilon")
    t.set_ylim(0, 1.05)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    fig.savefig(a.out, dpi=110)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
