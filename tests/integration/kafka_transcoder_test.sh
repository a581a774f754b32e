#!/usr/bin/env bash
# Transcoders as a Kafka consumer group (over tools/kafka-test-broker):
# `onair manager`, `onair ingest`, two `onair transcoder`s and an
# `onair edge`.
#  1. The two transcoders share the media topic's partitions; the one that
#     owns the broadcast's partition makes its renditions, which reach the
#     edge over onair.renditions: the edge lists the source and both
#     renditions, keyframe-aligned.
#  2. The owner is killed (SIGKILL): the group moves the partition to the
#     other transcoder after its session timeout, which picks the broadcast
#     up at the next segment start; the edge's renditions advance again
#     within the session timeout (plus the mock's rebalance delay) plus one
#     segment.
source "$(dirname "$0")/lib.sh"

export ONAIR_HLS_SEGMENT_DURATION_MS=1000
export ONAIR_BUS_FETCH_WAIT_MS=10
# A short session: the test broker's group joins take the session timeout
# minus 1 s (tools/kafka-test-broker --help).
SESSION_MS=3000
export ONAIR_BUS_GROUP_SESSION_TIMEOUT_MS=$SESSION_MS
# The light 320x240 source (it fits the test broker): a ladder below it.
export ONAIR_TRANSCODE_LADDER='[{"name":"180p","height":180,"video_kbps":250},{"name":"120p","height":120,"video_kbps":120}]'
light_flv() { cached_source src-240p15-light 320x240 15 400k 15 64k; }

kafka_roles onair.media:4 onair.renditions:4 onair.events:1
kafka_channel abr

TC_PORTS=()
TC_PIDS=()
for n in 1 2; do
  read -r port _ < <(free_ports)
  TC_PORTS[$n]=$port
  bg "transcoder$n" "$ONAIR_BIN" transcoder --http-listen "127.0.0.1:$port" --data-dir "$T/tc$n-data" --bus "$BUS" \
    --node-id "transcoder-$n"
  TC_PIDS[$n]=$BG_PID
  wait_until "$(scaled 10)" "transcoder $n's /healthz" curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"
done
tc_metric() { HTTP_PORT=${TC_PORTS[$1]} metric "$2"; }

read -r EDGE_PORT _ < <(free_ports)
bg edge "$ONAIR_BIN" edge --http-listen "127.0.0.1:$EDGE_PORT" --data-dir "$T/edge-data" --bus "$BUS" --node-id edge-1
wait_until "$(scaled 10)" "the edge's /healthz" curl -sf -o /dev/null "http://127.0.0.1:$EDGE_PORT/healthz"
EDGE=http://127.0.0.1:$EDGE_PORT/live/abr

# --- 1. the group shares the partitions; renditions reach the edge -------------
split_partitions() {
  local a b
  a=$(tc_metric 1 onair_bus_group_partitions)
  b=$(tc_metric 2 onair_bus_group_partitions)
  [[ $a != missing && $b != missing ]] && (( a >= 1 && b >= 1 && a + b == 4 ))
}
wait_until "$(scaled 30)" "the two transcoders to share the 4 partitions" split_partitions
ok "the group: transcoder 1 holds $(tc_metric 1 onair_bus_group_partitions) partitions, transcoder 2 $(tc_metric 2 onair_bus_group_partitions)"

light_flv
start_publisher pub "rtmp://127.0.0.1:$RTMP_PORT/live/$KEY"
three_variants() { curl -sf --max-time 2 "$EDGE/index.m3u8" | grep -c '^#EXT-X-STREAM-INF' | grep -qx 3; }
wait_until "$(scaled 20)" "the edge to list src, 180p and 120p" three_variants
OWNER=""
for n in 1 2; do [[ $(tc_metric "$n" onair_transcode_broadcasts) == 1 ]] && OWNER=$n; done
[[ -n $OWNER ]] || fail "no transcoder reports the broadcast"
OTHER=$(( 3 - OWNER ))
[[ $(tc_metric "$OTHER" onair_transcode_broadcasts) == 0 ]] || fail "both transcoders transcode the broadcast"
ok "transcoder $OWNER transcodes the broadcast; transcoder $OTHER does not"

# Aligned across renditions, through Kafka.
seg_count() { curl -sf --max-time 2 "$EDGE/$1/index.m3u8" | grep -c '\.ts$' || true; }
wait_until "$(scaled 20)" "3 segments of 120p" bash -c "(( \$(curl -sf --max-time 2 '$EDGE/120p/index.m3u8' | grep -c '\\.ts\$') >= 3 ))"
seg=$(curl -sf "$EDGE/120p/index.m3u8" | grep '\.ts$' | tail -2 | head -1)
pts() { ffprobe -v error -select_streams v:0 -show_entries packet=pts -read_intervals '%+#1' -of csv=p=0 "$EDGE/$1/$seg"; }
[[ $(pts src) == "$(pts 180p)" && $(pts 180p) == "$(pts 120p)" ]] ||
  fail "$seg starts at $(pts src) in src, $(pts 180p) in 180p, $(pts 120p) in 120p"
ok "$seg starts at PTS $(pts src) in src, 180p and 120p"

# --- 2. kill the owner ---------------------------------------------------------
last_number() { curl -sf --max-time 2 "$EDGE/180p/index.m3u8" | grep '\.ts$' | tail -1 | sed -E 's/.*-([0-9]+)\.ts$/\1/'; }
before=$(last_number)
kill -KILL "${TC_PIDS[$OWNER]}"
wait "${TC_PIDS[$OWNER]}" 2>/dev/null || true
T0=$(now_ms)
log "transcoder $OWNER killed; 180p's last segment was $before"
taken_over() { [[ $(tc_metric "$OTHER" onair_transcode_broadcasts) == 1 ]]; }
wait_until "$(scaled 30)" "transcoder $OTHER to take the broadcast over" taken_over
TAKEN_MS=$(( $(now_ms) - T0 ))
# The renditions advance again: a segment the dead transcoder never made.
resumed() {
  local n
  n=$(last_number)
  [[ -n $n ]] && (( n > before + 1 ))
}
wait_until "$(scaled 30)" "180p to advance after the take-over" resumed
RESUMED_MS=$(( $(now_ms) - T0 ))
log "take-over after $TAKEN_MS ms (session timeout $SESSION_MS ms); 180p advancing again after $RESUMED_MS ms"
# session timeout + the mock's rebalance (session - 1 s) + one segment (1 s)
# + the segment's own packaging, with 2 s of slack.
limit=$(( SESSION_MS + (SESSION_MS - 1000) + 1000 + 2000 ))
(( RESUMED_MS <= $(scaled "$limit") )) || fail "the renditions resumed only after $RESUMED_MS ms (limit $(scaled "$limit") ms)"
jumps=$(HTTP_PORT=$EDGE_PORT metric onair_bus_rendition_jumps_total)
(( jumps >= 1 )) || fail "the edge did not see the renditions' numbering jump at the take-over"
ok "transcoder $OTHER took over in $TAKEN_MS ms; the renditions advanced again after $RESUMED_MS ms (limit $limit ms); the edge counted $jumps jumps"
three_variants || fail "the edge no longer lists 3 variants"
seg=$(curl -sf "$EDGE/180p/index.m3u8" | grep '\.ts$' | tail -1)
[[ $(pts src) == "$(pts 180p)" ]] || fail "after the take-over $seg starts at $(pts src) in src, $(pts 180p) in 180p"
ok "after the take-over, $seg is still aligned"
alive "$PUB_PID" || fail "the publisher ended"
