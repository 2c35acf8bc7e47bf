#!/usr/bin/env bash
# test_python.sh: the Python package's tests (issue 13): the build backend and test dependencies from
# PyPI, `pip install .` without build isolation so that build/python/ is reused (a rerun rebuilds only
# what changed), then pytest (python/tests: the batched API, the PettingZoo drop-ins, MAgent2 side by side).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
"$PY" -m pip install -q "scikit-build-core>=0.10" "nanobind>=2.0" "pytest>=7" "pettingzoo>=1.24" "gymnasium>=0.28" "magent2==0.3.4"
"$PY" -m pip install -q --no-build-isolation .
"$PY" -m pytest -q python/tests
