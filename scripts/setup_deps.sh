#!/usr/bin/env bash
# setup_deps.sh: installs the Debian packages the build needs beyond the CUDA toolkit, CMake,
# ninja, g++ and GoogleTest, only those missing (apt-get update first when something is). Idempotent.
set -euo pipefail
pkgs=(libcli11-dev nlohmann-json3-dev libbenchmark-dev libgtest-dev libpng-dev libtomlplusplus-dev libopenblas-openmp-dev python3-matplotlib)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
echo "setup_deps: installing ${missing[*]}"
sudo=()
[[ $(id -u) -ne 0 ]] && sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
