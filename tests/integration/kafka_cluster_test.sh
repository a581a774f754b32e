#!/usr/bin/env bash
# Every role as its own process over a Kafka-protocol broker (our
# tools/kafka-test-broker, librdkafka's mock cluster): `onair manager`,
# `onair ingest` and two `onair edge`s.
#  1. ffmpeg publishes to the ingest, verified by the manager's hook; hls.js
#     plays from the first edge; kcat reads onair.events as JSON.
#  2. A second edge started mid-broadcast plays within 2 s, with no change to
#     the ingest, and serves playlists and segments byte-identical to the
#     first edge's.
#  3. The first edge, killed with SIGKILL and restarted, plays again within 2 s.
#  4. The broker goes away for a while and comes back: the broadcast goes on,
#     the records the ingest could not deliver in time are a gap that the
#     edges count and the manager announces (broadcast.gap).
source "$(dirname "$0")/lib.sh"

PLAYER=$ONAIR_SOURCE_DIR/tests/browser/play_hls.mjs
BROKER=$ONAIR_SOURCE_DIR/tests/support/kafka_broker.sh
command -v kcat >/dev/null || fail "kcat missing: run scripts/setup.sh"
[[ -x /usr/bin/chromium ]] || fail "/usr/bin/chromium missing: run scripts/setup.sh"

TOKEN=oat_it_$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
export ONAIR_MANAGER_ADMIN_TOKEN=$TOKEN
# 1 s segments, a 6-segment window: an edge looks 6 s back when it starts.
export ONAIR_HLS_SEGMENT_DURATION_MS=1000
export ONAIR_LOG_LEVEL=info

# A light source that fits the test broker (it keeps ~5 MiB per partition):
# 320x240 at 15 fps, ~400 kbit/s, a keyframe every second, 16 s looped.
light_flv() { cached_source src-240p15-light 320x240 15 400k 15 64k; }

# play_from N SECONDS: hls.js plays edge N's stream for SECONDS, advancing at
# least 90% of wall time.
play_from() {
  local n=$1 rc
  set +e
  node "$PLAYER" --url "$(edge_url "$n")/live/cluster/index.m3u8" --seconds "$2" --min-advance 0.9 \
    --startup-timeout "$(scaled 15)" >"$T/player$n.json" 2>"$T/player$n.err"
  rc=$?
  set -e
  [[ $rc -eq 0 ]] || fail "hls.js playback from edge $n failed (exit $rc): $(cat "$T/player$n.json") $(tail -3 "$T/player$n.err")"
  ok "hls.js plays from edge $n: $(cat "$T/player$n.json")"
}

# --- the broker -------------------------------------------------------------
KDIR=$T/kafka
BOOT=$(bash "$BROKER" start "$KDIR" onair.media:4 onair.events:1) || fail "test broker did not start: $(tail -5 "$KDIR/log" 2>/dev/null)"
IT_PIDS+=("$(cat "$KDIR/pid")")
BUS=kafka://$BOOT
log "test broker at $BOOT"
# Tests run against the mock's limits: short fetch waits.
export ONAIR_BUS_FETCH_WAIT_MS=10

# --- the manager --------------------------------------------------------------
read -r MGR_PORT _ < <(free_ports)
MGR=http://127.0.0.1:$MGR_PORT
bg manager "$ONAIR_BIN" manager --http-listen "127.0.0.1:$MGR_PORT" --data-dir "$T/manager-data" --bus "$BUS" \
  --node-id manager-1
MGR_PID=$BG_PID
wait_until "$(scaled 10)" "the manager's /healthz" curl -sf -o /dev/null "$MGR/healthz"
KEY=$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  --data-binary '{"name":"cluster"}' "$MGR/api/v1/channels" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stream_key"])') ||
  fail "cannot create the channel"

# kcat follows onair.events from now on, one JSON event a line.
bg kcat-events kcat -C -q -u -E -b "$BOOT" -t onair.events -o end -f '%s\n' -X fetch.wait.max.ms=10
KCAT_PID=$BG_PID

# --- the ingest ---------------------------------------------------------------
read -r RTMP_PORT INGEST_HTTP < <(free_ports)
# A short delivery timeout: what the broker cannot take within 1 s is dropped
# (and becomes the gap of step 4), the RTMP side never waits.
ONAIR_BUS_DELIVERY_TIMEOUT_MS=1000 ONAIR_INGEST_MANAGER_TOKEN=$TOKEN \
  bg ingest "$ONAIR_BIN" ingest --rtmp-listen "127.0.0.1:$RTMP_PORT" --http-listen "127.0.0.1:$INGEST_HTTP" \
  --data-dir "$T/ingest-data" --manager-url "$MGR" --bus "$BUS" --node-id ingest-1
INGEST_PID=$BG_PID
wait_until "$(scaled 10)" "the ingest's /healthz" curl -sf -o /dev/null "http://127.0.0.1:$INGEST_HTTP/healthz"

# --- edges ----------------------------------------------------------------------
EDGE_PORTS=()
EDGE_PIDS=()
start_edge() {  # N: starts edge N on its port (kept across restarts); EDGE_T0 = start time
  local n=$1
  [[ -n ${EDGE_PORTS[$n]:-} ]] || { read -r port _ < <(free_ports); EDGE_PORTS[$n]=$port; }
  # a restart starts a new log: keep the previous run's
  [[ -f $T/edge$n.err ]] && mv "$T/edge$n.err" "$T/edge$n.before-restart.err"
  EDGE_T0=$(now_ms)
  bg "edge$n" "$ONAIR_BIN" edge --http-listen "127.0.0.1:${EDGE_PORTS[$n]}" --data-dir "$T/edge$n-data" \
    --bus "$BUS" --node-id "edge-$n"
  EDGE_PIDS[$n]=$BG_PID
}
edge_url() { echo "http://127.0.0.1:${EDGE_PORTS[$1]}"; }
edge_playable() { HTTP_PORT=${EDGE_PORTS[$1]} live_playable cluster; }
# wait_edge_playable N LIMIT_MS: from EDGE_T0, the edge serves a live playlist
# and a segment within LIMIT_MS. Sets EDGE_MS.
wait_edge_playable() {
  local n=$1 limit=$2
  wait_until "$(scaled 15)" "edge $n to serve the broadcast" edge_playable "$n"
  EDGE_MS=$(( $(now_ms) - EDGE_T0 ))
  (( EDGE_MS <= limit )) || fail "edge $n served the live broadcast only after $EDGE_MS ms (limit $limit)"
}
edge_metric() { HTTP_PORT=${EDGE_PORTS[$1]} metric "$2"; }

start_edge 1
wait_until "$(scaled 10)" "edge 1's /healthz" curl -sf -o /dev/null "$(edge_url 1)/healthz"

# --- 1. publish; play from edge 1; events on Kafka --------------------------------
light_flv
start_publisher pub "rtmp://127.0.0.1:$RTMP_PORT/live/$KEY"
wait_until "$(scaled 15)" "edge 1 to serve the broadcast" edge_playable 1
ok "published to the ingest; edge 1 serves it"

play_from 1 10

started_on_kafka() {
  python3 - "$T/kcat-events.out" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    e = json.loads(line)  # every line is one JSON event
    if e.get("type") == "broadcast.started" and e["channel"]["name"] == "cluster" and e.get("version") == 1:
        sys.exit(0)
sys.exit(1)
PY
}
wait_until "$(scaled 10)" "broadcast.started on onair.events (kcat)" started_on_kafka
ok "kcat reads broadcast.started from onair.events as JSON"

# --- 2. a second edge, mid-broadcast ----------------------------------------------
ingest_records_before=$(HTTP_PORT=$INGEST_HTTP metric onair_bus_records_produced_total)
start_edge 2
wait_edge_playable 2 "$(scaled 2000)"  # 2 s (3x under ASan+UBSan)
ok "edge 2, started mid-broadcast, served it $EDGE_MS ms after it started"

# Byte-identical: the same media playlist from both edges (retrying until
# both have read the same records), then every segment both list.
same_playlists() {
  [[ $(fetch "$(edge_url 1)/live/cluster/src/index.m3u8" "$T/e1") == 200 ]] || return 1
  [[ $(fetch "$(edge_url 2)/live/cluster/src/index.m3u8" "$T/e2") == 200 ]] || return 1
  hls_check "$T/e1.body"
  hls_check "$T/e2.body"
  [[ $(grep -c '^#EXTINF' "$T/e2.body") -ge 6 ]] || return 1
  cmp -s "$T/e1.body" "$T/e2.body"
}
wait_until "$(scaled 20)" "edges 1 and 2 to serve the same full playlist" same_playlists
segments=0
for seg in $(grep -v '^#' "$T/e1.body" | tr -d '\r'); do
  [[ $(fetch "$(edge_url 1)/live/cluster/src/$seg" "$T/s1") == 200 ]] || fail "edge 1: $seg missing"
  [[ $(fetch "$(edge_url 2)/live/cluster/src/$seg" "$T/s2") == 200 ]] || fail "edge 2: $seg missing"
  cmp -s "$T/s1.body" "$T/s2.body" || fail "segment $seg differs between the edges"
  segments=$((segments + 1))
done
(( segments >= 6 )) || fail "only $segments segments compared"
for path in live/cluster/index.m3u8; do
  same_mv() {
    [[ $(fetch "$(edge_url 1)/$path" "$T/m1") == 200 && $(fetch "$(edge_url 2)/$path" "$T/m2") == 200 ]] &&
      cmp -s "$T/m1.body" "$T/m2.body"
  }
  wait_until "$(scaled 10)" "the same multivariant playlist from both edges" same_mv
done
ok "edges 1 and 2 serve byte-identical playlists and $segments segments"
alive "$INGEST_PID" || fail "the ingest died"
[[ $(grep -c '"message":"onair ingest serving"' "$T/ingest.err") -eq 1 ]] || fail "the ingest restarted"
ok "the ingest was not touched (produced $ingest_records_before records before edge 2 came)"

# --- 3. SIGKILL edge 1, restart it ------------------------------------------------
kill -KILL "${EDGE_PIDS[1]}"
wait "${EDGE_PIDS[1]}" 2>/dev/null || true
start_edge 1
wait_edge_playable 1 "$(scaled 2000)"
ok "edge 1, killed and restarted, served the broadcast again $EDGE_MS ms after it started"
play_from 2 8

# --- 4. the broker goes away and comes back ---------------------------------------
last_segment() { fetch "$(edge_url "$1")/live/cluster/src/index.m3u8" "$T/last$1" >/dev/null; last_uri "$T/last$1.body"; }
before=$(last_segment 2)
bash "$BROKER" down "$KDIR"
log "broker down"
sleep 4
bash "$BROKER" up "$KDIR"
log "broker up"
alive "$PUB_PID" || fail "the publisher was dropped while the broker was away: $(tail -3 "$T/pub.err")"
advanced() { local now; now=$(last_segment "$1"); [[ -n $now && $now != "$before" ]] && edge_playable "$1"; }
wait_until "$(scaled 20)" "edge 2's playlist to advance after the outage" advanced 2
wait_until "$(scaled 20)" "edge 1's playlist to advance after the outage" advanced 1
ok "the broadcast resumed on both edges after the outage"
dropped=$(HTTP_PORT=$INGEST_HTTP metric onair_bus_records_dropped_total)
(( dropped > 0 )) || fail "the ingest dropped nothing during a 4 s outage with a 1 s delivery timeout"
grep -q '"message":"media records lost' "$T/ingest.err" || fail "the ingest did not log the lost records"
edge_counted_gap() { local v; v=$(edge_metric "$1" onair_bus_gaps_total); [[ $v != missing ]] && (( v >= 1 )); }
wait_until "$(scaled 10)" "edge 2 to count the gap" edge_counted_gap 2
wait_until "$(scaled 10)" "edge 1 to count the gap" edge_counted_gap 1
gap_announced() {
  curl -sf -H "Authorization: Bearer $TOKEN" "$MGR/api/v1/events?limit=500" | grep -q '"broadcast.gap"'
}
wait_until "$(scaled 15)" "the manager to announce broadcast.gap" gap_announced
gap_on_kafka() { grep -q '"type":"broadcast.gap"' "$T/kcat-events.out"; }
wait_until "$(scaled 10)" "broadcast.gap on onair.events" gap_on_kafka
ok "outage: the ingest dropped $dropped records (logged), the edges counted the gap, the manager announced broadcast.gap"
alive "$MGR_PID" || fail "the manager died"

# --- the end ----------------------------------------------------------------------
stop_pid "$PUB_PID" TERM 5
ended_on_kafka() { grep -q '"type":"broadcast.ended"' "$T/kcat-events.out"; }
wait_until "$(scaled 10)" "broadcast.ended on onair.events" ended_on_kafka
for n in 1 2; do
  stop_pid "${EDGE_PIDS[$n]}" TERM "$(scaled 5)"
  [[ $STOP_RC -eq 0 ]] || fail "edge $n exited with $STOP_RC"
done
stop_pid "$INGEST_PID" TERM "$(scaled 5)"
[[ $STOP_RC -eq 0 ]] || fail "the ingest exited with $STOP_RC"
stop_pid "$MGR_PID" TERM "$(scaled 5)"
[[ $STOP_RC -eq 0 ]] || fail "the manager exited with $STOP_RC"
stop_pid "$KCAT_PID" TERM 2
for f in "$T"/*.err "$T"/*.out; do assert_no_secret "$KEY" "logs" "$f"; done
ONAIR_LOG=$T/edge2.err check_no_sanitizer_report
ONAIR_LOG=$T/ingest.err check_no_sanitizer_report
ok "all roles stopped cleanly; no stream key in any log"
bash "$BROKER" stop "$KDIR"
