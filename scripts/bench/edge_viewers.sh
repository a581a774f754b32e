#!/usr/bin/env bash
# How many concurrent 2.6 Mbit/s HLS viewers one edge core sustains without
# a stall. `onair serve --threads 1` pinned to core 0 packages the 720p
# broadcast and serves it; onair-bench on core 1 runs N HLS viewers (each
# polls the media playlist every half target duration and downloads every
# new segment once, in real time) for VIEWER_S seconds, for each N of
# N_LIST, stopping at the first N with a stall or a failure. For each N:
# viewers connected / failed / stalls, the rate they got, the edge's CPU
# (utime + stime over the round, % of its one core) and the client's. When
# the client's core is the one that is full, the edge's CPU share says how
# far the edge core would go: N × 100 / edge CPU %.
#
#   scripts/bench/edge_viewers.sh     # N_LIST="1000 2000 4000 8000" VIEWER_S=20
#
# Prints a Markdown table and one JSON line.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/bench/lib.sh
BUILD=${BUILD:-build}
N_LIST=${N_LIST:-1000 2000 4000 8000}
VIEWER_S=${VIEWER_S:-20}
CACHE=${CACHE:-/tmp/onair-bench-cache}
W=$(mktemp -d /tmp/onair-viewers-bench.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$W"' EXIT
bench_source_720p
read -r RTMP HTTP < <(free_ports 2)
KEY=$("$BUILD/onair" channel create bench --data-dir "$W/data" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["stream_key"])')
ONAIR_TRANSCODE_ENABLED=false ONAIR_ORIGIN_ENABLED=false ONAIR_LOG_LEVEL=warn ONAIR_HTTP_MAX_CONNECTIONS=20000 \
  taskset -c 0 "$BUILD/onair" serve --threads 1 --rtmp-listen 127.0.0.1:$RTMP --http-listen 127.0.0.1:$HTTP \
  --data-dir "$W/data" >"$W/serve.out" 2>"$W/serve.log" &
EDGE_PID=$!
PIDS+=("$EDGE_PID")
for _ in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:$HTTP/healthz && break; sleep 0.1; done
taskset -c 1 ffmpeg -nostdin -hide_banner -v error -re -stream_loop -1 -i "$SRC" -c copy -f flv "rtmp://127.0.0.1:$RTMP/live/$KEY" 2>"$W/ffmpeg.err" &
PIDS+=($!)
URL=http://127.0.0.1:$HTTP/live/bench/src/index.m3u8
for _ in $(seq 100); do curl -sf "$URL" | grep -q '^#EXTINF' && break; sleep 0.2; done
sleep 4

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
ROWS=()
for n in $N_LIST; do
  t0=$(cpu_ticks "$EDGE_PID")
  s0=$(date +%s.%N)
  taskset -c 1 "$BUILD/tools/bench/onair-bench" --hls-pollers "$n" --ramp-per-second 1000 --duration "$VIEWER_S" \
    --url-hls "$URL" --json >"$W/bench-$n.json" 2>"$W/bench-$n.err" || true
  s1=$(date +%s.%N)
  t1=$(cpu_ticks "$EDGE_PID")
  row=$(python3 - "$W/bench-$n.json" "$n" "$t0" "$t1" "$s0" "$s1" "$HZ" <<'PY'
import json, sys
path, n, t0, t1, s0, s1, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
try:
    r = json.load(open(path))
except ValueError:
    print(json.dumps({"viewers": n, "error": "onair-bench gave no JSON"})); sys.exit()
h = r["hls"]
edge_cpu = 100.0 * (t1 - t0) / hz / (s1 - s0)
print(json.dumps({"viewers": n, "connected": h["connected"], "failed": h["failed"], "stalls": h["stalls"],
                  "mbps": h["mbps"], "edge_cpu_percent": round(edge_cpu, 1), "client_cpu_percent": r["bench_cpu_percent"]}))
PY
)
  echo "$row" >&2
  ROWS+=("$row")
  python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if r.get("stalls", 1) == 0 and r.get("failed", 1) == 0 and r.get("connected") == r["viewers"] else 1)' "$row" || break
done
python3 - "${ROWS[@]}" <<'PY'
import json, sys
rows = [json.loads(a) for a in sys.argv[1:]]
print("| HLS viewers (2.6 Mbit/s, 20 s) | connected | failed | stalls | Mbit/s served | edge CPU (its one core) | client CPU |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    if "error" in r:
        print(f"| {r['viewers']} | {r['error']} | | | | | |"); continue
    print(f"| {r['viewers']} | {r['connected']} | {r['failed']} | {r['stalls']} | {r['mbps']:.0f} | {r['edge_cpu_percent']}% | {r['client_cpu_percent']}% |")
good = [r for r in rows if "error" not in r and r["stalls"] == 0 and r["failed"] == 0 and r["connected"] == r["viewers"]]
out = {"rows": rows}
if good:
    best = good[-1]
    out["max_viewers_without_stall"] = best["viewers"]
    if best["edge_cpu_percent"] > 0:
        out["edge_core_capacity_estimate"] = int(best["viewers"] * 100 / best["edge_cpu_percent"])
    print(f"\n{best['viewers']} viewers without a stall at {best['edge_cpu_percent']}% of the edge's core "
          f"(≈ {out.get('edge_core_capacity_estimate', '?')} viewers for a full core)")
print(json.dumps(out))
PY
