#!/usr/bin/env bash
# training_identity.sh OLD_MYRIAD NEW_MYRIAD [OUT]: the same short CPU training runs with two builds of
# `myriad` (a change that must not alter learning: the learner interface, a refactor), then their
# metrics (columns 1-16 of metrics.csv, everything but timings and the columns added since) and every
# checkpoint section both builds write (networks, targets, Adam moments and steps, counters, RNG
# counters) compared. Five configurations: MF-Q against random, IQL with both_learn, MF-Q with the
# greedy double-Q target in self-play, epsilon exploration with hard target copies against scripted,
# and a frozen opponent. Prints one line per run and per differing section; exit 1 on a difference.
# Builds on other CPUs may differ from each other (OpenBLAS picks its kernel by CPU): compare two builds
# on one machine.
set -euo pipefail
old=${1:?usage: training_identity.sh OLD_MYRIAD NEW_MYRIAD [OUT]}
new=${2:?usage: training_identity.sh OLD_MYRIAD NEW_MYRIAD [OUT]}
out=${3:-$(mktemp -d)}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
runs() {  # BIN DIR
  local b=$1 o=$2
  mkdir -p "$o"
  "$b" train --backend cpu --set episodes=6 --set checkpoint_every=3 --out "$o/a" --quiet >/dev/null
  "$b" train --backend cpu --set episodes=4 --set algorithm=iql --set opponent=both_learn --set seed=7 --out "$o/b" --quiet >/dev/null
  "$b" train --backend cpu --set episodes=5 --set opponent=selfplay_lagged --set target=greedy_double --set seed=3 --out "$o/c" --quiet >/dev/null
  "$b" train --backend cpu --set episodes=3 --set exploration=epsilon --set opponent=scripted --set seed=5 --set target_copy_every=7 --out "$o/d" --quiet >/dev/null
  "$b" train --backend cpu --set episodes=3 --set opponent=frozen --set opponent_checkpoint="$o/a/checkpoints/latest.bin" --set seed=9 --out "$o/e" --quiet >/dev/null
}
runs "$old" "$out/old"
runs "$new" "$out/new"
status=0
for r in a b c d e; do
  m_old=$(cut -d, -f1-16 "$out/old/$r/metrics.csv" | md5sum | cut -c1-32)
  m_new=$(cut -d, -f1-16 "$out/new/$r/metrics.csv" | md5sum | cut -c1-32)
  if [[ $m_old == "$m_new" ]]; then echo "run $r: metrics equal ($m_new)"; else echo "run $r: METRICS DIFFER ($m_old v $m_new)"; status=1; fi
  for f in "$out/old/$r/checkpoints/"*.bin; do
    if ! python3 "$here/checkpoint_sections.py" "$f" "$out/new/$r/checkpoints/$(basename "$f")" | grep -v '^equal\|^only in'; then
      echo "run $r $(basename "$f"): every shared section equal"
    else
      status=1
    fi
  done
done
exit $status
