#!/usr/bin/env bash
# The origin over Kafka (tools/kafka-test-broker): `onair manager`,
# `onair ingest` and `onair origin` as separate processes.
#  1. ffmpeg publishes 14 s (a local copy of exactly what it sent is kept).
#  2. Mid-broadcast the origin is killed (SIGKILL) and started again on the
#     same directory: it resumes from the group's committed offsets.
#  3. The finalized recording holds every published video frame exactly
#     once, with the published timestamps: no gap, no duplicate, no
#     discontinuity.
source "$(dirname "$0")/lib.sh"

export ONAIR_HLS_SEGMENT_DURATION_MS=1000
export ONAIR_BUS_FETCH_WAIT_MS=10
export ONAIR_BUS_GROUP_SESSION_TIMEOUT_MS=3000
cached_source src-240p30-origin 320x240 30 500k 30 64k

kafka_roles onair.media:4 onair.renditions:4 onair.events:1
kafka_channel rec

read -r ORIGIN_PORT _ < <(free_ports)
HTTP_PORT=$ORIGIN_PORT
start_origin() {
  bg "origin$1" "$ONAIR_BIN" origin --http-listen "127.0.0.1:$ORIGIN_PORT" --data-dir "$T/origin-data" --bus "$BUS" \
    --node-id origin-1
  ORIGIN_PID=$BG_PID
  ORIGIN_LOG=$T/origin$1.err
  wait_until "$(scaled 10)" "the origin's /healthz" curl -sf -o /dev/null "http://127.0.0.1:$ORIGIN_PORT/healthz"
  wait_until "$(scaled 20)" "the origin to hold the 4 partitions" metric_is onair_bus_group_partitions 4
}
start_origin 1

# --- 1. publish, keeping a copy of what was sent --------------------------------
bg pub ffmpeg -nostdin -hide_banner -v error -re -i "$SRC_FLV" -t 14 -map 0 -c copy \
  -f tee "[f=flv]rtmp://127.0.0.1:$RTMP_PORT/live/$KEY|[f=flv]$T/published.flv"
PUB_PID=$BG_PID
wait_until "$(scaled 15)" "the origin to begin recording" bash -c "grep -q '\"message\":\"recording\"' '$ORIGIN_LOG'"
ID=$(grep '"message":"recording"' "$ORIGIN_LOG" | tail -1 | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["onair.recording.id"])')
REC=$T/origin-data/recordings/$ID

# --- 2. kill the origin mid-broadcast, start it again ------------------------------
wait_until "$(scaled 15)" "4 fragments on disk" bash -c "[[ -s '$REC/segments.jsonl' && \$(wc -l < '$REC/segments.jsonl') -ge 4 ]]"
sleep 0.5  # into the next fragment: its records are read but not on disk
kill -KILL "$ORIGIN_PID"
wait "$ORIGIN_PID" 2>/dev/null || true
BEFORE=$(wc -l < "$REC/segments.jsonl")
log "origin killed with $BEFORE fragments on disk"
sleep 1
start_origin 2
grep -q '"message":"recording resumed"' "$ORIGIN_LOG" || fail "the restarted origin did not resume the recording"
ok "the restarted origin resumed recording $ID ($BEFORE fragments were on disk)"

# --- 3. the recording: every frame once ------------------------------------------
wait_pid "$PUB_PID" "$(scaled 30)" || fail "the publisher did not finish"
finalized() { [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ORIGIN_PORT/vod/$ID/recording.mp4") == 200 ]]; }
wait_until "$(scaled 20)" "the recording to be finalized" finalized
curl -sf -o "$T/rec.mp4" "http://127.0.0.1:$ORIGIN_PORT/vod/$ID/recording.mp4"
pts_ms() {
  ffprobe -v error -select_streams "$2" -show_entries packet=pts_time -of csv=p=0 "$1" | sort -g |
    awk 'NR==1{f=$1} {printf "%d\n", ($1-f)*1000 + 0.5}'
}
pts_ms "$T/rec.mp4" v:0 >"$T/rec.v"
pts_ms "$T/published.flv" v:0 >"$T/pub.v"
REC_FRAMES=$(wc -l < "$T/rec.v")
PUB_FRAMES=$(wc -l < "$T/pub.v")
[[ $REC_FRAMES == "$PUB_FRAMES" ]] || fail "the recording has $REC_FRAMES video frames, $PUB_FRAMES were published"
[[ $(sort -u "$T/rec.v" | wc -l) == "$REC_FRAMES" ]] || fail "a frame is in the recording twice"
paste "$T/rec.v" "$T/pub.v" | awk '{d=$1-$2; if (d<-1||d>1) bad++} END{exit bad?1:0}' ||
  fail "timestamps differ: $(paste "$T/rec.v" "$T/pub.v" | awk '$1!=$2' | head -3 | tr '\n' ' ')"
pts_ms "$T/rec.mp4" a:0 >"$T/rec.a"
pts_ms "$T/published.flv" a:0 >"$T/pub.a"
[[ $(wc -l < "$T/rec.a") == $(wc -l < "$T/pub.a") ]] ||
  fail "the recording has $(wc -l < "$T/rec.a") audio frames, $(wc -l < "$T/pub.a") were published"
curl -sf "http://127.0.0.1:$ORIGIN_PORT/vod/$ID/index.m3u8" >"$T/vod.m3u8"
hls_check "$T/vod.m3u8"
! grep -q '^#EXT-X-DISCONTINUITY' "$T/vod.m3u8" || fail "the VOD playlist has a discontinuity"
ffmpeg -nostdin -v error -i "$T/rec.mp4" -f null - 2>"$T/decode.err" && [[ ! -s $T/decode.err ]] ||
  fail "the recording does not decode cleanly: $(head -3 "$T/decode.err")"
ok "recording $ID: $REC_FRAMES/$PUB_FRAMES video and $(wc -l < "$T/rec.a") audio frames, each once, timestamps as published, no discontinuity"
stop_pid "$ORIGIN_PID" TERM 5
[[ $STOP_RC -eq 0 ]] || fail "the origin exited with $STOP_RC"
