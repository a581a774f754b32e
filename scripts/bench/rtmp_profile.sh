#!/usr/bin/env bash
# Steady-state CPU, RSS and (optionally) a perf profile of one onair server
# with N RTMP players: the numbers behind the "levers" in docs/BENCHMARKS.md.
#
#   scripts/bench/rtmp_profile.sh [N]                       # default N=1000
#   ONAIR_RTMP_PLAY_COALESCE_MS=100 scripts/bench/rtmp_profile.sh 1000
#   BATCH=50 PERF=1 scripts/bench/rtmp_profile.sh 1000      # clients read every 50 ms; perf report
#
# onair on core 0 (--threads 1), publisher and onair-bench on core 1, the same
# source as rtmp_fanout.sh (run that once to generate it). CPU is the server's
# user+system ticks over 10 s, taken 8 s after the players start connecting;
# any ONAIR_* variable in the environment reaches the server.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
N=${1:-1000}
SRC=${CACHE:-/tmp/onair-bench-cache}/source-720p30.flv
[[ -f $SRC ]] || { echo "no $SRC: run scripts/bench/rtmp_fanout.sh --quick once to generate it" >&2; exit 2; }
W=$(mktemp -d /tmp/onair-profile.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
ticks() { awk -v f="$2" '{print f=="user" ? $14 : $14+$15}' "/proc/$1/stat"; }

KEY=$("$BUILD/onair" channel create bench --data-dir "$W" --json |
      node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).stream_key))')
RP=$(free_port); HP=$(free_port)
taskset -c 0 "$BUILD/onair" serve --rtmp-listen 127.0.0.1:$RP --http-listen 127.0.0.1:$HP \
  --data-dir "$W" --threads 1 2>"$W/server.log" &
S=$!; PIDS+=("$S")
sleep 1
# ffmpeg's errors name the publish URL (the key): they stay in the work dir.
taskset -c 1 ffmpeg -nostdin -v error -re -stream_loop -1 -i "$SRC" -c copy -f flv \
  "rtmp://127.0.0.1:$RP/live/$KEY" 2>"$W/publisher.log" &
PIDS+=("$!")
sleep 3
taskset -c 1 "$BUILD/tools/bench/onair-bench" --rtmp-players "$N" --url-rtmp "rtmp://127.0.0.1:$RP/live/bench" \
  --duration 25 --ramp-per-second 1000 --read-batch-ms "${BATCH:-0}" --json > "$W/bench.json" &
B=$!; PIDS+=("$B")
sleep 8
T0=$(ticks $S all); U0=$(ticks $S user)
if [[ ${PERF:-0} == 1 ]]; then perf record -o "$W/perf.data" -p $S -- sleep 10 >/dev/null 2>&1; else sleep 10; fi
T1=$(ticks $S all); U1=$(ticks $S user)
HZ=$(getconf CLK_TCK)
RSS=$(awk '/VmRSS/{print $2}' /proc/$S/status)
wait $B
node -e '
  const [n,all,user,hz,rss,file]=process.argv.slice(1);
  const o=JSON.parse(require("fs").readFileSync(file,"utf8")).rtmp;
  console.log(JSON.stringify({n:+n,cpu_percent:+(100*all/hz/10).toFixed(1),user_percent:+(100*user/hz/10).toFixed(1),
    rss_kb:+rss,connected:o.connected,stalls:o.stalls,startup_ms_p50:o.startup_ms_p50,mbps:o.mbps}));
' "$N" "$((T1 - T0))" "$((U1 - U0))" "$HZ" "$RSS" "$W/bench.json"
if [[ ${PERF:-0} == 1 ]]; then
  perf report -i "$W/perf.data" --no-children --sort symbol --stdio -g none 2>/dev/null |
    grep -E '^ +[0-9]' | cut -c1-150 | head -40
fi
