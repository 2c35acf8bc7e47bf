#!/usr/bin/env bash
# run.sh: the main job: dependencies, build (preset ci), then `myriad train` with the arguments given
# (no arguments: MF-Q on the CPU default 64 v 64, or a large population when a GPU answers).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_deps.sh
cmake --preset ci >/dev/null
cmake --build build/ci
exec ./build/ci/myriad train "$@"
