#!/usr/bin/env python3
"""pytorch_battle_conformance.py: runs the PyTorch battle rules (benchmarks/torch_battle) on the
MAgent2 0.3.4 conformance vectors (shared/conformance, format in its README) on the CPU and
compares, after every step, each listed agent's position, alive flag, reward and hp (hp_frac), the
done flag, and the recorded views and feature vectors (13x13x5 or, with minimap, 13x13x7 and 34
features), within 1e-5. Fields listed in order_dependent_fields are compared by their sum only.

  python3 benchmarks/pytorch_battle_conformance.py [--dir ../shared/conformance] [--json FILE]
Exit status 0 when every vector passes.
"""
import argparse
import glob
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_battle.world import HP_MAX, STAY, V, Battle  # noqa: E402

TOL = 1e-5
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_dir():
    for d in (os.path.join(ROOT, "..", "shared", "conformance"), os.path.join(ROOT, "shared", "conformance"),
              "/work/shared/conformance"):
        if os.path.isdir(d):
            return os.path.normpath(d)
    return "shared/conformance"


def minimap_views(w, act, present):
    """Adds MAgent's minimap channels to w.observe's views: [n,13,13,7], and the x/W, y/H features.
    `present`: agents counted in the minimap (alive at the start of the step)."""
    view, feat = w.observe(act)
    view = view.view(-1, V, V, 5)
    s = int(math.ceil(w.W / V))
    counts = torch.zeros(2, V, V)
    g_all = w.group[present]
    counts.index_put_((g_all, w.y[present] // s, w.x[present] // s), torch.ones(len(present)), accumulate=True)
    div = torch.bincount(g_all, minlength=2).float()
    mm = counts / div.clamp(min=1)[:, None, None]
    g = w.group[act]
    own, other = mm[g].clone(), mm[1 - g].clone()
    k = torch.arange(len(act))
    rows, cols = w.y[act] // s, w.x[act] // s
    own[k, rows, cols] += 1
    other[k, rows, cols] += 1
    out = torch.cat([view[..., :3], own[..., None], view[..., 3:5], other[..., None]], 3)
    xy = torch.stack([w.x[act].float() / w.W, w.y[act].float() / w.H], 1)
    return out.reshape(len(act), -1), torch.cat([feat, xy], 1)


def check_vector(path):
    d = json.load(open(path))
    red, blue = d["initial"]["red"], d["initial"]["blue"]
    pos = red + blue
    x = torch.tensor([p[0] for p in pos]); y = torch.tensor([p[1] for p in pos])
    w = Battle(len(red), len(blue), d["map_size"], "cpu", positions=(x, y), seed=1)
    key = lambda team, idx: idx if team == "red" else len(red) + idx
    od = {}
    for e in d.get("order_dependent_fields", []):
        od.setdefault(e["t"], []).append(e)
    errors, compared = [], 0

    def bad(t, what, got, want):
        errors.append(f"t={t} {what}: got {got}, want {want}")

    for st in d["steps"]:
        t = st["t"]
        if t > 0:
            ra, ba = d["actions"][t - 1]
            a = torch.tensor([STAY if v is None else v for v in ra + ba], dtype=torch.int64)
            for i, v in enumerate(ra + ba):
                if v is None and bool(w.alive[i]):
                    bad(t, f"agent {i}", "alive", "removed before this step")
            w.step(a)
        skip = {(ag, e["field"]) for e in od.get(t, []) for ag in e["agents"]}
        for e in od.get(t, []):
            got = 0.0
            for ag in e["agents"]:
                team, idx = ag.split(":")
                i = key(team, int(idx))
                got += float(w.reward[i]) if e["field"] == "reward" else float(w.hp[i]) / HP_MAX
            compared += 1
            if abs(got - e["invariant_sum"]) > TOL * max(1, len(e["agents"])):
                bad(t, f"sum of {e['field']} over {e['agents']}", got, e["invariant_sum"])
        for ag in st["agents"]:
            i = key(ag["team"], ag["index"])
            name = f"{ag['team']}:{ag['index']}"
            if ag["id"] != i:
                bad(t, f"{name} id", i, ag["id"])
            checks = [("x", int(w.x[i]), ag["x"]), ("y", int(w.y[i]), ag["y"]),
                      ("alive", bool(w.alive[i]), ag["alive"])]
            if ag["reward"] is not None and (name, "reward") not in skip:
                checks.append(("reward", float(w.reward[i]), ag["reward"]))
            if ag["hp_frac"] is not None and (name, "hp_frac") not in skip:
                checks.append(("hp_frac", float(w.hp[i]) / HP_MAX, ag["hp_frac"]))
            for field, got, want in checks:
                compared += 1
                if (abs(got - want) > TOL) if isinstance(want, float) else got != want:
                    bad(t, f"{name} {field}", got, want)
        compared += 1
        done = min(w.team_alive()) == 0
        if done != st["done"]:
            bad(t, "done", done, st["done"])
        if st.get("views"):
            w.index()
            act = w.alive.nonzero().squeeze(1)
            if d["minimap"]:
                present = (w.alive | w.died).nonzero().squeeze(1)
                views, feats = minimap_views(w, act, present)
            else:
                views, feats = w.observe(act)
            row = {int(i): k for k, i in enumerate(act.tolist())}
            for name, rec in st["views"].items():
                team, idx = name.split(":")
                i = key(team, int(idx))
                if i not in row:
                    bad(t, f"{name} view", "agent not alive", "a view")
                    continue
                want_v = torch.tensor(rec["view"], dtype=torch.float32).reshape(-1)
                want_f = torch.tensor(rec["features"], dtype=torch.float32)
                got_v, got_f = views[row[i]].float(), feats[row[i]].float()
                compared += 2
                if got_v.shape != want_v.shape or (got_v - want_v).abs().max() > TOL:
                    diff = (got_v - want_v).abs().view(V, V, -1).nonzero()[:5].tolist() if got_v.shape == want_v.shape else "shape"
                    bad(t, f"{name} view", f"differs at [row, col, ch] {diff}", "MAgent's")
                if got_f.shape != want_f.shape or (got_f - want_f).abs().max() > TOL:
                    bad(t, f"{name} features", got_f.tolist(), want_f.tolist())
    return d["name"], compared, errors


def check_mean_action(seed=0):
    """The vectors carry no mean action (MAgent has none): rules.md §6 checked against a direct loop
    on a random world (Chebyshev radius 6, same group, alive, self excluded, 0 without neighbours)."""
    g = torch.Generator().manual_seed(seed)
    w = Battle(40, 40, 30, "cpu", placement="random", seed=seed)
    w.last_action = torch.randint(0, 21, (w.N,), generator=g)
    w.alive = torch.rand(w.N, generator=g) > 0.2
    act = w.alive.nonzero().squeeze(1)
    got = w.mean_action(act)
    errors = 0
    for k, i in enumerate(act.tolist()):
        want = torch.zeros(21)
        for j in act.tolist():
            if j != i and w.group[j] == w.group[i] and max(abs(int(w.x[j] - w.x[i])), abs(int(w.y[j] - w.y[i]))) <= 6:
                want[w.last_action[j]] += 1
        want = want / want.sum().clamp(min=1)
        errors += int((got[k] - want).abs().max() > TOL)
    return len(act), errors


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", default=default_dir())
    ap.add_argument("--json", help="write the per-vector results here")
    args = ap.parse_args()
    files = sorted(glob.glob(os.path.join(args.dir, "*.json")))
    if not files:
        print(f"no conformance vectors in {args.dir}", file=sys.stderr)
        return 2
    results, passed = [], 0
    for f in files:
        try:
            name, n, errs = check_vector(f)
        except Exception as e:  # a crash is a failure of that vector, not of the run
            name, n, errs = os.path.basename(f), 0, [f"exception: {e!r}"]
        ok = not errs
        passed += ok
        print(f"{'PASS' if ok else 'FAIL'} {name:32s} {n:5d} comparisons" + ("" if ok else f", {len(errs)} mismatches"))
        for e in errs[:8]:
            print("     ", e)
        results.append({"vector": os.path.basename(f), "pass": ok, "comparisons": n, "mismatches": errs[:50]})
    print(f"{passed}/{len(files)} vectors pass (torch {torch.__version__}, tolerance {TOL})")
    n_ma, ma_err = check_mean_action()
    print(f"{'PASS' if ma_err == 0 else 'FAIL'} mean action vs a direct loop: {n_ma - ma_err}/{n_ma} agents match")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"torch": torch.__version__, "dir": args.dir, "passed": passed, "total": len(files),
                       "tolerance": TOL, "vectors": results,
                       "mean_action_check": {"agents": n_ma, "mismatches": ma_err}}, fh, indent=2)
    return 0 if passed == len(files) and ma_err == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
