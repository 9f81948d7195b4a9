#!/usr/bin/env bash
# The one command to set up and run every test on a fresh Debian 12 machine:
#   deploy/test.sh
# 1. installs packages (apt) and the tests' node packages (npm ci);
# 2. Release build: unit, integration (real binary + real redis-server) and e2e
#    (Debian Chromium via playwright-core) tests;
# 3. ASan+UBSan build: unit and integration tests again.
# Test servers pick free ports and temporary directories and are stopped by the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/setup.sh --tests

export CHROMIUM="${CHROMIUM:-$(command -v chromium)}"
jobs=$(nproc)

echo "== tests: Release"
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== tests: ASan + UBSan (unit and integration)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DROUNDTABLE_SANITIZE=ON \
      -DROUNDTABLE_E2E_TESTS=OFF
cmake --build build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"
echo "== all tests passed"
