#!/usr/bin/env bash
# gpu_check.sh: everything a GPU machine should check in one run, sized for a 15-minute device lease
# (performance.md "The GPU check script"): build with the bundled .gpu-deps (stop if that fails), the
# CUDA tests first and in parallel with MYRIAD_REQUIRE_CUDA=1 (a skipped CUDA test fails: the check
# cannot pass without a GPU), the other tests, compute-sanitizer (probed on a trivial run first)
# memcheck, racecheck and initcheck on small runs and on tiny training runs (MF-Q, MF-AC) that really update, a
# short training run and its evaluation, then the benchmarks last: `myriad bench` (acting + training
# reference workloads, the sweep to the largest population that fits), the micro-benchmarks, the
# PyTorch comparison, the sweep plot and BENCHMARKS.md; results and a summary go to OUTDIR.
#
#   bash scripts/gpu_check.sh OUTDIR                 (on the GPU machine, from the repository root,
#                                                    with .gpu-deps/ made by ../shared/tools/gpu-deps)
#   bash scripts/gpu_check.sh --bench-only OUTDIR    (the benchmarks only, on an existing build/gpu:
#                                                    a second run when the first spent its time budget)
#   bash scripts/gpu_check.sh --cpu-dry-run OUTDIR   (no GPU: a CPU-only build in build/dry, CPU
#                                                    backend, small sizes; checks the script's plumbing)
#
# Keeps going after a failing step (but not after a failed configure or build); each step's exit code
# and time land in OUTDIR/summary.txt. Every step runs under `timeout`, capped by an overall deadline
# (GPU_CHECK_BUDGET_S, default 420 s: about 7 minutes, so a rerun fits the lease).
# Results to keep: copy OUTDIR/bench_gpu_*.json and pytorch_compare.json (as pytorch_*.json) into
# benchmarks/results/ and rerun benchmarks/make_report.py (BENCHMARKS.md).
# At the end the logs, the training runs and BENCHMARKS.md (make_report.py remakes it from the JSON) are
# packed into OUTDIR/logs.tar.gz, so that OUTDIR keeps at most 8 files (the device tool brings back no
# more): summary, the results JSON (reference, acting_fp32, sweep, phases, pytorch), the sweep plot and
# the tarball (GPU_CHECK_PACK=0 keeps them unpacked).
# Environment: CUDA_ARCH (default: from nvidia-smi's compute capability, else 90-real),
# MYRIAD_COMMIT (when there is no .git), BUILD_DIR (dry run only; default build/dry), SWEEP (myriad
# bench --sweep; default 1000:max), PYTHON_PLOT (an interpreter with matplotlib; default: python3 if
# it has it, else /usr/bin/python3), PYTHON_TORCH (an interpreter with torch; default python3).
set -uo pipefail

dry=0
bench_only=0
while [[ ${1:-} == --* ]]; do
  case $1 in
    --cpu-dry-run) dry=1 ;;
    --bench-only) bench_only=1 ;;
    *) echo "gpu_check.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [[ $# -ne 1 ]]; then
  echo "usage: bash scripts/gpu_check.sh [--cpu-dry-run] [--bench-only] OUTDIR" >&2
  exit 2
fi
cd "$(dirname "$0")/.." || exit 2
root=$PWD
mkdir -p "$1"
out=$(cd "$1" && pwd)
summary=$out/summary.txt
start=$(date +%s)
deadline=$((start + ${GPU_CHECK_BUDGET_S:-420}))
failures=0
step_lines=()

log() { echo "[gpu_check $(date -u +%H:%M:%S)] $*"; }

# step NAME LIMIT_S CMD...: runs CMD under timeout (LIMIT_S, capped by the deadline), output to
# OUTDIR/NAME.log (and the terminal's tail), records the exit code; never stops the script.
step() {
  local name=$1 limit=$2
  shift 2
  local now left rc t0
  now=$(date +%s)
  left=$((deadline - now - 10))
  if ((left < 15 || limit < 15)); then
    step_lines+=("$(printf '%-22s rc=%-4s %5ss  %s' "$name" "skip" 0 "no time left")")
    log "$name: skipped (no time left)"
    failures=$((failures + 1))
    return 0
  fi
  ((limit > left)) && limit=$left
  log "$name (limit ${limit}s): $*"
  t0=$(date +%s)
  timeout --kill-after=10 "$limit" "$@" >"$out/$name.log" 2>&1
  rc=$?
  local dt=$(($(date +%s) - t0)) note=""
  ((rc == 124 || rc == 137)) && note="timed out after ${limit}s"
  ((rc != 0)) && failures=$((failures + 1))
  step_lines+=("$(printf '%-22s rc=%-4s %5ss  %s' "$name" "$rc" "$dt" "$note")")
  tail -n 5 "$out/$name.log" | sed 's/^/    /'
  log "$name: rc=$rc (${dt}s)"
  return 0
}

skip() { step_lines+=("$(printf '%-22s rc=%-4s %5ss  %s' "$1" "skip" 0 "$2")"); log "$1: skipped ($2)"; }

# ---- environment: the bundled Debian packages (headers, CMake configs, shared libraries)
deps=$root/.gpu-deps/root/usr
if [[ -d $deps ]]; then
  export CMAKE_PREFIX_PATH=$deps${CMAKE_PREFIX_PATH:+:$CMAKE_PREFIX_PATH}
  export CPATH=$deps/include${CPATH:+:$CPATH}
  export LIBRARY_PATH=$deps/lib/x86_64-linux-gnu:$deps/lib${LIBRARY_PATH:+:$LIBRARY_PATH}
  export LD_LIBRARY_PATH=$deps/lib/x86_64-linux-gnu:$deps/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  deps_note="using $deps"
else
  deps_note="no .gpu-deps/ (make it with ../shared/tools/gpu-deps); using the system's packages"
fi
[[ -d /usr/local/cuda/bin ]] && export PATH=$PATH:/usr/local/cuda/bin
log "$deps_note"

sanitizer=$(command -v compute-sanitizer || true)
for c in /usr/local/cuda/bin/compute-sanitizer /usr/local/cuda/compute-sanitizer/compute-sanitizer; do
  [[ -z $sanitizer && -x $c ]] && sanitizer=$c
done

commit=${MYRIAD_COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}
if git rev-parse --git-dir >/dev/null 2>&1 && [[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]]; then
  commit="$commit-dirty"
fi
export MYRIAD_COMMIT=$commit

# ---- configuration
jobs=$(nproc 2>/dev/null || echo 4)
if ((dry)); then
  build=${BUILD_DIR:-$root/build/dry}
  backend=cpu
  kind=cpu
  sweep=${SWEEP:-1000:4000}
  configure=(cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMYRIAD_WITH_CUDA=OFF)
  arch_note="CPU-only build in ${build#"$root"/} (CPU dry run)"
  # Small sizes: the plumbing, not the figures.
  bench_ref=(--agents 2000 --steps 5 --warmup 2)
  bench_sweep=(--sweep "$sweep" --steps 3 --warmup 1)
  phases_args=(--benchmark_min_time=0.05)
  torch_args=(--agents 2000 --steps 3 --warmup 1 --device cpu)
else
  build=$root/build/gpu
  backend=cuda
  kind=gpu
  sweep=${SWEEP:-1000:max}
  bench_ref=(--steps 50 --warmup 5)  # battle-1M (the default on CUDA)
  bench_sweep=(--sweep "$sweep" --steps 50 --warmup 3)
  phases_args=(--benchmark_min_time=0.2)
  torch_args=(--agents 1000000 --device cuda --steps 50 --warmup 5)
  arch=${CUDA_ARCH:-}
  if [[ -z $arch ]]; then
    cc=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -n1 | tr -d ' .')
    [[ $cc =~ ^[0-9]+$ ]] && arch="${cc}-real" || arch=90-real
  fi
  configure=(cmake --preset release -B "$build" -DCMAKE_CUDA_ARCHITECTURES="$arch")
  arch_note="preset release, binary dir build/gpu, CMAKE_CUDA_ARCHITECTURES=$arch"
fi
log "$arch_note; backend $backend; sweep $sweep; commit $commit"

# ---- the steps
myriad=$build/myriad
# must_pass NAME: ends the run (with the summary) when step NAME failed: nothing after it can run.
must_pass() {
  local last=${step_lines[-1]}
  [[ $last == "$1"*"rc=0 "* ]] && return 0
  log "$1 failed: stopping (see $out/$1.log)"
  stop_early=1
}
stop_early=0
if ((bench_only)); then
  if [[ -f $build/build.ninja ]]; then skip configure "--bench-only (using $build)"; else step configure 150 "${configure[@]}"; must_pass configure; fi
  ((stop_early)) || { step build 330 cmake --build "$build" -j "$jobs"; must_pass build; }  # incremental
  skip tests "--bench-only"
else
  step configure 150 "${configure[@]}"
  must_pass configure
  ((stop_early)) || { step build 330 cmake --build "$build" -j "$jobs"; must_pass build; }
  if ((!stop_early)); then
    if ((dry)); then
      step tests 150 ctest --test-dir "$build" --output-on-failure --timeout 120 -j "$jobs"
    else
      # The CUDA tests first, in parallel; a skipped one fails (MYRIAD_REQUIRE_CUDA=1). Then the rest.
      step tests_cuda 150 env MYRIAD_REQUIRE_CUDA=1 ctest --test-dir "$build" --output-on-failure --timeout 120 \
        -j "$jobs" -R Cuda
      step tests 120 ctest --test-dir "$build" --output-on-failure --timeout 120 -j "$jobs" -E Cuda
    fi
  fi
fi

# compute-sanitizer: probed on a trivial CUDA run first (a device that refuses the sanitizer, or a
# sanitizer that does not fit the driver, is noted and its steps skipped rather than failed).
small=(run --backend "$backend" --agents-per-team 500 --steps 20)
pursuit=(run --backend "$backend" --scenario adversarial_pursuit --map-size 60 --steps 20)
# A tiny training run that really updates: 64 stored transitions a step, the warm-up (64) reached after
# the first, an update every 2 steps: 5 updates in 12 steps (trainer ops, replay, cuBLAS backward, Adam).
tiny_train=(train --backend "$backend" --set agents_per_team=32 --set map_size=32 --set episodes=1 --set max_steps=12
  --set store_fraction=1 --set batch=64 --set warmup=64 --set update_every=2 --set replay_capacity=1024 -q)
sanitizer_ok=0
if ((stop_early || bench_only)); then
  skip sanitizer "--bench-only, or the build failed"
elif ((dry)); then
  step small_run 60 "$myriad" "${small[@]}"
  step pursuit_run 60 "$myriad" "${pursuit[@]}"
  step train_tiny 60 "$myriad" "${tiny_train[@]}" --out "$out/train_tiny"
  step train_tiny_mfac 60 "$myriad" "${tiny_train[@]}" --set algorithm=mfac --out "$out/train_tiny_mfac"
  skip sanitizer "CPU dry run"
elif [[ -z $sanitizer ]]; then
  skip sanitizer "compute-sanitizer not found"
else
  step sanitizer_probe 60 "$sanitizer" --tool memcheck --error-exitcode 1 "$myriad" run --backend cuda \
    --agents-per-team 4 --map-size 12 --steps 1
  if [[ ${step_lines[-1]} == sanitizer_probe*"rc=0 "* ]]; then sanitizer_ok=1; fi
fi
if ((sanitizer_ok)); then
  step memcheck 90 "$sanitizer" --tool memcheck --error-exitcode 1 "$myriad" "${small[@]}"
  step racecheck 90 "$sanitizer" --tool racecheck --error-exitcode 1 "$myriad" "${small[@]}"
  step memcheck_pursuit 60 "$sanitizer" --tool memcheck --error-exitcode 1 "$myriad" "${pursuit[@]}"
  step train_memcheck 90 "$sanitizer" --tool memcheck --error-exitcode 1 "$myriad" "${tiny_train[@]}" \
    --out "$out/train_memcheck"
  step train_memcheck_mfac 90 "$sanitizer" --tool memcheck --error-exitcode 1 "$myriad" "${tiny_train[@]}" \
    --set algorithm=mfac --out "$out/train_memcheck_mfac"
  step train_initcheck 90 "$sanitizer" --tool initcheck --error-exitcode 1 "$myriad" "${tiny_train[@]}" \
    --out "$out/train_initcheck"
elif ((!dry && !bench_only && !stop_early)); then
  step train_tiny 60 "$myriad" "${tiny_train[@]}" --out "$out/train_tiny"
  step train_tiny_mfac 60 "$myriad" "${tiny_train[@]}" --set algorithm=mfac --out "$out/train_tiny_mfac"
fi

# A short default-sized training run with its metrics, and an evaluation against random.
if ((bench_only || stop_early)); then
  skip train_short "--bench-only, or the build failed"
else
  step train_short 120 "$myriad" train --backend "$backend" --set episodes=3 --out "$out/train_short"
  step eval_short 60 "$myriad" eval "$out/train_short" random --episodes 4 --backend "$backend" -q \
    --json "$out/train_short/eval_v_random.json"
fi

if ((stop_early)); then deadline=$(date +%s); fi  # nothing below can run without a build

# leave_tail LIMIT: LIMIT, or less so that 70 s stay for the plot and the report at the end.
leave_tail() {
  local room=$((deadline - $(date +%s) - 70))
  ((room < $1)) && echo "$room" || echo "$1"
}

# myriad bench: the acting and training reference workloads, then the sweep (docs/profiling.md).
ref_json=$out/bench_${kind}_reference.json
sweep_json=$out/bench_${kind}_sweep.json
step bench_reference "$(leave_tail 240)" "$myriad" bench --backend "$backend" "${bench_ref[@]}" --json "$ref_json"
# The acting step again with true-FP32 networks: what the TF32 default (--math auto) buys.
step bench_acting_fp32 "$(leave_tail 120)" "$myriad" bench --backend "$backend" --workload acting --math fp32 \
  "${bench_ref[@]}" --json "$out/bench_${kind}_acting_fp32.json"
sweep_limit=$(leave_tail 300)  # the sweep's own --time-budget ends it (with what it measured) before that
step bench_sweep "$sweep_limit" "$myriad" bench --backend "$backend" "${bench_sweep[@]}" \
  --time-budget $((sweep_limit > 80 ? sweep_limit - 40 : 40)) --json "$sweep_json"
if [[ -x $build/benchmarks/myriad_bench_phases ]]; then
  step bench_phases "$(leave_tail 120)" "$build/benchmarks/myriad_bench_phases" "${phases_args[@]}" \
    --benchmark_out="$out/bench_phases.json" --benchmark_out_format=json
else
  skip bench_phases "myriad_bench_phases not built (build failed, or no Google Benchmark)"
fi

# The same step in PyTorch (benchmarks/compare_pytorch.py, when present and torch imports).
py_torch=${PYTHON_TORCH:-python3}
if [[ ! -f $root/benchmarks/compare_pytorch.py ]]; then
  skip pytorch_compare "benchmarks/compare_pytorch.py not in this tree"
elif ! "$py_torch" -c 'import torch' >/dev/null 2>&1; then
  skip pytorch_compare "PyTorch does not import in $py_torch (set PYTHON_TORCH)"
else
  fields=(--myriad-field acting=points.0.step.ms_median)
  # The training figure only when this build's bench measured one (points[1] has a step).
  if "$py_torch" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if "step" in d["points"][1] else 1)' \
    "$ref_json" >/dev/null 2>&1; then
    fields+=(--myriad-field training=points.1.step.ms_median)
  fi
  step pytorch_compare "$(leave_tail 300)" "$py_torch" "$root/benchmarks/compare_pytorch.py" "${torch_args[@]}" \
    --python "$py_torch" --label "gpu_check.sh ($kind)" --out "$out/pytorch_compare.json" \
    --myriad-cmd "$myriad bench --agents {agents} --steps {steps} --warmup {warmup} --backend {backend} --obs-dtype {obs_dtype} --json {json} -q" \
    "${fields[@]}"
fi

# The sweep plot and the report (matplotlib: python3 if it has it, else Debian's /usr/bin/python3).
py_plot=${PYTHON_PLOT:-}
if [[ -z $py_plot ]]; then
  for p in python3 /usr/bin/python3; do
    if "$p" -c 'import matplotlib' >/dev/null 2>&1; then py_plot=$p; break; fi
  done
fi
if [[ -z $py_plot ]]; then
  skip plot "no python with matplotlib (python3-matplotlib)"
  py_plot=python3  # make_report.py still writes the tables, without the plot
else
  step plot 60 "$py_plot" "$root/benchmarks/plot_bench.py" "$sweep_json" --out "$out/bench_${kind}_sweep.png"
fi
report_inputs=()
for f in "$root"/benchmarks/results/*.json "$ref_json" "$sweep_json" "$out/pytorch_compare.json"; do
  [[ -f $f ]] && report_inputs+=("$f")
done
step make_report 60 "$py_plot" "$root/benchmarks/make_report.py" "${report_inputs[@]}" \
  --out "$out/BENCHMARKS.md" --plots-dir "$out"

# ---- summary
{
  echo "Myriad GPU check$( ((dry)) && echo ' (CPU dry run)')$( ((bench_only)) && echo ' (benchmarks only)')"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit:  $commit"
  echo "host:    $(hostname) ($(nproc) CPUs)"
  echo "build:   $arch_note"
  echo "deps:    $deps_note"
  echo "sanitizer: ${sanitizer:-none}"
  echo "total:   $(($(date +%s) - start)) s"
  echo
  echo "steps (rc=0 passed; logs in <step>.log):"
  printf '  %s\n' "${step_lines[@]}"
  echo "failed steps (rc != 0, or no time left): $failures"
  echo
  echo "== nvidia-smi"
  nvidia-smi 2>&1 || echo "(nvidia-smi not available)"
  echo
  echo "== nvcc --version"
  nvcc --version 2>&1 || echo "(nvcc not available)"
  echo
  echo "== CUDA tests (tail of tests_cuda.log)"
  tail -n 15 "$out/tests_cuda.log" 2>/dev/null || echo "(no tests_cuda.log)"
  echo
  echo "== tests (tail of tests.log)"
  tail -n 15 "$out/tests.log" 2>/dev/null || echo "(no tests.log)"
  echo
  echo "== tiny training runs: updates per episode (metrics.csv column 'updates' must be > 0)"
  for d in train_memcheck train_initcheck train_tiny; do
    [[ -f $out/$d/metrics.csv ]] && echo "$d: $(cut -d, -f13 "$out/$d/metrics.csv" | tail -n +2 | tr '\n' ' ')"
  done
  echo
  echo "== myriad bench: reference workloads (step lines)"
  grep -E '^(acting|training) step|^step:' "$out/bench_reference.log" 2>/dev/null || echo "(no bench_reference output)"
  echo
  echo "== myriad bench: sweep"
  sed -n '/^sweep (acting step/,$p' "$out/bench_sweep.log" 2>/dev/null || echo "(no bench_sweep output)"
} >"$summary"
cat "$summary"
if [[ ${GPU_CHECK_PACK:-1} == 1 ]]; then
  (cd "$out" && tar czf logs.tar.gz --remove-files -- *.log train_* BENCHMARKS.md 2>/dev/null)
  log "packed the logs, the training runs and BENCHMARKS.md into $out/logs.tar.gz"
fi
log "wrote $out"
((failures == 0))
