#!/usr/bin/env bash
# Side-by-side RTMP fan-out and HLS start benchmark: onair vs nginx-rtmp.
#
#   scripts/bench/rtmp_fanout.sh [--quick] [--batch-ms MS]
#   N_LIST="100 500 1000 2000" DURATION=20 scripts/bench/rtmp_fanout.sh
#
# Each server runs pinned to core 0 (taskset); the publisher (ffmpeg -c copy of
# a ~2.6 Mbps 720p30 H.264 High + AAC file) and onair-bench run on core 1.
# For each N: server CPU% over the measurement window, RSS, RSS per player,
# median player start-up; once per server: time to the first playable HLS
# segment after the publisher starts. Loopback only; every step is bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${BUILD:-build}
ONAIR=${ONAIR:-$ROOT/$BUILD/onair}
BENCH=${BENCH_BIN:-$ROOT/$BUILD/tools/bench/onair-bench}
N_LIST=${N_LIST:-"100 500 1000 2000"}
DURATION=${DURATION:-20}
BATCH_MS=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) N_LIST="100 1000"; DURATION=10 ;;
    --batch-ms) BATCH_MS="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
WORK=$(mktemp -d /tmp/onair-bench.XXXXXX)
CACHE=${CACHE:-/tmp/onair-bench-cache}
mkdir -p "$CACHE"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true

SRC=$CACHE/source-720p30.flv
if [[ ! -f $SRC ]]; then
  echo "generating the source stream (60 s, 720p30, ~2.5 Mbps video + 128 kbps AAC)..." >&2
  ffmpeg -v error -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=frequency=440:sample_rate=44100 \
    -t 60 -c:v libx264 -preset veryfast -profile:v high -b:v 2500k -maxrate 2500k -bufsize 5000k -g 60 -bf 2 \
    -c:a aac -b:a 128k -ar 44100 -f flv "$SRC"
fi

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
sys_ticks() { awk '{print $15}' "/proc/$1/stat"; }  # kernel time: the socket path
rss_kb() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }

# Sum over a process and its children (nginx: master + worker).
tree_pids() { echo "$1"; pgrep -P "$1" || true; }
tree_ticks() { local t=0; for p in $(tree_pids "$1"); do t=$((t + $(cpu_ticks "$p"))); done; echo $t; }
tree_sys_ticks() { local t=0; for p in $(tree_pids "$1"); do t=$((t + $(sys_ticks "$p"))); done; echo $t; }
tree_rss() { local t=0; for p in $(tree_pids "$1"); do t=$((t + $(rss_kb "$p"))); done; echo $t; }

wait_http() { for _ in $(seq 1 100); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; return 1; }

start_nginx() {
  local rtmp_port=$1 http_port=$2 dir=$WORK/nginx
  mkdir -p "$dir/hls" "$dir/logs"
  local user_line=""
  [[ $(id -u) -eq 0 ]] && user_line="user root;"   # the worker must write HLS into our temp dir
  cat > "$dir/nginx.conf" <<CONF
$user_line
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 16384; }
rtmp {
  server {
    listen 127.0.0.1:$rtmp_port;
    chunk_size 4096;
    application live {
      live on;
      hls on;
      hls_path $dir/hls;
      hls_fragment 2s;
      hls_playlist_length 12s;
    }
  }
}
http {
  access_log off;
  server {
    listen 127.0.0.1:$http_port;
    location /live/ {
      alias $dir/hls/;
      types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
      add_header Cache-Control no-cache;
    }
  }
}
CONF
  taskset -c 0 nginx -p "$dir" -c "$dir/nginx.conf" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
}

start_onair() {
  local rtmp_port=$1 http_port=$2 dir=$WORK/onair
  mkdir -p "$dir"
  KEY=$("$ONAIR" channel create bench --data-dir "$dir" --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).stream_key))')
  taskset -c 0 "$ONAIR" serve --rtmp-listen 127.0.0.1:$rtmp_port --http-listen 127.0.0.1:$http_port \
    --data-dir "$dir" --threads 1 2>"$dir/server.log" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
}

# first_hls URL: seconds from now until a listed segment downloads.
first_hls() {
  local url=$1 t0 base seg
  t0=$(date +%s%N)
  for _ in $(seq 1 200); do
    if body=$(curl -sf "$url"); then
      if grep -q EXT-X-STREAM-INF <<<"$body"; then
        url="${url%/*}/$(grep -v '^#' <<<"$body" | head -1)"
        continue
      fi
      seg=$(grep -v '^#' <<<"$body" | grep . | head -1 || true)
      if [[ -n $seg ]] && curl -sf -o /dev/null "${url%/*}/$seg"; then
        echo "$(( ($(date +%s%N) - t0) / 1000000 ))" | awk '{printf "%.2f\n", $1/1000}'
        return 0
      fi
    fi
    sleep 0.05
  done
  echo "n/a"
}

run_server() {
  local name=$1 rtmp_port http_port publish_url play_url hls_url
  rtmp_port=$(free_port); http_port=$(free_port)
  if [[ $name == nginx ]]; then
    start_nginx "$rtmp_port" "$http_port"
    publish_url="rtmp://127.0.0.1:$rtmp_port/live/bench"
    hls_url="http://127.0.0.1:$http_port/live/bench.m3u8"
  else
    start_onair "$rtmp_port" "$http_port"
    publish_url="rtmp://127.0.0.1:$rtmp_port/live/$KEY"
    hls_url="http://127.0.0.1:$http_port/live/bench/index.m3u8"
  fi
  play_url="rtmp://127.0.0.1:$rtmp_port/live/bench"
  sleep 1
  local idle_rss; idle_rss=$(tree_rss "$SERVER_PID")
  # ffmpeg names the publish URL (the stream key) in its errors: keep them in the work dir.
  taskset -c 1 ffmpeg -v error -re -stream_loop -1 -i "$SRC" -c copy -f flv "$publish_url" </dev/null \
    2>"$WORK/publisher-$name.log" &
  local pub=$!
  PIDS+=("$pub")
  local first; first=$(first_hls "$hls_url")
  sleep 2
  for n in $N_LIST; do
    local t0 t1 s0 s1 r out
    t0=$(tree_ticks "$SERVER_PID"); s0=$(tree_sys_ticks "$SERVER_PID")
    taskset -c 1 "$BENCH" --rtmp-players "$n" --url-rtmp "$play_url" --duration "$DURATION" \
      --ramp-per-second 1000 --read-batch-ms "$BATCH_MS" --json > "$WORK/bench.json" &
    local bench_pid=$! peak=0
    # RSS while the players are connected: the peak of one sample a second.
    while kill -0 "$bench_pid" 2>/dev/null; do
      r=$(tree_rss "$SERVER_PID"); (( r > peak )) && peak=$r
      sleep 1
    done
    wait "$bench_pid"
    out=$(cat "$WORK/bench.json")
    t1=$(tree_ticks "$SERVER_PID"); s1=$(tree_sys_ticks "$SERVER_PID")
    r=$peak
    local secs; secs=$(node -e "console.log(JSON.parse(process.argv[1]).seconds)" "$out")
    node -e '
      const [name,n,out,ticks,sys,hz,secs,rss,idle,first]=process.argv.slice(1);
      const o=JSON.parse(out);
      const cpu=100*ticks/hz/secs;
      console.log(JSON.stringify({server:name,n:+n,cpu_percent:+cpu.toFixed(1),
        sys_percent:+(100*sys/hz/secs).toFixed(1),rss_kb:+rss,
        rss_per_player_kb:+((rss-idle)/n).toFixed(1),startup_ms_p50:o.rtmp.startup_ms_p50,
        keyframe_ms_p50:o.rtmp.keyframe_ms_p50,connected:o.rtmp.connected,failed:o.rtmp.failed,
        stalls:o.rtmp.stalls,mbps:o.rtmp.mbps,first_hls_s:first==="n/a"?null:+(+first).toFixed(2)}));
    ' "$name" "$n" "$out" "$((t1 - t0))" "$((s1 - s0))" "$(getconf CLK_TCK)" "$secs" "$r" "$idle_rss" "$first"
  done
  kill "$pub" "$SERVER_PID" 2>/dev/null || true
  wait "$pub" "$SERVER_PID" 2>/dev/null || true
}

RESULTS=$WORK/results.jsonl
run_server nginx | tee -a "$RESULTS"
if [[ -x $ONAIR ]]; then run_server onair | tee -a "$RESULTS"; fi
node "$ROOT/scripts/bench/fanout_table.mjs" < "$RESULTS"
