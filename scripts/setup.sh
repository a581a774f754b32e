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
  librdkafka-dev libpq-dev postgresql kcat
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev libavfilter-dev
  ffmpeg rtmpdump sqlite3 procps curl python3 python3-yaml
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
  nginx-light libnginx-mod-rtmp wrk
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

# npm dependencies, each pinned by a package-lock.json: web/ (hls.js, embedded
# into the onair binary: the build needs it) and tests/browser/ (playwright-core
# + hls.js for the browser tests; no browser download: Debian's
# /usr/bin/chromium is used). `npm ci` installs exactly the lock; it is re-run
# whenever the lock differs from what was installed.
# npm_deps DIR FILE...: FILE paths (under DIR/node_modules) that must exist.
npm_deps() {
  local dir=$1 stamp want have f missing=0; shift
  [[ -f $dir/package.json ]] || { echo "setup: $dir/package.json missing; skipping its npm deps" >&2; return 0; }
  stamp=$dir/node_modules/.onair-lock.sha256
  if [[ -f $dir/package-lock.json ]]; then
    want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  else
    want=$(sha256sum "$dir/package.json" | cut -d' ' -f1)
  fi
  have=$(cat "$stamp" 2>/dev/null || true)
  for f in "$@"; do [[ -f $dir/node_modules/$f ]] || missing=1; done
  if [[ "$want" == "$have" && $missing -eq 0 ]]; then
    return 0
  fi
  echo "setup: installing npm deps in $dir"
  local cmd=(npm install --no-audit --no-fund --loglevel=error)
  [[ -f $dir/package-lock.json ]] && cmd=(npm ci --no-audit --no-fund --loglevel=error)
  local try
  for try in 1 2 3; do
    if (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 "${cmd[@]}"); then
      echo "$want" > "$stamp"
      return 0
    fi
    echo "setup: '${cmd[*]}' failed (try $try/3)" >&2
    sleep $((try * 5))
  done
  echo "setup: cannot install npm deps in $dir" >&2
  return 1
}
npm_deps web hls.js/dist/hls.min.js
npm_deps tests/browser playwright-core/package.json hls.js/dist/hls.min.js

if [[ $DO_BUILD -eq 1 ]]; then
  EXTRA=()
  if [[ "$BUILD_TYPE" == "Asan" ]]; then
    # -O1 -g1: the usual sanitizer build (line tables for reports, quick to
    # compile); the benchmark tools are not needed there.
    EXTRA=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" -DONAIR_SANITIZE=ON -DONAIR_BENCH=OFF)
  else
    EXTRA=(-DCMAKE_BUILD_TYPE="$BUILD_TYPE")
  fi
  cmake -S . -B "$BUILD_DIR" -G Ninja -DONAIR_WERROR=ON "${EXTRA[@]}" >/dev/null
  cmake --build "$BUILD_DIR" -j"$(nproc)"
fi
