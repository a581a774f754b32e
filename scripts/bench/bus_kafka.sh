#!/usr/bin/env bash
# What Kafka between the parts costs and buys, measured in one run:
#  - latency from the ingest receiving a packet to an edge having packaged it
#    (onair_bus_latency_seconds, p50/p90/p99 of the last 4096 packets):
#    `onair serve` (in-process bus) against ingest → Kafka → edge (separate
#    processes over tools/kafka-test-broker);
#  - time to add an edge (process start → a live playlist and a segment
#    served), and its catch-up (subscribing → read up to the end of the log),
#    medians of RUNS edge starts mid-broadcast;
#  - bytes an edge reads from Kafka per minute against the bytes of HLS a
#    viewer (or an edge pulling HLS over HTTP) reads per minute.
#
#   scripts/bench/bus_kafka.sh            # DURATION=30 RUNS=5
#
# The source is the 720p30 ~2.6 Mbit/s file of rtmp_fanout.sh (generated on
# first use). Servers on core 0, publisher and probes on core 1. Prints a
# Markdown table and one JSON line.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
DURATION=${DURATION:-30}
RUNS=${RUNS:-5}
CACHE=${CACHE:-/tmp/onair-bench-cache}
SRC=$CACHE/source-720p30.flv
W=$(mktemp -d /tmp/onair-bus-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash tests/support/kafka_broker.sh stop "$W/kafka" 2>/dev/null || true
  [[ ${KEEP:-0} == 1 ]] || rm -rf "$W"
}
trap cleanup EXIT
mkdir -p "$CACHE"
if [[ ! -s $SRC ]]; then
  ffmpeg -nostdin -hide_banner -v error -y -f lavfi -i testsrc2=size=1280x720:rate=30 \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 16 -map 0:v -map 1:a -af atrim=end_sample=766976 \
    -c:v libx264 -preset veryfast -profile:v high -pix_fmt yuv420p -b:v 2500k -maxrate 2500k -bufsize 2500k \
    -g 60 -keyint_min 60 -sc_threshold 0 -bf 2 -c:a aac -b:a 128k -ac 2 -ar 48000 -f flv "$SRC.tmp"
  mv "$SRC.tmp" "$SRC"
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
metrics() { curl -sf --max-time 5 "$1/metrics"; }
# metric URL NAME [LABELS]: one sample's value
metric() {
  local m=$2
  [[ -z ${3:-} ]] || m="$2{$3}"
  metrics "$1" | awk -v m="$m" '$1==m {print $2; f=1} END{if(!f) print "nan"}'
}
wait_http() { for _ in $(seq 1 200); do curl -sf -o /dev/null --max-time 1 "$1/healthz" && return 0; sleep 0.05; done; echo "no answer from $1" >&2; exit 1; }
playable() {  # BASE: a live media playlist and its first segment are served
  curl -sf --max-time 1 -o "$W/pl" "$1/live/bench/src/index.m3u8" || return 1
  grep -q '^#EXTINF' "$W/pl" || return 1
  curl -sf --max-time 1 -o /dev/null "$1/live/bench/src/$(grep -v '^#' "$W/pl" | head -1 | tr -d '\r')"
}
publish() {  # RTMP_URL
  taskset -c 1 ffmpeg -nostdin -v error -re -stream_loop -1 -i "$SRC" -c copy -f flv "$1" 2>"$W/publisher.log" &
  PUB=$!; PIDS+=("$PUB")
}
quantiles() {  # BASE -> "p50 p90 p99" in ms
  metrics "$1" | awk '/^onair_bus_latency_seconds\{quantile="0.5"\}/{a=$2*1000} /quantile="0.9"\}/{b=$2*1000}
    /quantile="0.99"\}/{c=$2*1000} END{printf "%.1f %.1f %.1f\n", a, b, c}'
}
export ONAIR_HLS_SEGMENT_DURATION_MS=2000 ONAIR_LOG_LEVEL=warn
TOKEN=oat_bench_$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
export ONAIR_MANAGER_ADMIN_TOKEN=$TOKEN

# --- 1. in-process: onair serve ---------------------------------------------------
RP=$(free_port); HP=$(free_port)
KEY=$("$BUILD/onair" channel create bench --data-dir "$W/serve" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["stream_key"])')
taskset -c 0 "$BUILD/onair" serve --rtmp-listen 127.0.0.1:$RP --http-listen 127.0.0.1:$HP --data-dir "$W/serve" \
  2>"$W/serve.log" &
S=$!; PIDS+=("$S")
wait_http "http://127.0.0.1:$HP"
publish "rtmp://127.0.0.1:$RP/live/$KEY"
sleep "$DURATION"
read -r IP50 IP90 IP99 < <(quantiles "http://127.0.0.1:$HP")
kill "$PUB" "$S"; wait "$PUB" "$S" 2>/dev/null || true

# --- 2. Kafka: manager, ingest, edge as processes ----------------------------------
BOOT=$(ONAIR_BUILD_DIR=$BUILD bash tests/support/kafka_broker.sh start "$W/kafka" onair.media:8 onair.events:1)
BUS=kafka://$BOOT
export ONAIR_BUS_FETCH_WAIT_MS=10
MP=$(free_port)
taskset -c 0 "$BUILD/onair" manager --http-listen 127.0.0.1:$MP --data-dir "$W/manager" --bus "$BUS" 2>"$W/manager.log" &
PIDS+=("$!")
wait_http "http://127.0.0.1:$MP"
KEY=$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary '{"name":"bench"}' \
  "http://127.0.0.1:$MP/api/v1/channels" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stream_key"])')
RP=$(free_port); IHP=$(free_port)
ONAIR_INGEST_MANAGER_TOKEN=$TOKEN taskset -c 0 "$BUILD/onair" ingest --rtmp-listen 127.0.0.1:$RP \
  --http-listen 127.0.0.1:$IHP --data-dir "$W/ingest" --manager-url "http://127.0.0.1:$MP" --bus "$BUS" 2>"$W/ingest.log" &
PIDS+=("$!")
wait_http "http://127.0.0.1:$IHP"
EP=$(free_port)
taskset -c 0 "$BUILD/onair" edge --http-listen 127.0.0.1:$EP --data-dir "$W/edge" --bus "$BUS" 2>"$W/edge.log" &
E=$!; PIDS+=("$E")
wait_http "http://127.0.0.1:$EP"
publish "rtmp://127.0.0.1:$RP/live/$KEY"
B0=$(metric "http://127.0.0.1:$EP" onair_bus_bytes_consumed_total 'topic="media"'); T0=$(now_ms)
sleep "$DURATION"
read -r KP50 KP90 KP99 < <(quantiles "http://127.0.0.1:$EP")
B1=$(metric "http://127.0.0.1:$EP" onair_bus_bytes_consumed_total 'topic="media"'); T1=$(now_ms)
KAFKA_BPM=$(python3 -c "print(round(($B1 - $B0) * 60000 / ($T1 - $T0)))")
# HLS bytes per minute: every listed segment's bytes over its EXTINF.
curl -sf "http://127.0.0.1:$EP/live/bench/src/index.m3u8" >"$W/media.m3u8"
HLS_BPM=$(python3 - "$W/media.m3u8" "http://127.0.0.1:$EP/live/bench/src/" <<'PY'
import sys, urllib.request
lines = [l.strip() for l in open(sys.argv[1])]
total_s = total_b = 0.0
for i, l in enumerate(lines):
    if l.startswith("#EXTINF:"):
        total_s += float(l[8:].split(",")[0])
        total_b += len(urllib.request.urlopen(sys.argv[2] + lines[i + 1]).read())
print(round(total_b * 60 / total_s))
PY
)

# --- 3. adding an edge, RUNS times -------------------------------------------------
ADD=(); CATCH=()
for r in $(seq 1 "$RUNS"); do
  P=$(free_port)
  t0=$(now_ms)
  taskset -c 0 "$BUILD/onair" edge --http-listen 127.0.0.1:$P --data-dir "$W/edge-$r" --bus "$BUS" 2>"$W/edge-$r.log" &
  N=$!
  until playable "http://127.0.0.1:$P"; do sleep 0.01; done
  ADD+=($(( $(now_ms) - t0 )))
  c=-1
  for _ in $(seq 1 100); do
    c=$(metric "http://127.0.0.1:$P" onair_bus_catch_up_ms)
    [[ $c != nan && $c != -1 ]] && break
    sleep 0.05
  done
  CATCH+=("$c")
  kill "$N"; wait "$N" 2>/dev/null || true
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
ADD_MED=$(median "${ADD[@]}"); CATCH_MED=$(median "${CATCH[@]}")

cat <<EOF

| measure | in-process (onair serve) | Kafka (ingest → test broker → edge) |
|---|---|---|
| latency ingest receive → edge packaged, p50 / p90 / p99 | $IP50 / $IP90 / $IP99 ms | $KP50 / $KP90 / $KP99 ms |
| time to add an edge (start → live playlist + segment served), median of $RUNS | — | $ADD_MED ms (${ADD[*]}) |
| edge catch-up (subscribe → end of the log), median of $RUNS | — | $CATCH_MED ms (${CATCH[*]}) |
| media bytes an edge reads per minute | — | $KAFKA_BPM |
| HLS bytes a viewer reads per minute (TS segments) | $HLS_BPM | $HLS_BPM |
EOF
python3 -c "import json; print(json.dumps({'in_process_ms': [$IP50, $IP90, $IP99], 'kafka_ms': [$KP50, $KP90, $KP99],
  'add_edge_ms': [$(IFS=,; echo "${ADD[*]}")], 'catch_up_ms': [$(IFS=,; echo "${CATCH[*]}")], 'kafka_bytes_per_min': $KAFKA_BPM,
  'hls_bytes_per_min': $HLS_BPM, 'duration_s': $DURATION}))"
