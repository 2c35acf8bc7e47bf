#!/usr/bin/env bash
# test_sanitizers.sh: the CPU test suite built with AddressSanitizer + UndefinedBehaviorSanitizer
# (preset asan: no CUDA, -O1 -g) and run with leak detection; any report fails the run. CI's second
# build (.ci/run); slower than scripts/test.sh, which stays the quick test command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_deps.sh
cmake --preset asan >/dev/null
cmake --build build/asan
ctest --preset asan "$@"
