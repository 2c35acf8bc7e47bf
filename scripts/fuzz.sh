#!/usr/bin/env bash
# fuzz.sh [SECONDS_PER_TARGET]: builds the libFuzzer targets (fuzz/; clang, ASan + UBSan) in build/fuzz
# and runs each for a bounded time on a copy of its seed corpus (fuzz/corpus/TARGET, left unchanged).
# Prints per target the executions done and what it found, writes build/fuzz/results.json, and exits 1
# when any target found a crash, leak, timeout or out-of-memory (the reproducer is kept under
# build/fuzz/work/TARGET/ and named in the output; reproduce with build/fuzz/fuzz/fuzz_TARGET FILE).
set -uo pipefail
seconds=${1:-60}
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: SECONDS_PER_TARGET must be a positive integer, got '$seconds'" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build/fuzz
targets=(checkpoint train_config conformance cli)
declare -A max_len=([checkpoint]=65536 [train_config]=4096 [conformance]=40000 [cli]=1024)

# clang with libFuzzer and libomp (OpenMP): Debian's clang-14 packages, installed as setup_deps.sh installs.
cxx=""
for c in clang++-14 clang++; do command -v "$c" >/dev/null && { cxx=$c; break; }; done
fuzzer_lib=$(ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null | head -1)
if [[ -z $cxx || -z $fuzzer_lib ]] || ! dpkg-query -W -f='${Status}' libomp-14-dev 2>/dev/null | grep -q "install ok installed"; then
  echo "fuzz.sh: installing clang-14, libclang-rt-14-dev and libomp-14-dev"
  sudo=()
  [[ $(id -u) -ne 0 ]] && sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq --no-install-recommends clang-14 libclang-rt-14-dev libomp-14-dev >/dev/null \
    || { echo "fuzz.sh: could not install clang-14 / libFuzzer" >&2; exit 2; }
  cxx=clang++-14
fi
bash "$root/scripts/setup_deps.sh" || exit 2

# Only what the targets need: myriad_core (and the CLI sources for fuzz_cli), built with the sanitizers;
# without OpenBLAS (its libgomp would sit beside clang's libomp; the network products are not fuzzed).
if [[ ! -f $build/build.ninja ]]; then
  nice -n 10 cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DMYRIAD_WITH_CUDA=OFF -DMYRIAD_BUILD_TESTS=OFF -DMYRIAD_BLAS=OFF \
    -DMYRIAD_BUILD_BENCHMARKS=OFF -DMYRIAD_FUZZ=ON >"$build.configure.log" 2>&1 \
    || { cat "$build.configure.log" >&2; echo "fuzz.sh: cmake configure failed" >&2; exit 2; }
fi
echo "fuzz.sh: building ${targets[*]/#/fuzz_} in $build"
nice -n 10 cmake --build "$build" --target "${targets[@]/#/fuzz_}" >"$build/build.log" 2>&1 \
  || { tail -40 "$build/build.log" >&2; echo "fuzz.sh: build failed (log: $build/build.log)" >&2; exit 2; }

results=$build/results.json
status=0
json="{\"seconds_per_target\": $seconds, \"targets\": {"
sep=""
for t in "${targets[@]}"; do
  work=$build/work/$t
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp "$root/fuzz/corpus/$t/"* "$work/corpus/"
  log=$work/fuzz.log
  # -fork would survive a finding; one process stops at the first, which is what a check wants.
  ( cd "$work" && nice -n 10 timeout -k 10 $((seconds + 120)) "$build/fuzz/fuzz_$t" -max_total_time="$seconds" \
      -timeout=10 -rss_limit_mb=2048 -max_len="${max_len[$t]}" -print_final_stats=1 \
      -artifact_prefix="$work/artifacts/" corpus >"$log" 2>&1 )
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [[ -z $execs ]] && execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  [[ -z $execs ]] && execs=0
  artifact=$(ls "$work/artifacts/" 2>/dev/null | head -1)
  kind="none"
  if [[ -n $artifact ]]; then
    kind=${artifact%%-*}  # crash, leak, timeout, oom, slow-unit
    artifact=$work/artifacts/$artifact
  elif [[ $rc -ne 0 ]]; then
    kind="exit $rc"
  fi
  if [[ $kind == none ]]; then
    printf 'fuzz_%-13s %10s executions in %ss, nothing found\n' "$t" "$execs" "$seconds"
  else
    status=1
    summary=$(grep -m1 -E 'fuzz finding:|runtime error:|Assertion .* failed|ERROR: (AddressSanitizer|LeakSanitizer)' "$log" | cut -c1-300)
    [[ -z $summary ]] && summary=$(grep -m1 -E 'ERROR: libFuzzer' "$log" | cut -c1-300)
    printf 'fuzz_%-13s %10s executions, FOUND %s: %s\n' "$t" "$execs" "$kind" "${artifact:-see $log}"
    [[ -n $summary ]] && echo "    $summary"
  fi
  json+="$sep\"$t\": {\"executions\": $execs, \"finding\": \"$kind\", \"reproducer\": \"${artifact:-}\", \"log\": \"$log\"}"
  sep=", "
done
json+="}, \"ok\": $([[ $status -eq 0 ]] && echo true || echo false)}"
echo "$json" >"$results"
echo "fuzz.sh: results in $results"
exit $status
