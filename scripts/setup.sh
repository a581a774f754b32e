#!/usr/bin/env bash
# Installs what onair needs on Debian 12 (apt-get, npm) and builds it.
# Usage: scripts/setup.sh [--no-build] [--build-dir DIR] [--type Release|Debug|Asan]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=build
BUILD_TYPE=Release
DO_BUILD=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) DO_BUILD=0 ;;
    --build-dir) BUILD_DIR="$2"; shift ;;
    --type) BUILD_TYPE="$2"; shift ;;
    *) echo "setup.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

# Build tools and libraries, then the real third-party clients the tests drive.
PKGS=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  clang libclang-rt-14-dev
  libboost1.81-dev libsqlite3-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libyaml-cpp-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev libssl-dev
  librdkafka-dev libpq-dev
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev libavfilter-dev
  ffmpeg rtmpdump sqlite3 procps curl
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
  nginx-light libnginx-mod-rtmp
  chromium
)
MISSING=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    MISSING+=("$p")
  fi
done
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  MISSING+=(nodejs npm)
fi
if [[ ${#MISSING[@]} -gt 0 ]]; then
  echo "setup: installing ${MISSING[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${MISSING[@]}" >/dev/null
fi
# nginx from Debian starts a default site on port 80 when installed; tests start
# their own nginx instances, so keep the packaged service out of the way.
if command -v systemctl >/dev/null && systemctl is-active --quiet nginx 2>/dev/null; then
  $SUDO systemctl stop nginx || true
fi

# Browser test driver (no browser download: Debian's chromium is used).
if [[ ! -d tests/browser/node_modules/playwright-core || ! -f tests/browser/node_modules/hls.js/package.json ]]; then
  (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --silent)
fi

if [[ $DO_BUILD -eq 1 ]]; then
  EXTRA=()
  if [[ "$BUILD_TYPE" == "Asan" ]]; then
    EXTRA=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DONAIR_SANITIZE=ON)
  else
    EXTRA=(-DCMAKE_BUILD_TYPE="$BUILD_TYPE")
  fi
  cmake -S . -B "$BUILD_DIR" -G Ninja -DONAIR_WERROR=ON "${EXTRA[@]}" >/dev/null
  cmake --build "$BUILD_DIR" -j"$(nproc)"
fi
