"""provenance.py: where a benchmark figure comes from, shared by the comparison scripts: the
repository root, a quiet command runner and the commit id (MYRIAD_COMMIT, else git, "-dirty" when
tracked files differ from it)."""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(cmd):
    """stdout of cmd run in ROOT, stripped; None when it cannot run or fails."""
    try:
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def commit_id():
    c = os.environ.get("MYRIAD_COMMIT") or sh(["git", "rev-parse", "HEAD"]) or "unknown"
    if sh(["git", "status", "--porcelain", "--untracked-files=no"]):
        c += "-dirty"
    return c
