#!/usr/bin/env bash
# LL-HLS through the whole CDN path: a live source whose frames carry their
# wall-clock time, published to `onair ingest`, carried over the Kafka test
# broker to two `onair edge`s (fMP4, 1/3 s parts), behind Debian's nginx as
# configured by `onair lb-config`; no sticky sessions.
#  1. every playlist of 15 blocking reloads through the load balancer passes
#     our checker against the one before (whichever edge answered);
#  2. part_probe through the load balancer: every part is listed within a
#     few hundred ms of its last frame reaching the ingest, Kafka included;
#  3. hls.js in low-latency mode plays through the load balancer for
#     LLHLS_PLAY_S (120 s; 40 under the sanitizers): playback advances at
#     least 95% of wall time with no stall, and the glass-to-glass latency
#     it shows (the clock in the frames against the browser's) has a median
#     of at most 1.5 s (checked in the release build; the sanitizers'
#     slowdown is reported, not judged).
source "$(dirname "$0")/lib.sh"

CHECK=$ONAIR_BUILD_DIR/tools/hlscheck/onair-hlscheck
[[ -x $CHECK ]] || CHECK=$ONAIR_SOURCE_DIR/build/tools/hlscheck/onair-hlscheck
[[ -x $CHECK ]] || fail "onair-hlscheck missing: build the onair-hlscheck target"
[[ -x /usr/sbin/nginx ]] || fail "nginx missing: run scripts/setup.sh"
[[ -x /usr/bin/chromium ]] || fail "/usr/bin/chromium missing: run scripts/setup.sh"
PLAY_S=${LLHLS_PLAY_S:-$(( IT_SLOW > 1 ? 40 : 120 ))}

export ONAIR_HLS_CONTAINER=fmp4
export ONAIR_HLS_PART_DURATION_MS=333
export ONAIR_HLS_SEGMENT_DURATION_MS=1000
export ONAIR_BUS_FETCH_WAIT_MS=10
export ONAIR_TRANSCODE_ENABLED=false
CH=llcdn

kafka_roles onair.media:4 onair.events:1
kafka_channel "$CH"
read -r E1 E2 < <(free_ports)
for n in 1 2; do
  port=$E1; (( n == 2 )) && port=$E2
  bg "edge$n" "$ONAIR_BIN" edge --http-listen "127.0.0.1:$port" --data-dir "$T/edge$n-data" --bus "$BUS" --node-id "edge-$n"
  wait_until "$(scaled 10)" "edge $n's /healthz" curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"
done
read -r LB_PORT _ < <(free_ports)
NGX=$T/nginx
mkdir -p "$NGX"
"$ONAIR_BIN" lb-config --edge "127.0.0.1:$E1" --edge "127.0.0.1:$E2" --listen "127.0.0.1:$LB_PORT" \
  --access-log "$NGX/access.json" >"$NGX/nginx.conf" || fail "onair lb-config failed"
bg nginx /usr/sbin/nginx -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" -g 'daemon off;'
LB=http://127.0.0.1:$LB_PORT
wait_until "$(scaled 10)" "nginx's /onair-lb/healthz" curl -sf -o /dev/null "$LB/onair-lb/healthz"

start_clocked_publisher pub 640x360 800k "rtmp://127.0.0.1:$RTMP_PORT/live/$KEY"
MEDIA=$LB/live/$CH/src/index.m3u8
lb_ll_playable() { curl -sf --max-time 2 "$MEDIA" | grep -q '^#EXT-X-PRELOAD-HINT'; }
wait_until "$(scaled 20)" "LL-HLS through the load balancer" lb_ll_playable
ok "LL-HLS through nginx and two edges over Kafka"

# --- 1. blocking reloads through the load balancer, each through our checker ------
curl -sf --max-time 5 -o "$T/prev.m3u8" "$MEDIA" || fail "media playlist through the load balancer"
for _ in $(seq 15); do
  read -r M K < <(sed -n 's/.*#EXT-X-PRELOAD-HINT:TYPE=PART,URI="[^"]*-\([0-9]*\)\.\([0-9]*\)\.m4s".*/\1 \2/p' "$T/prev.m3u8")
  [[ -n ${M:-} ]] || fail "no preload hint: $(tail -3 "$T/prev.m3u8")"
  code=$(curl -sS --max-time 10 -o "$T/b.m3u8" -w '%{http_code}' "$MEDIA?_HLS_msn=$M&_HLS_part=$K")
  [[ $code == 200 ]] || fail "blocking reload $M.$K through the load balancer: $code $(cat "$T/b.m3u8")"
  grep -q -- "-$M.$K.m4s\"" "$T/b.m3u8" || fail "the answer for $M.$K lacks it"
  "$CHECK" "$T/b.m3u8" --previous "$T/prev.m3u8" --keyframe-segments >"$T/check.json" ||
    fail "onair-hlscheck through the load balancer: $(cat "$T/check.json")"
  cp "$T/b.m3u8" "$T/prev.m3u8"
done
ok "15 blocking reloads through the load balancer: each holds its part and passes the checker"

# --- 2. publish-to-availability through Kafka, edge and load balancer ------------------
probe_parts "$MEDIA" 8 15 300
ok "part_probe through Kafka, an edge and nginx: $PROBE_SUMMARY"

# --- 3. hls.js, low-latency mode, through the load balancer ----------------------------
run_player "$LB/live/$CH/index.m3u8" "$PLAY_S" "hls.js low-latency through the load balancer" --min-advance 0.95 \
  --startup-timeout "$(scaled 20)" --low-latency --max-live-sync-rate 1.5 --latency --latency-warmup 5 \
  --min-latency-samples $(( (PLAY_S - 5) * 3 ))
[[ $(json_field "$R" stall_episodes) == 0 ]] || fail "hls.js stalled $(json_field "$R" stall_episodes) time(s) in $PLAY_S s"
L=$(json_field "$R" latency)
MED=$(json_field "$L" median_ms)
[[ $(json_field "$L" bands_rejected) == 0 ]] || log "$(json_field "$L" bands_rejected) clock bands rejected"
SUMMARY="median $MED ms, p95 $(json_field "$L" p95_ms) ms over $(json_field "$L" samples) frames; advance $(json_field "$R" advance_ratio), 0 stalls in $PLAY_S s; hls.latency $(json_field "$L" hls_latency_s) s"
if (( IT_SLOW == 1 )); then
  awk -v m="$MED" 'BEGIN{exit !(m > 0 && m <= 1500)}' || fail "LL-HLS glass-to-glass through the CDN: $SUMMARY (goal: median <= 1500 ms)"
  ok "LL-HLS glass-to-glass through Kafka, an edge and nginx: $SUMMARY"
else
  ok "LL-HLS under the sanitizers (latency not judged): $SUMMARY"
fi
stop_pid "$PUB_PID" INT 5
