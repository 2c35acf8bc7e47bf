#!/usr/bin/env python3
"""make_report.py: BENCHMARKS.md from the results files: `myriad bench` documents (reference points
and sweeps), the magent2 comparison (cpu_vs_magent2.json) and the PyTorch comparison (compare_pytorch.py).
Every table names its device, driver, CUDA version, commit and date; every figure stands next to its
floor (performance.md's limits, benchmarks/phase_model.cpp) and its gap; the targets say met or missed,
by how much, and which phase is responsible. Sweep plots are drawn with plot_bench.py (matplotlib).

  /usr/bin/python3 benchmarks/make_report.py [FILES...] [--out BENCHMARKS.md] [--plots-dir DIR]
  (FILES default: benchmarks/results/*.json)
"""
import argparse
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import plot_bench  # noqa: E402

PHASES = ["index", "mean_action", "observe", "forward", "select", "rules", "replay", "update"]
NOT_YET = "not measured yet"
# performance.md "Targets": (key, workload, must, goal, kind)
TARGETS = [
    ("training", "battle-1M training step, H100", 3.0, 1.0, "ms"),
    ("acting", "battle-1M acting step, H100", 1.5, 0.4, "ms"),
    ("pytorch", "same step in PyTorch on the same GPU (Myriad speed-up)", 10.0, 30.0, "x"),
    ("magent2", "CPU env + observations, 20k agents, 2 cores, vs magent2", 2.0, 5.0, "x"),
    ("largest", "largest battle on one H100 80 GB (acting)", 10e6, 100e6, "agents"),
    ("linear", "time per step vs agents (1k ... max)", None, None, "fit"),
]


def load(paths):
    docs = []
    for p in paths:
        try:
            with open(p) as f:
                d = json.load(f)
        except (OSError, ValueError) as e:
            print("make_report.py: skipping %s: %s" % (p, e), file=sys.stderr)
            continue
        if not isinstance(d, dict):
            continue
        d["_path"] = p
        if "benchmark" in d:
            docs.append(d)
            continue
        # A bundle of results (e.g. pytorch_*.json: several compare_pytorch runs under their own keys).
        for key, sub in d.items():
            if isinstance(sub, dict) and "benchmark" in sub:
                sub = dict(sub, _path=p)
                if d.get("label") and not sub.get("label"):
                    sub["label"] = d["label"]
                sub["_part"] = key
                docs.append(sub)
    return docs


def fmt(v, unit="", digits=3):
    if v is None:
        return "-"
    if isinstance(v, (int, float)):
        return ("%." + str(digits) + "g%s") % (v, unit)
    return str(v)


def on_gpu(doc):
    dev = doc.get("device", {})
    return dev.get("backend") == "cuda" and dev.get("cuda", {}).get("available", False)


def provenance(doc):
    dev = doc.get("device", {})
    cuda = dev.get("cuda", {}) if isinstance(dev, dict) else {}
    host = dev.get("host", {}) if isinstance(dev, dict) else {}
    if on_gpu(doc):
        device = "%s (%s SMs)" % (cuda.get("name", "?"), cuda.get("sm_count", "?"))
        driver = cuda.get("driver_version") or "?"
        cv = "runtime %s, driver supports %s" % (cuda.get("runtime_cuda_version", "?"), cuda.get("driver_cuda_version", "?"))
    else:
        m = doc.get("machine", {})
        cpu = host.get("cpu_model") or m.get("cpu_model", "?")
        threads = host.get("omp_max_threads") or m.get("nproc", "?")
        device = "CPU: %s, %s threads" % (cpu, threads)
        load_ = host.get("loadavg") or m.get("loadavg_at_start")
        if load_:
            device += " (load average at start %s)" % load_
        env = host.get("env", {})
        if env:
            device += ", " + " ".join("%s=%s" % kv for kv in sorted(env.items()))
        driver, cv = "- (no GPU)", "- (CPU backend)"
    text = ("device: %s; driver: %s; CUDA: %s; commit `%s`; date %s; file `%s`"
            % (device, driver, cv, doc.get("commit", "?"), doc.get("date", "?"), os.path.relpath(doc["_path"], ROOT)))
    if doc.get("command"):
        text += "; command `%s`" % doc["command"]
    return text


def bench_points(docs, workload, gpu):
    out = []
    for d in docs:
        if d.get("benchmark") != "myriad bench" or on_gpu(d) != gpu:
            continue
        for p in d.get("points", []):
            if p.get("workload") == workload and not p.get("sweep") and "step" in p:
                out.append((d, p))
    return out


def responsible(p):
    """The phase with the largest median time, with its share of the sum and its own gap."""
    ph = p.get("phases", {})
    if not ph:
        return "-"
    name = max(ph, key=lambda k: ph[k].get("ms_median", 0))
    total = sum(v.get("ms_median", 0) for v in ph.values()) or 1
    gap = ph[name].get("gap")
    return "%s (%.0f%% of the phases%s)" % (name, 100 * ph[name]["ms_median"] / total,
                                            ", %.1fx its floor" % gap if gap else "")


def phase_table(p, gpu):
    lim = p.get("limits", {})
    rows = ["| phase | median ms | min ms | max ms | MB moved (model) | GB/s | GFLOP (model) | GFLOP/s "
            "| floor ms FP32 | floor ms TF32 | gap |", "|" + " --- |" * 11]
    for k in PHASES + ["sum"]:
        if k == "sum":
            s, m = p.get("phases_sum", {}), p.get("model", {})
            b, fl, gb, gf = m.get("bytes"), m.get("flop"), None, None
            f32, tf32, gap = p.get("floor_ms"), p.get("floor_tf32_ms"), p.get("gap")
        else:
            s = p.get("phases", {}).get(k)
            if s is None:
                continue
            b, fl, gb, gf = s.get("bytes"), s.get("flop"), s.get("achieved_GBps"), s.get("achieved_GFLOPps")
            f32, tf32, gap = s.get("floor_ms"), s.get("floor_tf32_ms"), s.get("gap")
        rows.append("| %s | %.3f | %.3f | %.3f | %s | %s | %s | %s | %s | %s | %s |" % (
            "**step (sum of phases)**" if k == "sum" else k, s.get("ms_median", 0), s.get("ms_min", 0),
            s.get("ms_max", 0), fmt(b / 1e6 if b is not None else None), fmt(gb), fmt(fl / 1e9 if fl is not None else None),
            fmt(gf), fmt(f32, "", 3), fmt(tf32, "", 3), ("%.1fx" % gap) if gap else "-"))
    note = ("Floors at %s: max(bytes / %.1f TB/s, FLOP / %g TFLOP/s FP32 or %g TF32); gap = median / FP32 floor."
            % (lim.get("name", "?"), lim.get("bandwidth_Bps", 0) / 1e12, lim.get("fp32_flops", 0) / 1e12,
               lim.get("tf32_flops", 0) / 1e12))
    if not gpu:
        note += (" This run is on the CPU: the floors are the H100's, for reference, and no gap is given "
                 "(performance.md sets no CPU limits).")
    return "\n".join(rows) + "\n\n" + note + "\n"


def point_section(d, p, gpu):
    mem = p.get("memory", {})
    lines = ["### %s step, %s agents (%s per team, map %s), %s observations" % (
        p["workload"], format(int(p["agents"]), ","), format(int(p.get("agents_per_team", 0)), ","),
        p.get("map_side", "?"), p.get("obs_dtype", "?")), "", provenance(d), ""]
    st = p["step"]
    lines.append("Step: median **%.3f ms** (min %.3f, max %.3f) over %d timed steps after %s warm-up; %s agent-steps/s "
                 "at the median; floor %.3f ms (FP32) / %.3f ms (TF32)%s." % (
                     st["ms_median"], st["ms_min"], st["ms_max"], p.get("steps_timed", 0), p.get("warmup", "?"),
                     fmt(p.get("agent_steps_per_s_at_median")), p.get("floor_ms", 0), p.get("floor_tf32_ms", 0),
                     ", gap %.1fx" % p["gap"] if p.get("gap") else " on an H100 (reference only)"))
    if mem.get("bytes_per_agent"):
        lines.append("Memory: %.0f bytes per agent (%s)." % (mem["bytes_per_agent"], mem.get("method", "buffer sum")))
    lines += ["", phase_table(p, gpu)]
    return "\n".join(lines)


def sweep_section(d, plots_dir, out_dir):
    pts = plot_bench.sweep_points(d)
    if not pts:
        return None, None
    fit = plot_bench.fit_sweep(pts)
    base = os.path.splitext(os.path.basename(d["_path"]))[0] + ".png"
    png = os.path.join(plots_dir, base)
    drawn = True
    try:
        plot_bench.plot(pts, fit, png, plot_bench.describe(d))
    except ImportError:
        drawn = False
    lines = ["### Sweep (acting step), %s" % ("GPU" if on_gpu(d) else "CPU"), "", provenance(d), "",
             "| agents | map | timed steps | median ms | min ms | max ms | agent-steps/s | bytes/agent | note |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for p in d.get("points", []):
        if "error" in p:
            lines.append("| %s | - | - | - | - | - | - | - | error: %s |" % (format(int(p.get("agents", 0)), ","), p["error"]))
            continue
        s = p["step"]
        lines.append("| %s | %s | %s | %.3f | %.3f | %.3f | %s | %.0f | %s |" % (
            format(int(p["agents"]), ","), p.get("map_side"), p.get("steps_timed"), s["ms_median"], s["ms_min"],
            s["ms_max"], fmt(p.get("agent_steps_per_s_at_median")), p.get("memory", {}).get("bytes_per_agent", 0),
            p.get("steps_note", "")))
    if d.get("sweep_stop_reason"):
        lines.append("\nStopped: %s." % d["sweep_stop_reason"])
    if fit:
        lines.append("\nLeast-squares fit t = a + b·N: a = %.4g ms, b = %.4g ms per million agents, R² = %.4f; "
                     "points above 2× the fit: %s." % (fit["a_ms"], fit["b_ms_per_agent"] * 1e6, fit["r2"],
                                                       ", ".join("%d agents (%.3f ms vs %.3f)" % (f["agents"], f["ms"], f["fit_ms"])
                                                                 for f in fit["above_2x_fit"]) or "none"))
    if drawn:
        lines.append("\n![time per step vs agents](%s)" % os.path.relpath(png, out_dir))
    else:
        lines.append("\n(plot not drawn: matplotlib missing; run with /usr/bin/python3)")
    return "\n".join(lines) + "\n", fit


def target_rows(docs, fits):
    rows = ["| target | must | goal | measured | met? | by how much | responsible phase | source |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for key, name, must, goal, kind in TARGETS:
        measured, verdict, by, phase, src = NOT_YET, "-", "-", "-", "no GPU run yet"
        if key in ("training", "acting"):
            pts = [(d, p) for d, p in bench_points(docs, key, True) if p.get("agents", 0) >= 1_000_000]
            if pts:
                d, p = pts[-1]
                ms = p["step"]["ms_median"]
                measured = "%.3f ms" % ms
                verdict = "goal met" if ms <= goal else "must met" if ms <= must else "missed"
                by = ("%.2fx over the must" % (ms / must)) if ms > must else ("%.2fx over the goal" % (ms / goal)) if ms > goal else "-"
                phase, src = responsible(p), os.path.basename(d["_path"])
            else:
                cpu = bench_points(docs, key, False)
                if cpu:
                    d, p = cpu[-1]
                    measured = "%s (GPU); CPU: %.1f ms at %s agents" % (NOT_YET, p["step"]["ms_median"], format(int(p["agents"]), ","))
                    phase, src = "CPU: " + responsible(p), os.path.basename(d["_path"])
        elif key == "pytorch":
            for d in docs:
                if d.get("benchmark") != "compare_pytorch":
                    continue
                gpu = d.get("configuration", {}).get("device") == "cuda"
                r = [(m, v.get("myriad_speedup")) for m, v in d.get("ratios", {}).items() if v.get("myriad_speedup")]
                if not r:
                    continue
                text = ", ".join("%s %.2fx" % (m, x) for m, x in r)
                worst = min(x for _, x in r)
                if gpu:
                    measured, src = text, os.path.basename(d["_path"])
                    verdict = "goal met" if worst >= goal else "must met" if worst >= must else "missed"
                    by = "-" if worst >= goal else "%.1fx short of the %s" % ((goal if worst >= must else must) / worst,
                                                                              "goal" if worst >= must else "must")
                elif measured.startswith(NOT_YET):
                    cpu_text = (measured.split("CPU smoke test: ", 1)[1] + ", " if "CPU smoke test: " in measured else "") + text
                    measured, src = "%s (GPU); CPU smoke test: %s" % (NOT_YET, cpu_text), os.path.basename(d["_path"])
        elif key == "magent2":
            for d in docs:
                if d.get("benchmark") != "cpu_vs_magent2":
                    continue
                rows_ = d.get("summary") or []
                big = next((r for r in rows_ if r.get("game") == "battle" and r.get("size") == "large"), None)
                if big:  # the six-game file: the target's workload is battle at the large size
                    x, x_mean = big["ratio"], big["ratio_with_mean_action"]
                    basis = "battle, %s agents, step + observations, like for like" % format(int(big["agents_myriad"]), ",")
                elif d.get("ratio_myriad_over_magent2") is not None:  # a battle-only file
                    x, x_mean, basis = d["ratio_myriad_over_magent2"], d.get("ratio_with_mean_action"), d.get("ratio_basis", "")
                else:
                    continue
                measured = "%.2fx (%s); with the radius mean action %s" % (x, basis, fmt(x_mean, "x", 3))
                if rows_:
                    worst = min(rows_, key=lambda r: r["ratio"])
                    measured += "; lowest of the %d game/size points: %s %s %.2fx" % (
                        len(rows_), worst["game"], worst["size"], worst["ratio"])
                verdict = "goal met" if x >= goal else "must met" if x >= must else "missed"
                by = "-" if x >= goal else "%.2fx short of the %s" % ((goal if x >= must else must) / x,
                                                                      "goal" if x >= must else "must")
                phase = "observe (the largest phase in magent2 and Myriad alike; see the CPU tables)"
                src = os.path.basename(d["_path"])
        elif key == "largest":
            best = None
            for d in docs:
                if d.get("benchmark") == "myriad bench" and on_gpu(d):
                    for p in d.get("points", []):
                        if "step" in p and (best is None or p["agents"] > best[1]["agents"]):
                            best = (d, p)
            if best:
                n = best[1]["agents"]
                measured = "%s agents (%s)" % (format(int(n), ","), best[0].get("sweep_stop_reason", ""))
                verdict = "goal met" if n >= goal else "must met" if n >= must else "missed"
                by = "-" if n >= goal else "%.1fx short of the %s" % ((goal if n >= must else must) / n,
                                                                      "goal" if n >= must else "must")
                phase = "memory: %.0f bytes per agent" % best[1].get("memory", {}).get("bytes_per_agent", 0)
                src = os.path.basename(best[0]["_path"])
        elif key == "linear":
            gpu_fits = [(d, f) for d, f in fits if on_gpu(d) and f]
            cpu_fits = [(d, f) for d, f in fits if not on_gpu(d) and f]
            pick = gpu_fits or cpu_fits
            if pick:
                d, f = pick[-1]
                n_above = len(f["above_2x_fit"])
                measured = "R² = %.4f, %d point(s) above 2× the fit%s" % (f["r2"], n_above, "" if gpu_fits else " (CPU sweep; GPU " + NOT_YET + ")")
                verdict = ("goal met" if n_above == 0 and f["r2"] >= 0.99 else "must met" if f["r2"] >= 0.95 else "missed") if gpu_fits else "- (CPU only)"
                src = os.path.basename(d["_path"])
        must_s = "-" if must is None else ("≤ %g ms" % must if kind == "ms" else "≥ %gx" % must if kind == "x" else "%s agents" % format(int(must), ",")) if kind != "fit" else "linear"
        goal_s = "-" if goal is None else ("≤ %g ms" % goal if kind == "ms" else "≥ %gx" % goal if kind == "x" else "%s agents" % format(int(goal), ",")) if kind != "fit" else "linear, no step > 2× the fit"
        if kind == "fit":
            must_s, goal_s = "linear", "linear, no step over 2× the fit"
        rows.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (name, must_s, goal_s, measured, verdict, by, phase, src))
    return "\n".join(rows) + "\n"


def magent2_section(d):
    if d.get("summary") is not None:
        return magent2_games_section(d)
    return magent2_battle_section(d)


def magent2_engine_table(point):
    """The engines of one comparison point: magent2 and each Myriad variant, with its ratio."""
    m = point.get("magent2", {})
    lines = ["| engine | agent-steps/s (at the median) | vs magent2 |", "| --- | --- | --- |",
             "| magent2 (one core, C++ engine) | %s | 1 |" % fmt(m.get("agent_steps_per_s_at_median"))]
    for key, name in (("myriad_no_mean_action", "Myriad CPU, %s threads, no mean action (like for like)"),
                      ("myriad", "Myriad CPU, %s threads, radius mean action"),
                      ("myriad_1_thread", "Myriad CPU, %s thread, radius mean action")):
        v = point.get(key)
        if v:
            x = v.get("ratio_over_magent2")
            lines.append("| %s | %s | %s |" % (name % v.get("omp_num_threads", "?"), fmt(v.get("agent_steps_per_s_at_median")),
                                               "-" if x is None else "%.2fx" % x))
    return lines


def magent2_battle_section(d):
    """A battle-only results file (the comparison before it covered the six games)."""
    m = d.get("magent2", {})
    w = d.get("workload", {})
    lines = ["### CPU: Myriad vs magent2 %s" % m.get("version", ""), "", provenance(d), "",
             "Workload: %s; %s agents, %s timed steps after %s, %s trials (%s)." % (
                 w.get("scenario", "battle"), format(int(w.get("agents", 0)), ","), w.get("steps"), w.get("warmup"),
                 w.get("trials"), w.get("figure", "")), ""]
    lines += magent2_engine_table(d)
    return "\n".join(lines) + "\n\nNo floor applies: performance.md sets no CPU limits; the target is the ratio.\n"


def magent2_games_section(d):
    """The six-game results file: one row per game and size, then battle at the large size in detail."""
    c = d.get("configuration", {})
    games = d.get("games", {})
    version = next((p.get("magent2", {}).get("version") for g in games.values() for p in g.values()), "")
    must = next((t[2] for t in TARGETS if t[0] == "magent2"), 2.0)
    lines = ["### CPU: Myriad vs magent2 %s, the six MAgent2 games" % (version or ""), "", provenance(d), "",
             "Each game at MAgent2's default map and at a large size (Myriad `--agents %s`; magent2 on the same map "
             "side and layout), uniform random actions; %s timed steps (default size) or %s (large) after %s warm-up, "
             "median of %s trials, Myriad with OMP_NUM_THREADS=%s, magent2 on one core (its engine is single-threaded). "
             "Per step, magent2: random actions + set_action + step + get_observation of the acting groups + get_reward "
             "+ clear_dead; Myriad: act + step with the observations of every agent. Agents: every group, alive at the "
             "start of the step (gather's food too). %s" % (
                 c.get("large_agents", "?"), c.get("steps_default", "?"), c.get("steps_large", "?"), c.get("warmup", "?"),
                 c.get("trials", "?"), c.get("omp_num_threads", "?"), c.get("figure", "")), "",
             "| game | size | map | agents (Myriad / magent2) | magent2 agent-steps/s | Myriad, no mean action "
             "| ratio (like for like) | Myriad, radius mean action | ratio |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    restarts = []
    for r in d.get("summary", []):
        agents = format(int(r["agents_myriad"]), ",")
        if r["agents_magent2"] != r["agents_myriad"]:
            agents += " / " + format(int(r["agents_magent2"]), ",")
        lines.append("| %s | %s | %s | %s | %s | %s | %s%s | %s | %s |" % (
            r["game"], r["size"], r.get("map_side", "?"), agents, fmt(r["magent2_agent_steps_per_s"]),
            fmt(r["myriad_no_mean_action_agent_steps_per_s"]), "%.2fx" % r["ratio"],
            " (below %gx)" % must if r["ratio"] < must else "", fmt(r["myriad_agent_steps_per_s"]),
            "%.2fx" % r["ratio_with_mean_action"]))
        if r.get("episode_resets_magent2") or r.get("episode_resets_myriad"):
            restarts.append("%s %s (magent2 %s, Myriad %s)" % (r["game"], r["size"], r.get("episode_resets_magent2", 0),
                                                              r.get("episode_resets_myriad", 0)))
    if restarts:
        lines += ["", "Episodes that ended during the steps were restarted outside the clock by both engines "
                  "(all trials): %s." % ", ".join(restarts)]
    big = games.get("battle", {}).get("large")
    if big:
        w = big.get("workload", {})
        lines += ["", "Battle at the large size (performance.md's 20k-agent target), every Myriad variant: %s agents, "
                  "map %s, %s timed steps after %s, %s trials." % (
                      format(int(w.get("agents_myriad", 0)), ","), w.get("map_side"), w.get("steps"), w.get("warmup"),
                      w.get("trials")), ""]
        lines += magent2_engine_table(big)
    return "\n".join(lines) + "\n\nNo floor applies: performance.md sets no CPU limits; the target is the ratio.\n"


def pytorch_section(d):
    c = d.get("configuration", {})
    lines = ["### PyTorch comparison (%s, %s agents%s)" % (c.get("device", "?"), format(int(c.get("agents", 0)), ","),
                                                          ", " + d["label"] if d.get("label") else ""), "",
             "commit `%s`; date %s; file `%s`%s" % (d.get("commit", "?"), d.get("date", "?"), os.path.relpath(d["_path"], ROOT),
                                                    " (part `%s`)" % d["_part"] if d.get("_part") else ""), "",
             "| mode | PyTorch median ms | Myriad median ms | Myriad speed-up |", "| --- | --- | --- | --- |"]
    for mode, r in d.get("ratios", {}).items():
        lines.append("| %s | %s | %s | %s |" % (mode, fmt(r.get("pytorch_ms_median")), fmt(r.get("myriad_ms_median")),
                                                 fmt(r.get("myriad_speedup"), "x")))
    for n in d.get("notes", []):
        lines.append("\n%s" % n)
    return "\n".join(lines) + "\n"


def python_section(d):
    """benchmarks/python_throughput.py: the batched API, the PettingZoo drop-in and magent2's own env."""
    m = d.get("machine", {})

    def rate(v):
        return "-" if v is None else "{:,.0f}".format(v)

    threads = m.get("omp_num_threads", "?")
    threads = "all cores" if str(threads).startswith("unset") else threads
    lines = ["### Python: batched API, PettingZoo drop-in and magent2's PettingZoo env (%s, Myriad OpenMP threads: %s)" % (
                 d.get("magent_name", "?"), threads), "",
             "`benchmarks/python_throughput.py`; commit `%s`; date %s; %s steps per trial, median of %s trials; "
             "Myriad %s backend, mean action %s; machine: %s, %s cores, load average %s, OMP_NUM_THREADS %s; file `%s`" % (
                 d.get("commit", "?"), d.get("date", "?"), d.get("steps_per_trial", "?"), d.get("trials", "?"),
                 d.get("backend", "?"), d.get("mean_action", "?"), m.get("cpu", "?"), m.get("cores", "?"),
                 m.get("load_average", "?"), m.get("omp_num_threads", "?"), os.path.relpath(d["_path"], ROOT)), "",
             "| map | agents | batched `myriad.Env` | drop-in `myriad.magent` | magent2 PettingZoo | batched / magent2 | drop-in / magent2 |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in d.get("results", []):
        med = r.get("median_agent_steps_per_s", {})
        sp = r.get("speedup_vs_magent2", {})
        agents = r.get("agents", {}).get("batched", "?")
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            r.get("map_size"), format(agents, ",") if isinstance(agents, int) else agents,
            rate(med.get("batched")), rate(med.get("dropin")), rate(med.get("magent2")),
            fmt(sp.get("batched"), "x"), fmt(sp.get("dropin"), "x")))
    lines.append("\nAgent-steps/s (agents that acted per second, action draw included).")
    for n in d.get("notes", []):
        lines.append("\n%s" % n)
    return "\n".join(lines) + "\n"


def load_held_section(d):
    """benchmarks/load_held.py: the CPU step idle and with one core kept busy, per OpenMP wait policy."""
    c, m = d.get("configuration", {}), d.get("device", {})
    lines = ["### Load held: CPU step idle and with another process busy on one core (%s agents)" % format(
                 int(c.get("agents", 0)), ","), "",
             "`benchmarks/load_held.py`; commit `%s`; date %s; %s timed steps per run, median of %s runs per condition "
             "(conditions interleaved); machine: %s, %s logical CPUs; busy process: %s; file `%s`" % (
                 d.get("commit", "?"), d.get("date", "?"), c.get("steps", "?"), c.get("rounds", "?"),
                 m.get("cpu_model", "?"), m.get("nproc", "?"), c.get("busy", "?"), os.path.relpath(d["_path"], ROOT)), "",
             "| workload | OpenMP threads | idle agent-steps/s | loaded agent-steps/s | slowdown under load |",
             "| --- | --- | --- | --- | --- |"]
    names = {"unset": "libgomp's default (spin ~300k iterations, then sleep)",
             "short_spin": "short spin (GOMP_SPINCOUNT=10000)", "active": "spinning (OMP_WAIT_POLICY=active)", "passive": "passive (myriad's default)",
             "one_thread": "one thread, passive"}
    for w, per in d.get("summary", {}).items():
        for pol, r in per.items():
            if not isinstance(r, dict):
                continue
            lines.append("| %s | %s | {:,.0f} | {:,.0f} | %s |".format(
                r.get("idle_agent_steps_per_s", 0), r.get("loaded_agent_steps_per_s", 0)) % (
                w, names.get(pol, pol), fmt(r.get("slowdown_loaded"), "x")))
    for w, per in d.get("summary", {}).items():
        if "passive_loaded_vs_best_idle" in per:
            lines.append("\n%s: passive under load is %s slower than its own idle speed and %s slower than the fastest "
                         "idle setting (target: within 2x); with one of the two cores taken, one core's speed (the "
                         "one-thread idle row) is about the most any setting can keep." % (
                             w, fmt(per.get("passive", {}).get("slowdown_loaded"), "x"),
                             fmt(per["passive_loaded_vs_best_idle"], "x")))
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description="Write BENCHMARKS.md from benchmark results files.")
    ap.add_argument("files", nargs="*", help="results JSON files (default: benchmarks/results/*.json)")
    ap.add_argument("--out", default=os.path.join(ROOT, "BENCHMARKS.md"))
    ap.add_argument("--plots-dir", default=os.path.join(HERE, "results"), help="where the sweep PNGs go")
    args = ap.parse_args(argv)
    files = args.files or sorted(glob.glob(os.path.join(HERE, "results", "*.json")))
    docs = load(files)
    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(args.plots_dir, exist_ok=True)
    gpu_any = any(on_gpu(d) for d in docs)

    sweeps, fits = [], []
    for d in docs:
        if d.get("benchmark") == "myriad bench":
            text, fit = sweep_section(d, args.plots_dir, out_dir)
            if text:
                sweeps.append(text)
                fits.append((d, fit))
    parts = ["# Benchmarks", "",
             "Generated by `benchmarks/make_report.py` from %s; regenerate, do not edit by hand. Workloads, limits "
             "and targets: `../shared/docs/performance.md`; the phase model (bytes and FLOP per phase, the floors): "
             "`benchmarks/phase_model.cpp`; how to measure and profile: `docs/profiling.md`." % (
                 ", ".join("`%s`" % os.path.relpath(d["_path"], ROOT) for d in docs) or "no results files"), ""]
    if not gpu_any:
        parts += ["> **No GPU figure exists yet.** Every result below was measured on the CPU backend of a "
                  "2-core machine that other work shared (each table gives the load average and the OpenMP settings); the GPU "
                  "rows read \"%s\". `scripts/gpu_check.sh` produces the GPU results "
                  "(bench_gpu_reference.json, bench_gpu_sweep.json, bench_phases.json, pytorch_compare.json) and this "
                  "report from them." % NOT_YET, ""]
    parts += ["## Targets (performance.md)", "", target_rows(docs, fits),
              "\"Responsible phase\": the phase with the largest median time in the measured step (its share of the "
              "sum of phases, and how far it is above its own floor).", ""]
    for gpu in (True, False):
        pts = [(d, p) for wl in ("acting", "training") for d, p in bench_points(docs, wl, gpu)]
        parts += ["## Reference workloads, %s" % ("GPU" if gpu else "CPU backend"), ""]
        if not pts:
            parts += ["Acting step (battle-1M): %s. Training step (battle-1M): %s." % (NOT_YET, NOT_YET)
                      if gpu else "No CPU reference run in the results.", ""]
        for d, p in pts:
            parts += [point_section(d, p, gpu)]
        for d in docs:  # training requested but not available in that build
            if d.get("benchmark") == "myriad bench" and on_gpu(d) == gpu:
                for p in d.get("points", []):
                    if p.get("workload") == "training" and "error" in p:
                        parts += ["Training step (%s agents): %s (`%s`)." % (
                            format(int(p.get("agents", 0)), ","), p["error"], os.path.basename(d["_path"])), ""]
    parts += ["## Time per step vs agents", ""]
    parts += sweeps if sweeps else ["No sweep in the results.", ""]
    if not any(on_gpu(d) for d, _ in fits):
        parts += ["GPU sweep: %s." % NOT_YET, ""]
    parts += ["## Comparisons", ""]
    for d in docs:
        if d.get("benchmark") == "cpu_vs_magent2":
            parts += [magent2_section(d)]
    parts += [python_section(d) for d in docs if d.get("benchmark") == "python_throughput"]
    parts += [load_held_section(d) for d in docs if d.get("benchmark") == "load_held"]
    py = [d for d in docs if d.get("benchmark") == "compare_pytorch"]
    parts += [pytorch_section(d) for d in py] if py else ["PyTorch comparison: %s." % NOT_YET, ""]
    with open(args.out, "w") as f:
        f.write("\n".join(parts).rstrip() + "\n")
    print("wrote %s" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
