#!/usr/bin/env bash
# plot.sh RUN_DIR [RUN_DIR ...] [--out FILE.png] [--smooth N] [--title T]: learning curves of
# `myriad train` run directories as one PNG (scripts/plot_run.py, see docs/plotting.md), run with the
# first of $MYRIAD_PYTHON, /usr/bin/python3, python3 that can import matplotlib. /usr/bin/python3
# comes first because a pyenv python3 on PATH hides Debian's python3-matplotlib.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for py in "${MYRIAD_PYTHON:-}" /usr/bin/python3 python3; do
  [[ -n $py ]] && command -v "$py" >/dev/null 2>&1 || continue
  if "$py" -c 'import matplotlib, numpy' >/dev/null 2>&1; then
    exec "$py" "$here/plot_run.py" "$@"
  fi
done
echo "plot.sh: no Python with matplotlib found (tried ${MYRIAD_PYTHON:+$MYRIAD_PYTHON, }/usr/bin/python3, python3);" \
  "install the Debian package python3-matplotlib (sudo apt-get install python3-matplotlib; scripts/setup_deps.sh does)" \
  "or the pip package matplotlib (python3 -m pip install matplotlib)" >&2
exit 2
