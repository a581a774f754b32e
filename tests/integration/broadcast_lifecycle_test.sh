#!/usr/bin/env bash
# Unexpected ends are detected within 5 s and announced with their reason:
#   1. the publisher is SIGKILLed (its TCP connection is reset/closed without
#      FCUnpublish): ended as "unexpected" at once;
#   2. a publisher that stays connected but sends nothing: "unexpected"
#      after rtmp.publish_media_timeout_ms (3 s);
#   3. the ingest node itself dies (an `onair serve` that verifies publishes
#      through a separate `onair manager` over the JSON hooks): the manager
#      ends the broadcast when its heartbeats stop.
# Also: publishing through the remote manager's hooks, and a refusal when
# the manager is down (fail-closed).
source "$(dirname "$0")/lib.sh"

TOKEN=oat_it_$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
export ONAIR_MANAGER_ADMIN_TOKEN=$TOKEN
source_flv
start_onair
create_api_channel() {  # NAME [BASE]: sets KEY
  local base=${2:-$(http_base)}
  KEY=$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data-binary "{\"name\":\"$1\"}" "$base/api/v1/channels" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stream_key"])') ||
    fail "cannot create channel $1"
}
live_id() {  # CHANNEL [BASE]: prints the live broadcast id, or fails
  curl -sf -H "Authorization: Bearer $TOKEN" "${2:-$(http_base)}/api/v1/channels/$1" |
    python3 -c 'import json,sys; b=json.load(sys.stdin)["broadcast"]; print(b["id"]) if b else sys.exit(1)'
}
end_reason() {  # ID [BASE]
  curl -sf -H "Authorization: Bearer $TOKEN" "${2:-$(http_base)}/api/v1/broadcasts/$1" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["end_reason"]; print(r or "")'
}
wait_ended() {  # ID REASON LIMIT_MS [BASE]: waits and checks how long it took since T_CUT
  local id=$1 reason=$2 limit=$3 base=${4:-$(http_base)} r
  wait_until "$(( limit / 1000 + 3 ))" "broadcast to end as $reason" bash -c "[[ -n \$(curl -sf -H 'Authorization: Bearer $TOKEN' '$base/api/v1/broadcasts/$id' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"end_reason\"] or \"\")') ]]"
  DETECT_MS=$(( $(now_ms) - T_CUT ))
  r=$(end_reason "$id" "$base")
  [[ $r == "$reason" ]] || fail "ended as '$r', expected '$reason'"
  (( DETECT_MS <= limit )) || fail "the end took $DETECT_MS ms to detect (limit $limit ms)"
}

# 1. SIGKILL the publisher.
create_api_channel killed
start_publisher pub "$(rtmp_base)/$KEY"
wait_until "$(scaled 10)" "killed to go live" live_id killed
ID=$(live_id killed)
T_CUT=$(now_ms); kill -KILL "$PUB_PID"
wait_ended "$ID" unexpected 5000
ok "SIGKILLed publisher: ended as unexpected after $DETECT_MS ms"

# 2. A publisher that stops sending media but keeps its connection: a
#    SIGSTOPped ffmpeg.
create_api_channel frozen
start_publisher pub2 "$(rtmp_base)/$KEY"
wait_until "$(scaled 10)" "frozen to go live" live_id frozen
ID=$(live_id frozen)
T_CUT=$(now_ms); kill -STOP "$PUB_PID"
wait_ended "$ID" unexpected "$(( 5000 * IT_SLOW ))"
kill -CONT "$PUB_PID" 2>/dev/null || true
ok "silent publisher: ended as unexpected after $DETECT_MS ms"
stop_pid "$PUB_PID" KILL 2

# 3. A separate manager; this serve becomes an ingest that asks it.
read -r _ MGR_PORT < <(free_ports)
bg manager "$ONAIR_BIN" manager --http-listen "127.0.0.1:$MGR_PORT" --data-dir "$T/manager-data"
MGR_PID=$BG_PID
MGR=http://127.0.0.1:$MGR_PORT
wait_until "$(scaled 10)" "the manager's /healthz" curl -sf -o /dev/null "$MGR/healthz"
create_api_channel remote "$MGR"
read -r ING_RTMP ING_HTTP < <(free_ports)
ONAIR_INGEST_MANAGER_URL=$MGR ONAIR_INGEST_MANAGER_TOKEN=$TOKEN ONAIR_NODE_ID=ingest-a \
  bg ingest "$ONAIR_BIN" serve --rtmp-listen "127.0.0.1:$ING_RTMP" --http-listen "127.0.0.1:$ING_HTTP" --data-dir "$T/ingest-data"
ING_PID=$BG_PID
wait_until "$(scaled 10)" "the ingest's /healthz" curl -sf -o /dev/null "http://127.0.0.1:$ING_HTTP/healthz"
start_publisher pub3 "rtmp://127.0.0.1:$ING_RTMP/live/$KEY"
wait_until "$(scaled 10)" "remote to go live on the manager" live_id remote "$MGR"
ID=$(live_id remote "$MGR")
node=$(curl -sf -H "Authorization: Bearer $TOKEN" "$MGR/api/v1/broadcasts/$ID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["node"])')
[[ $node == ingest-a ]] || fail "broadcast node is '$node', expected ingest-a"
curl -sf "http://127.0.0.1:$ING_HTTP/live/remote/index.m3u8" -o /dev/null --retry 20 --retry-delay 1 --retry-all-errors ||
  fail "the ingest does not serve HLS of the remotely verified channel"
ok "publish verified by the remote manager's hook; ingest node recorded as $node"
T_CUT=$(now_ms); kill -KILL "$ING_PID"
wait_ended "$ID" unexpected 5000 "$MGR"
ok "ingest node killed: the manager ended its broadcast as unexpected after $DETECT_MS ms"
stop_pid "$PUB_PID" KILL 2

# Fail-closed: an ingest whose manager is down refuses every publish.
stop_pid "$MGR_PID" TERM 5
ONAIR_INGEST_MANAGER_URL=$MGR ONAIR_INGEST_MANAGER_TOKEN=$TOKEN ONAIR_INGEST_HOOK_TIMEOUT_MS=1000 \
  bg ingest2 "$ONAIR_BIN" serve --rtmp-listen "127.0.0.1:$ING_RTMP" --http-listen "127.0.0.1:$ING_HTTP" --data-dir "$T/ingest-data"
wait_until "$(scaled 10)" "the second ingest's /healthz" curl -sf -o /dev/null "http://127.0.0.1:$ING_HTTP/healthz"
set +e
timeout "$(scaled 15)" ffmpeg -nostdin -hide_banner -v error -re -i "$SRC_FLV" -t 3 -c copy -f flv \
  "rtmp://127.0.0.1:$ING_RTMP/live/$KEY" 2>"$T/failclosed.err"
rc=$?
set -e
[[ $rc -ne 0 && $rc -ne 124 ]] || fail "publishing with the manager down was not refused (rc $rc)"
ok "manager down: publish refused (fail-closed), ffmpeg exit $rc"

stop_onair TERM
for f in "$T"/*.err "$ONAIR_LOG"; do assert_no_secret "$TOKEN" "logs" "$f"; done
for f in "$T"/manager.err "$T"/ingest.err "$ONAIR_LOG"; do assert_no_secret "$KEY" "logs" "$f"; done
