"""learning_report.py: what the learning-experiment scripts (cross_comparison.py, game_learning.py,
zero_shot.py) share: progress lines, whole-file writes, and the commits their runs recorded."""
import datetime
import json
import os


def log(msg):
    """One progress line, stamped with the local time."""
    print(f"[{datetime.datetime.now().strftime('%H:%M:%S')}] {msg}", flush=True)


def write_atomic(path, text):
    """Writes text to path through a temporary file and a rename (a reader never sees half a file)."""
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def train_commits(run_dirs):
    """The commits the runs' own run.json recorded (the checkout's HEAD when each run started), in order,
    each once; 'unknown' for a run without a readable run.json."""
    seen = []
    for d in run_dirs:
        try:
            with open(os.path.join(d, "run.json")) as f:
                c = json.load(f).get("commit", "unknown")
        except (OSError, ValueError):
            c = "unknown"
        if c not in seen:
            seen.append(c)
    return seen
