#!/usr/bin/env bash
# gpu_check.sh: everything a GPU machine should check in one run (performance.md "The GPU check
# script"): build with the bundled .gpu-deps, every test, compute-sanitizer memcheck and racecheck
# on a small battle, the random-policy scale sweep; results and a summary go to OUTDIR.
#
#   bash scripts/gpu_check.sh OUTDIR                 (on the GPU machine, from the repository root,
#                                                    with .gpu-deps/ made by ../shared/tools/gpu-deps)
#   bash scripts/gpu_check.sh --cpu-dry-run OUTDIR   (no GPU: preset ci, CPU backend, small sweep;
#                                                    checks the script's own plumbing)
#
# Keeps going after a failing step; each step's exit code and time land in OUTDIR/summary.txt.
# Every step runs under `timeout`, capped by an overall deadline (GPU_CHECK_BUDGET_S, default 540 s).
# Environment: CUDA_ARCH (default: from nvidia-smi's compute capability, else 90-real),
# MYRIAD_COMMIT (when there is no .git), SWEEP_AGENTS (default 1000,10000,100000,1000000,10000000).
set -uo pipefail

dry=0
if [[ ${1:-} == --cpu-dry-run ]]; then dry=1; shift; fi
if [[ $# -ne 1 ]]; then
  echo "usage: bash scripts/gpu_check.sh [--cpu-dry-run] OUTDIR" >&2
  exit 2
fi
cd "$(dirname "$0")/.." || exit 2
root=$PWD
mkdir -p "$1"
out=$(cd "$1" && pwd)
summary=$out/summary.txt
start=$(date +%s)
deadline=$((start + ${GPU_CHECK_BUDGET_S:-540}))
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
  if ((left < 15)); then
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
  build=$root/build/ci
  backend=cpu
  sweep=${SWEEP_AGENTS:-1000,10000}
  configure=(cmake --preset ci)
  arch_note="preset ci (CPU dry run)"
else
  build=$root/build/gpu
  backend=cuda
  sweep=${SWEEP_AGENTS:-1000,10000,100000,1000000,10000000}
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
step configure 150 "${configure[@]}"
step build 330 cmake --build "$build" -j "$jobs"
step tests 150 ctest --test-dir "$build" --output-on-failure --timeout 120

myriad=$build/myriad
small=(run --backend "$backend" --agents-per-team 500 --steps 20)
if ((dry)); then
  step small_run 60 "$myriad" "${small[@]}"
  skip memcheck "CPU dry run"
  skip racecheck "CPU dry run"
elif [[ -n $sanitizer ]]; then
  step memcheck 120 "$sanitizer" --tool memcheck --error-exitcode 1 "$myriad" "${small[@]}"
  step racecheck 120 "$sanitizer" --tool racecheck --error-exitcode 1 "$myriad" "${small[@]}"
else
  skip memcheck "compute-sanitizer not found"
  skip racecheck "compute-sanitizer not found"
fi

step sweep 200 "$build/benchmarks/myriad_bench_step" --backend "$backend" --agents "$sweep" \
  --steps 20 --warmup 3 --out "$out/sweep.json"
if [[ -x $build/benchmarks/myriad_bench_phases ]]; then
  step bench_phases 60 "$build/benchmarks/myriad_bench_phases" --benchmark_min_time=0.2 \
    --benchmark_out="$out/bench_phases.json" --benchmark_out_format=json
else
  skip bench_phases "myriad_bench_phases not built (build failed, or no Google Benchmark)"
fi

# ---- summary
{
  echo "Myriad GPU check$( ((dry)) && echo ' (CPU dry run)')"
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
  echo "== tests (tail of tests.log)"
  tail -n 15 "$out/tests.log" 2>/dev/null || echo "(no tests.log)"
  echo
  echo "== sweep (myriad_bench_step table)"
  grep -E '^ +[0-9]+ |agents' "$out/sweep.log" 2>/dev/null || echo "(no sweep output)"
} >"$summary"
cat "$summary"
log "wrote $out"
((failures == 0))
