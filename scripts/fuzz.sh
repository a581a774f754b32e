#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a while.
# Usage: scripts/fuzz.sh [--seconds N] [--build-dir DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=10
BUILD_DIR=build-fuzz
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) SECONDS_EACH="$2"; shift ;;
    --build-dir) BUILD_DIR="$2"; shift ;;
    *) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DONAIR_FUZZ=ON -DONAIR_TESTS=OFF -DONAIR_BENCH=OFF -DONAIR_WERROR=ON \
  -DONAIR_FUZZ_SECONDS="$SECONDS_EACH" >/dev/null
targets=$(cd tests/fuzz && ls *_fuzz.cpp 2>/dev/null | sed 's/\.cpp$//' || true)
if [[ -z "$targets" ]]; then echo "no fuzz targets"; exit 0; fi
# shellcheck disable=SC2086
cmake --build "$BUILD_DIR" -j"$(nproc)" --target $targets
ctest --test-dir "$BUILD_DIR" --output-on-failure -L fuzz
