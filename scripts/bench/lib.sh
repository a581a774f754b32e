# shellcheck shell=bash
# Shared by the benchmarks in scripts/bench/ (sourced).

# The clocked live source (clocked_source_args, clocked_tee_url): every frame
# carries the wall-clock ms it was made, for glass-to-glass latency.
source "$(dirname "${BASH_SOURCE[0]}")/../../tests/support/clocked_source.sh"

# bench_clocked_source SIZE VIDEO_BITRATE LOG URL...: the clocked source
# (30 fps) encoded once, live, and pushed to every URL by the tee muxer, in
# the background; CLOCKED_PID is its pid.
bench_clocked_source() {
  local size=$1 vb=$2 log=$3; shift 3
  clocked_source_args "$size" 30 "$vb"
  ffmpeg "${CLOCKED_ARGS[@]}" -f tee "$(clocked_tee_url "$@")" </dev/null 2>"$log" &
  CLOCKED_PID=$!
}

# bench_source_720p: 16 s of 720p30 H.264 High 2.5 Mbit/s (B-frames, 2 s
# GOP) + 48 kHz AAC that loops without a seam (-stream_loop -1), generated
# once into $CACHE. Sets SRC.
bench_source_720p() {
  SRC=$CACHE/source-720p30-loop.flv
  mkdir -p "$CACHE"
  if [[ ! -s $SRC ]]; then
    ffmpeg -nostdin -hide_banner -v error -y -f lavfi -i "testsrc2=size=1280x720:rate=30" \
      -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 16 -map 0:v -map 1:a -af atrim=end_sample=766976 \
      -c:v libx264 -preset veryfast -profile:v high -b:v 2500k -maxrate 2500k -bufsize 2500k -g 60 -keyint_min 60 \
      -sc_threshold 0 -bf 2 -c:a aac -b:a 128k -ac 2 -ar 48000 -f flv "$SRC.tmp"
    mv "$SRC.tmp" "$SRC"
  fi
}

# free_ports N: N free loopback ports, space-separated.
free_ports() {
  python3 -c 'import socket, sys
s = [socket.socket() for _ in range(int(sys.argv[1]))]
[x.bind(("127.0.0.1", 0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))' "$1"
}
