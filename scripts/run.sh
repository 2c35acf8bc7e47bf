#!/usr/bin/env bash
# run.sh: the main job: dependencies, build (preset ci), then `myriad run` with the arguments
# given (for now a battle with random policies; training comes later).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_deps.sh
cmake --preset ci >/dev/null
cmake --build build/ci
exec ./build/ci/myriad run "$@"
