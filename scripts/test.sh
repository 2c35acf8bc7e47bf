#!/usr/bin/env bash
# test.sh: the one test command: dependencies, configure (preset ci), build, every test; then the Python
# package (pip install ., built incrementally in build/python) and its pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_deps.sh
cmake --preset ci >/dev/null
cmake --build build/ci
ctest --preset ci
bash scripts/test_python.sh
