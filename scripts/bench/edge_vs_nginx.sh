#!/usr/bin/env bash
# One edge serving HLS segments against nginx serving the same bytes as a
# static file: same machine, same client (wrk, Debian's), one run,
# alternating. Each server is pinned to core 0 with one worker (nginx:
# worker_processes 1, sendfile on; onair: --threads 1), wrk to core 1.
#  - requests/s and Gbit/s for one segment fetched over keep-alive
#    connections (CONNS, default 50), RUNS rounds of DURATION s each;
#  - then the same through `onair lb-config`'s nginx load balancer in front
#    of the edge (what a viewer behind the LB gets);
#  - then VIEWERS (default 1000) HLS viewers of the 2.6 Mbit/s broadcast
#    (build/tools/bench/onair-bench --hls-pollers: each polls the media
#    playlist every half target duration and downloads each new segment
#    once) for VIEWER_S seconds, on the edge's one core, direct and through
#    the LB: stalls and the rate each one got.
#
#   scripts/bench/edge_vs_nginx.sh          # RUNS=3 DURATION=10 CONNS=50
#
# Prints a Markdown table of medians and one JSON line.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/bench/lib.sh
BUILD=${BUILD:-build}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
CONNS=${CONNS:-50}
CACHE=${CACHE:-/tmp/onair-bench-cache}
W=$(mktemp -d /tmp/onair-edge-bench.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; [[ -n ${KEEP:-} ]] || rm -rf "$W"' EXIT
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk (scripts/setup.sh installs it)" >&2; exit 1; }
bench_source_720p
read -r RTMP HTTP NGINX LB < <(free_ports 4)
KEY=$("$BUILD/onair" channel create bench --data-dir "$W/data" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["stream_key"])')
# A 60 s live window: the segment measured stays listed (and served) for
# the whole round.
ONAIR_HLS_WINDOW_SEGMENTS=30 ONAIR_TRANSCODE_ENABLED=false ONAIR_ORIGIN_ENABLED=false ONAIR_LOG_LEVEL=warn taskset -c 0 "$BUILD/onair" serve --threads 1 \
  --rtmp-listen 127.0.0.1:$RTMP --http-listen 127.0.0.1:$HTTP --data-dir "$W/data" >"$W/serve.out" 2>"$W/serve.log" &
PIDS+=($!)
for _ in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:$HTTP/healthz && break; sleep 0.1; done
ffmpeg -nostdin -hide_banner -v error -re -stream_loop -1 -i "$SRC" -c copy -f flv "rtmp://127.0.0.1:$RTMP/live/$KEY" 2>"$W/ffmpeg.err" &
PIDS+=($!)
# newest_segment: the last segment the edge lists, copied for nginx.
newest_segment() {
  SEG=""
  for _ in $(seq 100); do
    SEG=$(curl -sf http://127.0.0.1:$HTTP/live/bench/src/index.m3u8 | grep -v '^#' | tail -1 || true)
    [[ -n $SEG ]] && break
    sleep 0.2
  done
  [[ -n $SEG ]] || { echo "no segment" >&2; exit 1; }
  EDGE_URL=http://127.0.0.1:$HTTP/live/bench/src/$SEG
  mkdir -p "$W/www/live/bench/src" "$W/nginx/logs"
  curl -sf -o "$W/www/live/bench/src/$SEG" "$EDGE_URL"
  chmod -R a+rX "$W/www"
}
newest_segment
SIZE=$(stat -c %s "$W/www/live/bench/src/$SEG")
chmod 755 "$W"   # nginx's worker is not root
cat >"$W/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $W/nginx/nginx.pid;
error_log $W/nginx/logs/error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types { video/mp2t ts; }
  server { listen 127.0.0.1:$NGINX; root $W/www; add_header Cache-Control "public, max-age=31536000, immutable"; }
}
CONF
taskset -c 0 nginx -p "$W/nginx/" -e "$W/nginx/logs/error.log" -c "$W/nginx/nginx.conf" &
PIDS+=($!)
"$BUILD/onair" lb-config --edge 127.0.0.1:$HTTP --listen 127.0.0.1:$LB --access-log "$W/lb/access.json" >"$W/lb.conf"
mkdir -p "$W/lb/logs"
sed -i "s#^worker_processes .*#worker_processes 1;#" "$W/lb.conf"
taskset -c 0 nginx -p "$W/lb/" -c "$W/lb.conf" -e "$W/lb/error.log" -g "daemon off;" &
PIDS+=($!)
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$NGINX/live/bench/src/$SEG" && curl -sf -o /dev/null "http://127.0.0.1:$LB/live/bench/src/$SEG" && break; sleep 0.1; done
# wrk's summary: requests/s and transfer/s (bytes).
measure() {
  taskset -c 1 wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency "$1" 2>&1 | python3 -c '
import re, sys
t = sys.stdin.read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
m = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", t)
mult = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}[m.group(2)]
errs = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
p99 = re.search(r"99%\s+([\d.]+)(\w+)", t)
print(rps, float(m.group(1)) * mult * 8 / 1e9, int(errs.group(1)) if errs else 0, p99.group(1) + p99.group(2) if p99 else "?")'
}
declare -a E N L
for r in $(seq "$RUNS"); do
  newest_segment  # each round: a segment well inside the window, the same bytes for nginx
  E+=("$(measure "$EDGE_URL")")
  N+=("$(measure "http://127.0.0.1:$NGINX/live/bench/src/$SEG")")
  L+=("$(measure "http://127.0.0.1:$LB/live/bench/src/$SEG")")
done
VIEWERS=${VIEWERS:-1000}
VIEWER_S=${VIEWER_S:-20}
viewers() {
  taskset -c 1 "$BUILD/tools/bench/onair-bench" --hls-pollers "$VIEWERS" --ramp-per-second 500 --duration "$VIEWER_S" \
    --url-hls "$1" --json | python3 -c 'import json,sys; h=json.load(sys.stdin)["hls"]; print(h["connected"], h["failed"], h["stalls"], h["mbps"])'
}
VE=$(viewers "http://127.0.0.1:$HTTP/live/bench/src/index.m3u8")
VL=$(viewers "http://127.0.0.1:$LB/live/bench/src/index.m3u8")
echo "viewers direct (connected failed stalls Mbit/s): $VE; through the LB: $VL"
python3 - "$SIZE" "$CONNS" "$DURATION" "${#E[@]}" "${E[@]}" "${N[@]}" "${L[@]}" <<'PY'
import json, statistics, sys
size, conns, dur, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rows = [x.split() for x in sys.argv[5:]]
e, ng, lb = rows[:n], rows[n:2 * n], rows[2 * n:]
med = lambda rs, i: statistics.median(float(r[i]) for r in rs)
out = {"segment_bytes": size, "connections": conns, "seconds": dur, "runs": n,
       "edge_rps": med(e, 0), "edge_gbps": round(med(e, 1), 3), "nginx_rps": med(ng, 0), "nginx_gbps": round(med(ng, 1), 3),
       "lb_rps": med(lb, 0), "lb_gbps": round(med(lb, 1), 3),
       "errors": sum(int(r[2]) for r in rows), "edge_p99": [r[3] for r in e], "nginx_p99": [r[3] for r in ng]}
out["ratio_edge_over_nginx"] = round(out["edge_rps"] / out["nginx_rps"], 3)
out["viewers_2500k_per_core_bound"] = int(out["edge_gbps"] * 1e9 / 2.6e6)
print(f"| {size/1024:.0f} KiB segment, {conns} conns | requests/s | Gbit/s |\n|---|---|---|")
print(f"| onair edge (1 thread) | {out['edge_rps']:.0f} | {out['edge_gbps']} |")
print(f"| nginx static, sendfile (1 worker) | {out['nginx_rps']:.0f} | {out['nginx_gbps']} |")
print(f"| via the nginx LB → edge | {out['lb_rps']:.0f} | {out['lb_gbps']} |")
print(f"ratio edge / nginx: {out['ratio_edge_over_nginx']}x; one edge core bounds {out['viewers_2500k_per_core_bound']} viewers of 2.6 Mbit/s")
print(json.dumps(out))
PY
