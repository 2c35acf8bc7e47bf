#!/usr/bin/env bash
# test.sh: the one test command: dependencies, configure (preset ci), build, every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_deps.sh
cmake --preset ci >/dev/null
cmake --build build/ci
ctest --preset ci
