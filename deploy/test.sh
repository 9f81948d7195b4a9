#!/usr/bin/env bash
# The one command to set up and run every test on a fresh Debian 12 machine:
#   deploy/test.sh
# 1. installs packages (apt) and the tests' node packages (npm ci);
# 2. Release build: unit, integration (real binary + real redis-server) and e2e
#    (Debian Chromium via playwright-core) tests;
# 3. ASan+UBSan build: unit and integration tests again;
# 4. ThreadSanitizer build: unit and integration tests again;
# 5. libFuzzer targets (clang, ASan+UBSan), FUZZ_SECONDS (default 60) each: tests/fuzz/run.sh.
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

echo "== tests: ThreadSanitizer (unit and integration)"
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
      -DROUNDTABLE_TSAN=ON -DROUNDTABLE_E2E_TESTS=OFF
cmake --build build-tsan --target roundtable unit_tests  # the load generator is not tested here
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  ctest --test-dir build-tsan --output-on-failure -j "$jobs"

echo "== fuzz: ${FUZZ_SECONDS:-60} s per target"
tests/fuzz/run.sh
echo "== all tests passed"
