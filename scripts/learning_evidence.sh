#!/usr/bin/env bash
# learning_evidence.sh: the learning evidence of issue 3, reproducibly: MF-Q and IQL trained with the
# same budget against `random` on 64 v 64 (40×40, 400 steps), then evaluated greedily over 100
# episodes each (sides swapped every other episode): MF-Q v random, IQL v random, MF-Q v IQL.
# Results (eval JSON, metrics, configs, learning-curve plot, summary.md) go to OUTDIR
# (default docs/learning); the run directories with their checkpoints stay in OUTDIR/runs.
#
#   bash scripts/learning_evidence.sh [OUTDIR]
# Environment: MYRIAD (the binary; default build/ci/myriad, built if missing), EPISODES (300),
# SEED (1), EVAL_EPISODES (100), BACKEND (cpu).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/learning}
myriad=${MYRIAD:-build/ci/myriad}
episodes=${EPISODES:-300}
seed=${SEED:-1}
eval_episodes=${EVAL_EPISODES:-100}
backend=${BACKEND:-cpu}
if [[ ! -x $myriad ]]; then
  cmake --preset ci >/dev/null
  cmake --build build/ci
  myriad=build/ci/myriad
fi
mkdir -p "$out/runs"
start=$(date +%s)
for algo in mfq iql; do
  rm -rf "$out/runs/$algo"
  echo "== training $algo: $episodes episodes against random, seed $seed"
  "$myriad" train --backend "$backend" --out "$out/runs/$algo" --set algorithm=$algo --set episodes=$episodes \
    --set seed=$seed --set opponent=random
  cp "$out/runs/$algo/metrics.csv" "$out/${algo}_metrics.csv"
  cp "$out/runs/$algo/config.toml" "$out/${algo}_config.toml"
done
train_s=$(($(date +%s) - start))
evaluate() {  # name A B
  echo "== eval $1: $eval_episodes episodes"
  "$myriad" eval "$2" "$3" --episodes "$eval_episodes" --backend "$backend" -q --json "$out/eval_$1.json"
}
evaluate mfq_v_random "$out/runs/mfq" random
evaluate iql_v_random "$out/runs/iql" random
evaluate mfq_v_iql "$out/runs/mfq" "$out/runs/iql"
bash scripts/plot.sh "$out/runs/mfq" "$out/runs/iql" --out "$out/learning_curves.png" \
  --title "MF-Q and IQL v random, 64 v 64, seed $seed" || echo "(no plot: see the message above)"

python3 - "$out" "$seed" "$episodes" "$train_s" "$(git rev-parse HEAD 2>/dev/null || echo unknown)" <<'PY'
import json, sys, datetime
out, seed, episodes, train_s, commit = sys.argv[1:]
rows = []
for name, label in [("mfq_v_random", "MF-Q v random"), ("iql_v_random", "IQL v random"), ("mfq_v_iql", "MF-Q v IQL")]:
    j = json.load(open(f"{out}/eval_{name}.json"))
    rows.append(f"| {label} | {j['episodes']} | {j['wins']} / {j['draws']} / {j['losses']} | {j['win_rate']:.3f} "
                f"| {j['wilson95'][0]:.3f} – {j['wilson95'][1]:.3f} | {j['a']['mean_kills']:.1f} v {j['b']['mean_kills']:.1f} "
                f"| {j['a']['mean_survivors']:.1f} v {j['b']['mean_survivors']:.1f} "
                f"| {j['a']['mean_per_agent_return']:.3f} v {j['b']['mean_per_agent_return']:.3f} |")
text = f"""# Learning evidence (issue 3)

Made by `bash scripts/learning_evidence.sh` on {datetime.date.today().isoformat()}, commit `{commit}`, CPU backend.
MF-Q and IQL each trained {episodes} episodes against `random` (64 v 64 on 40×40, 400 steps, seed {seed},
the learner playing red and blue in turn; configs: `mfq_config.toml`, `iql_config.toml`; training took
{int(train_s)//60} min {int(train_s)%60} s for both). Evaluation: greedy, sides swapped every other episode,
seeds 1000000 + e (never a training seed). A wins an episode when it killed more than it lost;
win rate = (W + D/2) / E with a Wilson 95% interval.

| match (A v B) | episodes | W / D / L of A | win rate of A | Wilson 95% | mean kills A v B | survivors A v B | return per agent A v B |
| --- | --- | --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}

![learning curves](learning_curves.png)
"""
open(f"{out}/summary.md", "w").write(text)
print(text)
PY
