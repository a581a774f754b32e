#!/usr/bin/env bash
# Glass-to-glass latency (issue 8), ours against nginx-rtmp, in one run on
# this machine. One ffmpeg encodes the clocked source (720p30, x264
# zerolatency, keyframe every 1 s, AAC; tests/support/clocked_source.sh)
# live, once, and pushes it with the tee muxer to every server, so all see
# the same glass:
#   - onair serve, TS, 1 s segments          (ONAIR_HLS_SEGMENT_DURATION_MS=1000)
#   - onair serve, TS, 2 s segments          (the default), and RTMP players'
#     writes not batched                     (ONAIR_RTMP_PLAY_COALESCE_MS=0; 100 ms by default)
#   - onair serve, fMP4, 1 s segments        (ONAIR_HLS_CONTAINER=fmp4)
#   - onair serve with $LLHLS_ENV (default: fMP4, 1/3 s parts) for the LL-HLS rows
#   - nginx 1.22 + libnginx-mod-rtmp, application "tuned": hls_fragment 1s;
#     hls_playlist_length 4s (its lowest useful settings: a fragment is cut at
#     the first keyframe after hls_fragment), and application "default":
#     hls on with nothing else (hls_fragment 5s, hls_playlist_length 30s).
# Then one after another, after a warm-up: RTMP play (ours, nginx-rtmp),
# MEASURE_S (default 30) seconds with tools/latency/glass_latency.py; HLS
# with hls.js in headless Chromium (tests/browser/play_hls.mjs --latency;
# advance ratio and stalls too), JOINS (default 3) players one after another,
# HLS_S (default 20) seconds each: where hls.js starts depends on where in a
# segment it joins (it holds that distance: no catch-up at the default
# maxLiveSyncPlaybackRate 1), so one join samples one phase. The row gives
# the median of the joins' medians, the range of the joins' medians, the
# largest p95, the lowest advance ratio and the stalls of all joins;
# LL-HLS with --low-latency when one of our servers lists EXT-X-PART-INF
# (else the row says "not available on this build").
# Servers and the source run on core 0, the players on core 1 (taskset).
#
#   scripts/bench/latency.sh            # BUILD=build MEASURE_S=30 JOINS=3 HLS_S=20 SIZE=1280x720 VB=2500k
#
# Prints a Markdown table (with OvenMediaEngine's, MediaMTX's and SRS's
# published figures beside ours) and one JSON line.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/bench/lib.sh
BUILD=${BUILD:-build}
ONAIR=${ONAIR:-$BUILD/onair}
MEASURE_S=${MEASURE_S:-30}
WARMUP_S=${WARMUP_S:-3}
JOINS=${JOINS:-3}
HLS_S=${HLS_S:-20}
SIZE=${SIZE:-1280x720}
VB=${VB:-2500k}
LLHLS_ENV=${LLHLS_ENV:-}
SERVER_CPU=${SERVER_CPU:-0}
PLAYER_CPU=${PLAYER_CPU:-1}
PLAYER=tests/browser/play_hls.mjs
PROBE=tools/latency/glass_latency.py
W=$(mktemp -d /tmp/onair-latency-bench.XXXXXX)
PIDS=()
cleanup() {
  local i
  for (( i=${#PIDS[@]}-1; i>=0; i-- )); do kill "${PIDS[$i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -n ${KEEP:-} ]] || rm -rf "$W"
}
trap cleanup EXIT
[[ -x $ONAIR ]] || { echo "no $ONAIR: ninja -C $BUILD onair (or ONAIR=path)" >&2; exit 1; }
command -v nginx >/dev/null && [[ -f /usr/lib/nginx/modules/ngx_rtmp_module.so ]] ||
  { echo "nginx with the RTMP module missing (scripts/setup.sh installs nginx-light libnginx-mod-rtmp)" >&2; exit 1; }

# --- our servers ---------------------------------------------------------
# start_serve NAME ENV...: onair serve with ENV on free ports; sets
# the URLs of channel "lat" as <NAME>_PUB, <NAME>_RTMP, <NAME>_HLS.
start_serve() {
  local name=$1; shift
  local rtmp http key dir=$W/$name
  read -r rtmp http < <(free_ports 2)
  key=$("$ONAIR" channel create lat --data-dir "$dir" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["stream_key"])')
  env ONAIR_TRANSCODE_ENABLED=false ONAIR_ORIGIN_ENABLED=false ONAIR_LOG_LEVEL=warn "$@" \
    taskset -c "$SERVER_CPU" "$ONAIR" serve --threads 1 --rtmp-listen "127.0.0.1:$rtmp" --http-listen "127.0.0.1:$http" \
    --data-dir "$dir" </dev/null >"$W/$name.out" 2>"$W/$name.log" &
  PIDS+=($!)
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$http/healthz" && break; sleep 0.1; done
  curl -sf -o /dev/null "http://127.0.0.1:$http/healthz" || { echo "onair $name did not start: $(tail -3 "$W/$name.log")" >&2; exit 1; }
  printf -v "${name}_PUB" '%s' "rtmp://127.0.0.1:$rtmp/live/$key"
  printf -v "${name}_RTMP" '%s' "rtmp://127.0.0.1:$rtmp/live/lat"
  printf -v "${name}_HLS" '%s' "http://127.0.0.1:$http/live/lat/index.m3u8"
}
start_serve ts1 ONAIR_HLS_SEGMENT_DURATION_MS=1000
start_serve ts2 ONAIR_RTMP_PLAY_COALESCE_MS=0
start_serve fmp4 ONAIR_HLS_CONTAINER=fmp4 ONAIR_HLS_PART_DURATION_MS=0 ONAIR_HLS_SEGMENT_DURATION_MS=1000
OURS=(ts1 ts2 fmp4)
# LL-HLS: fMP4 with 1/3 s parts (hls.part_duration_ms), unless LLHLS_ENV says otherwise.
LLHLS_ENV=${LLHLS_ENV:-ONAIR_HLS_CONTAINER=fmp4 ONAIR_HLS_PART_DURATION_MS=333}
if [[ -n $LLHLS_ENV ]]; then
  # shellcheck disable=SC2086  # LLHLS_ENV is a list of NAME=VALUE words
  start_serve ll ONAIR_HLS_SEGMENT_DURATION_MS=1000 $LLHLS_ENV
  OURS+=(ll)
fi

# --- nginx-rtmp ----------------------------------------------------------
read -r NGX_RTMP NGX_HTTP < <(free_ports 2)
mkdir -p "$W/ngx/logs" "$W/ngx/tmp" "$W/www/tuned" "$W/www/default"
chmod 755 "$W"
[[ $(id -u) -eq 0 ]] && NGX_USER="user $(id -un) $(id -gn);" || NGX_USER=""
cat >"$W/ngx/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
$NGX_USER
worker_processes 1;
pid $W/ngx/nginx.pid;
error_log $W/ngx/logs/error.log warn;
events { worker_connections 1024; }
rtmp {
  server {
    listen 127.0.0.1:$NGX_RTMP;
    chunk_size 4096;
    application tuned {
      live on;
      hls on;
      hls_path $W/www/tuned;
      hls_fragment 1s;
      hls_playlist_length 4s;
    }
    application default {
      live on;
      hls on;
      hls_path $W/www/default;
    }
  }
}
http {
  access_log off;
  client_body_temp_path $W/ngx/tmp/body;
  proxy_temp_path $W/ngx/tmp/proxy;
  fastcgi_temp_path $W/ngx/tmp/fastcgi;
  uwsgi_temp_path $W/ngx/tmp/uwsgi;
  scgi_temp_path $W/ngx/tmp/scgi;
  types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
  server {
    listen 127.0.0.1:$NGX_HTTP;
    root $W/www;
    add_header Access-Control-Allow-Origin * always;
    add_header Cache-Control no-cache always;
  }
}
CONF
taskset -c "$SERVER_CPU" nginx -p "$W/ngx/" -e "$W/ngx/logs/error.log" -c "$W/ngx/nginx.conf" -g 'daemon off;' \
  </dev/null >"$W/ngx/out.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do (echo >"/dev/tcp/127.0.0.1/$NGX_RTMP") 2>/dev/null && break; sleep 0.1; done

# --- the source: one encode, every server --------------------------------
PUBS=()
for s in "${OURS[@]}"; do v=${s}_PUB; PUBS+=("${!v}"); done
PUBS+=("rtmp://127.0.0.1:$NGX_RTMP/tuned/lat" "rtmp://127.0.0.1:$NGX_RTMP/default/lat")
clocked_source_args "$SIZE" 30 "$VB"
taskset -c "$SERVER_CPU" ffmpeg "${CLOCKED_ARGS[@]}" -f tee "$(clocked_tee_url "${PUBS[@]}")" </dev/null 2>"$W/source.err" &
PIDS+=($!)
SOURCE_PID=$!

# wait_segments URL N TIMEOUT_S: the media playlist behind URL lists N segments.
media_playlist() {
  local body uri
  body=$(curl -sf --max-time 3 "$1") || return 1
  if grep -q '^#EXT-X-STREAM-INF' <<<"$body"; then
    uri=$(grep -v '^#' <<<"$body" | grep -m1 .) || return 1
    curl -sf --max-time 3 "${1%/*}/$uri"
  else
    printf '%s\n' "$body"
  fi
}
wait_segments() {
  local end=$(( SECONDS + $3 ))
  while (( SECONDS < end )); do
    (( $(media_playlist "$1" | grep -c '^#EXTINF' || true) >= $2 )) && return 0
    sleep 0.5
  done
  echo "warning: $1 did not list $2 segments within $3 s" >&2
}

RES=$W/results.jsonl
# row KIND SERVER SETTINGS JSON: one line of $RES.
row() { python3 -c 'import json,sys; print(json.dumps({"kind": sys.argv[1], "server": sys.argv[2], "settings": sys.argv[3], "r": json.loads(sys.argv[4] or "null")}))' "$@" >>"$RES"; }
rtmp_row() {
  local out
  out=$(taskset -c "$PLAYER_CPU" python3 "$PROBE" --url "$3" --seconds "$MEASURE_S" --warmup "$WARMUP_S" --min-samples 10) || true
  echo "  $1 $2: $(cut -c1-200 <<<"$out")" >&2
  row RTMP "$1" "$2" "$out"
}
hls_row() {
  local kind=$1 server=$2 settings=$3 url=$4; shift 4
  local out all="" j
  echo "  $kind $server $settings: playlist $(media_playlist "$url" | grep -E '^#EXT-X-TARGETDURATION|^#EXTINF' | tail -4 | tr -d '\r' | tr '\n' ' ')" >&2
  for (( j=1; j<=JOINS; j++ )); do
    out=$(taskset -c "$PLAYER_CPU" node "$PLAYER" --url "$url" --seconds "$HLS_S" --min-advance 0 --startup-timeout 40 \
      --latency --latency-warmup "$WARMUP_S" "$@") || true
    echo "  $kind $server $settings, join $j: $(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(r.get("reason"), r.get("advance_ratio"), r.get("stalls"), r.get("latency"))' "$out" 2>/dev/null || echo "$out")" >&2
    all+="${all:+,}${out:-null}"
  done
  row "$kind" "$server" "$settings" "[$all]"
}

echo "source: $SIZE 30 fps $VB to ${#PUBS[@]} servers; waiting for the playlists" >&2
sleep 3
kill -0 "$SOURCE_PID" 2>/dev/null || { echo "the source died: $(tail -3 "$W/source.err")" >&2; exit 1; }
rtmp_row onair "play_coalesce_ms 100 (default)" "$ts1_RTMP"
rtmp_row onair "play_coalesce_ms 0" "$ts2_RTMP"
rtmp_row nginx-rtmp "live on (defaults)" "rtmp://127.0.0.1:$NGX_RTMP/tuned/lat"
wait_segments "$ts1_HLS" 3 20
hls_row HLS-TS onair "1 s segments" "$ts1_HLS"
hls_row HLS-TS onair "2 s segments (default)" "$ts2_HLS"
hls_row HLS-fMP4 onair "1 s segments" "$fmp4_HLS"
wait_segments "http://127.0.0.1:$NGX_HTTP/tuned/lat.m3u8" 3 20
hls_row HLS-TS nginx-rtmp "hls_fragment 1s, playlist 4s" "http://127.0.0.1:$NGX_HTTP/tuned/lat.m3u8"
wait_segments "http://127.0.0.1:$NGX_HTTP/default/lat.m3u8" 3 30
hls_row HLS-TS nginx-rtmp "defaults (fragment 5s, playlist 30s)" "http://127.0.0.1:$NGX_HTTP/default/lat.m3u8"
LL=""
for s in "${OURS[@]}"; do
  v=${s}_HLS
  if media_playlist "${!v}" | grep -q '^#EXT-X-PART-INF'; then LL=${!v}; LL_PART=$(media_playlist "$LL" | grep -m1 '^#EXT-X-PART-INF' | tr -d '\r'); break; fi
done
if [[ -n $LL ]]; then
  hls_row LL-HLS onair "${LL_PART#\#EXT-X-PART-INF:}, lowLatencyMode" "$LL" --low-latency
  hls_row LL-HLS onair "${LL_PART#\#EXT-X-PART-INF:}, lowLatencyMode, maxLiveSyncPlaybackRate 1.5" "$LL" \
    --low-latency --max-live-sync-rate 1.5
else
  row LL-HLS onair "not available on this build (no EXT-X-PART-INF)" ""
fi
kill -0 "$SOURCE_PID" 2>/dev/null || echo "warning: the source ended during the run: $(tail -3 "$W/source.err")" >&2

python3 - "$RES" "$SIZE" "$VB" "$MEASURE_S" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
# Published figures of others (docs/BENCHMARKS.md cites them; see
# ../shared/research/anchors.md): not measured here.
PUBLISHED = {
    "RTMP": "SRS: RTMP 0.8-3 s",
    "HLS-TS": "SRS: >5 s, 6-8 s tuned; Ant Media CE 8-12 s",
    "HLS-fMP4": "(as classic HLS)",
    "LL-HLS": "OME: 2-5 s, 2-3 s with 0.5 s parts; MediaMTX users: 1-2 s (0.2 s parts)",
}
def sec(ms):
    return "-" if ms is None else "%.2f s" % (ms / 1000.0)
def median(xs):
    xs = sorted(xs)
    return None if not xs else (xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2)
print("| Protocol | Server | Settings | Median | Joins' medians | p95 | Samples | Advance | Stalls | Published (others) |")
print("|---|---|---|---|---|---|---|---|---|---|")
out = {"size": sys.argv[2], "video_bitrate": sys.argv[3], "measure_s": float(sys.argv[4]), "rows": []}
for x in rows:
    r = x["r"]
    med = p95 = samples = adv = stalls = hls_lat = None
    spread = "-"
    ok = r is not None
    reasons = []
    if r is None:
        pass
    elif x["kind"] == "RTMP":
        lat = r.get("latency_ms") or {}
        med, p95, samples = lat.get("median"), lat.get("p95"), r.get("samples")
        ok = bool(r.get("ok"))
        reasons = [r.get("reason")] if not ok else []
    else:
        joins = [j for j in r if j]
        good = [j for j in joins if j.get("ok")]
        ok = len(good) == len(r) and len(r) > 0
        reasons = sorted({j.get("reason") for j in joins if not j.get("ok")} | ({"no output"} if len(joins) < len(r) else set()))
        lats = [j["latency"] for j in good if j.get("latency")]
        meds = [l["median_ms"] for l in lats if l.get("median_ms") is not None]
        med = median(meds)
        spread = "%.2f-%.2f s" % (min(meds) / 1000.0, max(meds) / 1000.0) if meds else "-"
        p95 = max((l["p95_ms"] for l in lats if l.get("p95_ms") is not None), default=None)
        samples = sum(l.get("samples", 0) for l in lats)
        adv = min((j["advance_ratio"] for j in good if j.get("advance_ratio") is not None), default=None)
        stalls = sum(j.get("stalls", 0) for j in good)
        hls_lat = median([l["hls_latency_s"] for l in lats if l.get("hls_latency_s") is not None])
    note = "" if ok or r is None else " (failed: %s)" % "; ".join(str(x_) for x_ in reasons)
    print("| %s | %s | %s%s | %s | %s | %s | %s | %s | %s | %s |" % (
        x["kind"], x["server"], x["settings"], note, sec(med), spread, sec(p95), "-" if samples is None else samples,
        "-" if adv is None else adv, "-" if stalls is None else stalls, PUBLISHED[x["kind"]]))
    out["rows"].append({"kind": x["kind"], "server": x["server"], "settings": x["settings"], "ok": ok,
                        "median_ms": med, "joins_median_range": spread, "p95_ms": p95, "samples": samples,
                        "advance_ratio": adv, "stalls": stalls, "hls_latency_s": hls_lat})
print()
print(json.dumps(out))
PY
