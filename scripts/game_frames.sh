#!/usr/bin/env bash
# game_frames.sh: the README's picture of the five games beside battle (docs/img/games.png): one frame of
# each, rendered by `myriad render` at the game's default size, composed side by side with matplotlib.
#   bash scripts/game_frames.sh [BUILD_DIR]     (default build/ci; needs python3 with matplotlib)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/ci}/myriad
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" render --scenario battlefield --policy scripted --steps 10 --every 10 --out "$tmp/battlefield" --size 400 -q
"$bin" render --scenario adversarial_pursuit --policy scripted --steps 40 --every 40 --out "$tmp/pursuit" --size 400 -q
"$bin" render --scenario gather --policy scripted --steps 100 --every 100 --out "$tmp/gather" --size 400 -q
"$bin" render --scenario tiger_deer --policy deer=random,tiger=scripted --steps 40 --every 40 --out "$tmp/tiger_deer" \
  --size 400 -q
"$bin" render --scenario combined_arms --policy scripted --steps 30 --every 30 --out "$tmp/combined_arms" --size 400 -q
py=python3
python3 -c 'import matplotlib' 2>/dev/null || py=/usr/bin/python3
"$py" - "$tmp" <<'PY'
import sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.image as mpimg
import matplotlib.pyplot as plt
tmp = sys.argv[1]
frames = [("battlefield/frame_000010.png", "battlefield: 12 v 12 behind\ninterior walls, step 10"),
          ("pursuit/frame_000040.png", "adversarial_pursuit: 2x2 predators\n(red) chase prey (green), step 40"),
          ("gather/frame_000100.png", "gather: 495 omnivores (red) eat\nfood (green), step 100"),
          ("tiger_deer/frame_000040.png", "tiger_deer: tigers (orange) hunt\ndeer (light blue), step 40"),
          ("combined_arms/frame_000030.png", "combined_arms: melee and ranged\n(light) per side, step 30")]
fig, axes = plt.subplots(1, len(frames), figsize=(20, 4.8))
for ax, (path, title) in zip(axes, frames):
    ax.imshow(mpimg.imread(f"{tmp}/{path}"), interpolation="nearest")
    ax.set_title(title, fontsize=11)
    ax.axis("off")
fig.tight_layout()
fig.savefig("docs/img/games.png", dpi=80)
print("wrote docs/img/games.png")
PY
