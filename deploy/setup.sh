#!/usr/bin/env bash
# Installs what Roundtable needs on Debian 12 and builds it.
#   deploy/setup.sh            packages to build and run, then a Release build in build/
#   deploy/setup.sh --tests    also what the tests need (Chromium, node packages)
# Idempotent: packages already present are not reinstalled; builds are incremental (ccache).
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[[ "${1:-}" == "--tests" ]] && want_tests=1

run_packages=(build-essential cmake ninja-build ccache pkg-config libboost1.81-dev
              nlohmann-json3-dev libhiredis-dev libssl-dev libqrencode-dev redis-server)
test_packages=(libgtest-dev libgmock-dev nodejs npm chromium python3 jq openssl
               clang-14 libclang-rt-14-dev)

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

packages=("${run_packages[@]}")
(( want_tests )) && packages+=("${test_packages[@]}")
# Node may come from elsewhere (nodesource, nvm): only ask apt for it when there is none.
missing=()
for p in "${packages[@]}"; do
  if [[ $p == nodejs || $p == npm ]] && command -v "${p/nodejs/node}" >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} )); then
  echo "== installing: ${missing[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

if (( want_tests )); then
  echo "== node packages for the tests"
  (cd tests && npm ci --no-audit --no-fund)
fi

echo "== building (Release) in build/"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build
