#!/usr/bin/env bash
# The manager's REST API as a client sees it, against a real `onair serve`:
# the token (401), the JSON error shape and status codes (400 malformed and
# wrong types, 404, 409, 413, 415), channels (create, list, get, update,
# rotate-key: the old key stops working), live stats while ffmpeg publishes,
# kick, broadcast history with end reasons, recordings (the origin's, deleted through it; and
# its errors), events, outgoing webhooks (signed, retried after a 500,
# delivery visible in the API), the OpenAPI document and the public channel
# view. ONAIR_IT_BACKEND=postgres runs it all on a real
# PostgreSQL (tests/support/postgres.sh) instead of SQLite.
source "$(dirname "$0")/lib.sh"

TOKEN=oat_it_$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
export ONAIR_MANAGER_ADMIN_TOKEN=$TOKEN
EXTRA=()
if [[ ${ONAIR_IT_BACKEND:-sqlite} == postgres ]]; then
  PG_URL=$("$ONAIR_SOURCE_DIR/tests/support/postgres.sh" start "$T/pg") || fail "cannot start PostgreSQL"
  # Stop the server, then report as lib.sh does with the test's own status.
  trap 'rc=$?; "$ONAIR_SOURCE_DIR/tests/support/postgres.sh" stop "$T/pg" >/dev/null 2>&1; (exit $rc); it_cleanup' EXIT
  EXTRA=(--database "$PG_URL")
  log "PostgreSQL at ${PG_URL%%@*}@..."
fi
start_onair "${EXTRA[@]}"

# api METHOD PATH [BODY] [TOKEN|-]: sets CODE and BODY ("-": no token).
api() {
  local method=$1 path=$2 body=${3:-} tok=${4:-$TOKEN} args=()
  [[ $tok != - ]] && args+=(-H "Authorization: Bearer $tok")
  [[ -n $body ]] && args+=(-H "Content-Type: application/json" --data-binary "$body")
  CODE=$(curl -sS --max-time 10 -X "$method" "${args[@]}" -o "$T/api.body" -w '%{http_code}' \
    "$(http_base)$path" 2>>"$T/curl.err" || echo 000)
  BODY=$(cat "$T/api.body")
}
expect() {  # STATUS [ERROR_CODE] DESCRIPTION
  local status=$1 code=$2 desc=$3
  [[ $CODE == "$status" ]] || fail "$desc: status $CODE, expected $status: $BODY"
  if [[ -n $code ]]; then
    [[ $(py "import json,sys; print(json.loads(sys.argv[1])['error']['code'])" "$BODY") == "$code" ]] ||
      fail "$desc: error code is not $code: $BODY"
  fi
}
py() { python3 -c "$@"; }
jget() { py "import json,sys; d=json.loads(sys.argv[1])
for k in sys.argv[2].split('.'):
    d = d[int(k)] if isinstance(d, list) else d[k]
print(json.dumps(d) if isinstance(d,(dict,list,bool)) or d is None else d)" "$1" "$2"; }

# --- the token ------------------------------------------------------------------
api GET /api/v1/channels "" -;            expect 401 unauthorized "no token"
grep -qi '^WWW-Authenticate: Bearer' <(curl -sS -D - -o /dev/null "$(http_base)/api/v1/channels") ||
  fail "401 without WWW-Authenticate: Bearer"
api GET /api/v1/channels "" "${TOKEN}x";  expect 401 unauthorized "wrong token"
api GET /api/v1/auth/check;               expect 200 "" "auth check"
ok "401 without or with a wrong token"

# --- creating channels and the error shape ----------------------------------------
api POST /api/v1/channels '{"name":"studio","title":"Studio A"}'; expect 201 "" "create"
KEY=$(jget "$BODY" stream_key)
[[ $KEY == sk_* && ${#KEY} -ge 40 ]] || fail "create returned no stream key"
[[ $(jget "$BODY" rtmp_url) == "rtmp://"*"/live" ]] || fail "rtmp_url: $(jget "$BODY" rtmp_url)"
[[ $(jget "$BODY" playback_url) == "http://"*"/live/studio/index.m3u8" ]] || fail "playback_url: $BODY"
[[ $(jget "$BODY" live) == false ]] || fail "a new channel is live"
api POST /api/v1/channels '{"name":"studio"}';            expect 409 conflict "duplicate name"
api POST /api/v1/channels '{"name":"stu'                   ; expect 400 invalid_json "malformed JSON"
api POST /api/v1/channels '{"name":42}';                  expect 400 invalid_argument "name of the wrong type"
api POST /api/v1/channels '{"name":"Bad Name!"}';         expect 400 invalid_argument "invalid name"
api POST /api/v1/channels '{"name":"x","colour":"red"}';  expect 400 invalid_argument "unknown field"
api POST /api/v1/channels '[1,2]';                        expect 400 invalid_argument "not an object"
CODE=$(curl -sS -o "$T/api.body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/plain' \
  --data-binary '{"name":"t"}' "$(http_base)/api/v1/channels"); BODY=$(cat "$T/api.body")
expect 415 unsupported_media_type "text/plain body"
head -c 200000 /dev/zero | tr '\0' 'a' > "$T/big.json"
CODE=$(curl -sS -o "$T/api.body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  --data-binary @"$T/big.json" "$(http_base)/api/v1/channels" || true)
[[ $CODE == 413 ]] || fail "oversized body: status $CODE"
api GET /api/v1/channels/nosuch;            expect 404 not_found "unknown channel"
api GET /api/v1/broadcasts/br_nosuch;       expect 404 not_found "unknown broadcast"
api GET /api/v1/webhooks/99999;             expect 404 not_found "unknown webhook"
api DELETE /api/v1/channels/nosuch;         expect 404 not_found "delete unknown"
api PUT /api/v1/channels/studio '{}';       expect 405 "" "PUT on a channel"
api GET "/api/v1/events?limit=abc";         expect 400 invalid_argument "non-numeric limit"
ok "error shape: 400 invalid_json/invalid_argument, 404, 405, 409, 413, 415"

api GET /api/v1/channels; expect 200 "" "list"
[[ $(jget "$BODY" channels.0.name) == studio && $(jget "$BODY" channels.0.title) == "Studio A" ]] || fail "list: $BODY"
api PATCH /api/v1/channels/studio '{"title":"Studio B"}'; expect 200 "" "update"
[[ $(jget "$BODY" title) == "Studio B" ]] || fail "update: $BODY"
api PATCH /api/v1/channels/studio '{"enabled":"yes"}'; expect 400 invalid_argument "enabled of the wrong type"
! grep -qF -- "$KEY" <<<"$(curl -sS -H "Authorization: Bearer $TOKEN" "$(http_base)/api/v1/channels")" ||
  fail "the stream key is in the channel list"
ok "list, get and update; the key is shown only by create"

# --- a channel's own ABR ladder --------------------------------------------------------
api GET /api/v1/channels/studio; expect 200 "" "get"
[[ $(jget "$BODY" ladder) == null ]] || fail "a new channel has a ladder: $BODY"
api PATCH /api/v1/channels/studio '{"ladder":[{"name":"360p","height":360,"video_kbps":700,"profile":"baseline"}]}'
expect 200 "" "set the ladder"
[[ $(jget "$BODY" ladder.0.name) == 360p && $(jget "$BODY" ladder.0.max_kbps) == 0 && $(jget "$BODY" ladder.0.profile) == baseline ]] ||
  fail "ladder not stored as given (normalized): $BODY"
api GET /api/v1/channels/studio; expect 200 "" "get with ladder"
[[ $(jget "$BODY" ladder.0.video_kbps) == 700 && $(jget "$BODY" title) == "Studio B" ]] || fail "get: $BODY"
api PATCH /api/v1/channels/studio '{"ladder":[{"name":"360p","height":361,"video_kbps":700}]}'
expect 400 invalid_argument "odd height"
grep -q 'rendition \\"360p\\": \\"height\\" must be even' <<<"$BODY" || fail "the error does not name the field: $BODY"
api PATCH /api/v1/channels/studio '{"ladder":{"name":"x"}}'; expect 400 invalid_argument "ladder not an array"
api PATCH /api/v1/channels/studio '{"ladder":[{"name":"a","height":240,"video_kbps":300,"bitrate":1}]}'
expect 400 invalid_argument "unknown rendition field"
api POST /api/v1/channels '{"name":"srconly","ladder":[]}'; expect 201 "" "create with the source alone"
[[ $(jget "$BODY" ladder) == "[]" ]] || fail "create with an empty ladder: $BODY"
# The publish hook hands it to the ingest.
SKEY=$(jget "$BODY" stream_key)
api POST /api/v1/hooks/publish "{\"app\":\"live\",\"stream_key\":\"$SKEY\",\"client_ip\":\"127.0.0.1\"}"
expect 200 "" "publish hook"
[[ $(jget "$BODY" allowed) == true && $(jget "$BODY" ladder) == "[]" ]] || fail "the hook's answer has no ladder: $BODY"
api POST /api/v1/hooks/unpublish "{\"broadcast_id\":\"$(jget "$BODY" broadcast_id)\",\"reason\":\"publisher_closed\"}"
api DELETE /api/v1/channels/srconly; expect 204 "" "delete"
api PATCH /api/v1/channels/studio '{"ladder":null}'; expect 200 "" "reset the ladder"
[[ $(jget "$BODY" ladder) == null ]] || fail "ladder not reset: $BODY"
ok "a channel's ladder: set (normalized), checked with the field named, reset; the publish hook carries it"

# --- a webhook that fails once, then accepts ------------------------------------------
SECRET=whsec_it_$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
python3 "$IT_DIR/webhook_receiver.py" --secret "$SECRET" --out "$T/hooks.jsonl" --fail-first 1 \
  >"$T/receiver.port" 2>"$T/receiver.err" &
IT_PIDS+=("$!")
wait_until 5 "the webhook receiver" test -s "$T/receiver.port"
RECV_PORT=$(cat "$T/receiver.port")
api POST /api/v1/webhooks "{\"url\":\"http://127.0.0.1:$RECV_PORT/onair\",\"secret\":\"$SECRET\",\"events\":[\"broadcast.started\",\"broadcast.ended\"]}"
expect 201 "" "create webhook"
HOOK_ID=$(jget "$BODY" id)
api GET /api/v1/webhooks; expect 200 "" "list webhooks"
! grep -qF -- "$SECRET" <<<"$BODY" || fail "webhook secret returned by the list"

# --- live: publish, stats, history --------------------------------------------------------
source_flv
start_publisher pub "$(rtmp_base)/$KEY"
live_stats() {
  api GET /api/v1/broadcasts/live
  [[ $CODE == 200 && $(jget "$BODY" broadcasts.0.channel 2>/dev/null) == studio ]] || return 1
  [[ $(jget "$BODY" broadcasts.0.stats.width 2>/dev/null) == 1280 ]]
}
wait_until "$(scaled 10)" "live stats of studio" live_stats
STATS=$BODY
py "import json,sys
b=json.loads(sys.argv[1])['broadcasts'][0]; s=b['stats']
assert s['height']==720 and s['video_codec'].startswith('avc1.64'), s
assert s['audio_codec']=='mp4a.40.2' and s['audio_sample_rate']==48000 and s['audio_channels']==2, s
assert 20 <= s['fps'] <= 40, s
assert 1000 <= s['video_kbps'] <= 6000, s
assert b['live'] and b['ended_at'] is None and b['id'].startswith('br_'), b" "$STATS" || fail "stats: $STATS"
BR1=$(jget "$STATS" broadcasts.0.id)
api GET /api/v1/channels/studio; [[ $(jget "$BODY" live) == true ]] || fail "channel not live: $BODY"
api GET /api/v1/public/channels/studio "" -; expect 200 "" "public channel view without a token"
[[ $(jget "$BODY" live) == true ]] || fail "public view: $BODY"
! grep -qF -- "$KEY" <<<"$BODY" || fail "key in the public view"
ok "live stats: $(py "import json,sys; s=json.loads(sys.argv[1])['broadcasts'][0]['stats']; print('%dx%d %.0f fps %.0f kbps %s %s' % (s['width'],s['height'],s['fps'],s['video_kbps'],s['video_codec'],s['audio_codec']))" "$STATS")"

# --- kick -------------------------------------------------------------------------------
api POST /api/v1/channels/studio/kick; expect 204 "" "kick"
wait_until "$(scaled 5)" "the kicked ffmpeg to exit" bash -c "! kill -0 $PUB_PID 2>/dev/null || [[ \$(awk '{print \$3}' /proc/$PUB_PID/stat) == Z ]]"
api GET "/api/v1/broadcasts/$BR1"; [[ $(jget "$BODY" end_reason) == kicked ]] || fail "kicked broadcast: $BODY"
api POST /api/v1/channels/studio/kick; expect 409 conflict "kick when not live"
ok "kick: publisher dropped, reason kicked"

# --- rotate the key: the old one stops working -----------------------------------------------
api POST /api/v1/channels/studio/rotate-key; expect 200 "" "rotate-key"
NEWKEY=$(jget "$BODY" stream_key)
[[ $NEWKEY != "$KEY" && $NEWKEY == sk_* ]] || fail "rotate-key returned no new key"
set +e
timeout "$(scaled 15)" ffmpeg -nostdin -hide_banner -v error -re -i "$SRC_FLV" -t 3 -c copy -f flv "$(rtmp_base)/$KEY" 2>"$T/oldkey.err"
rc=$?
set -e
[[ $rc -ne 0 && $rc -ne 124 ]] || fail "the old key still publishes (rc $rc)"
start_publisher pub2 "$(rtmp_base)/$NEWKEY"
wait_until "$(scaled 10)" "the new key to go live" live_stats
BR2=$(jget "$BODY" broadcasts.0.id)
stop_pid "$PUB_PID" TERM 5   # ffmpeg's own shutdown: FCUnpublish + deleteStream
ended_as() {
  api GET "/api/v1/broadcasts/$1"
  [[ $(jget "$BODY" end_reason 2>/dev/null) == "$2" ]]
}
wait_until "$(scaled 5)" "the second broadcast to end as publisher_closed" ended_as "$BR2" publisher_closed
ok "rotate-key: old key refused, new key live; ffmpeg's stop ends it as publisher_closed"

# --- history and events ---------------------------------------------------------------------
api GET "/api/v1/channels/studio/broadcasts"; expect 200 "" "history"
[[ $(jget "$BODY" broadcasts.0.id) == "$BR2" && $(jget "$BODY" broadcasts.1.id) == "$BR1" ]] ||
  fail "history is not newest first: $BODY"
api GET "/api/v1/channels/studio/broadcasts?limit=1"; [[ $(py "import json,sys; print(len(json.loads(sys.argv[1])['broadcasts']))" "$BODY") == 1 ]] || fail "limit=1: $BODY"
api GET "/api/v1/events"; expect 200 "" "events"
TYPES=$(py "import json,sys; print(' '.join(e['type'] for e in json.loads(sys.argv[1])['events']))" "$BODY")
[[ $TYPES == *"broadcast.started broadcast.ended publish.rejected broadcast.started broadcast.ended"* ]] ||
  fail "events: $TYPES"
! grep -qF -- "$KEY" <<<"$BODY" || fail "a key in the events"
ok "history newest first; events: $TYPES"

# --- webhooks: signed, retried, visible -----------------------------------------------------
delivered() {
  api GET "/api/v1/webhooks/$HOOK_ID/deliveries"
  py "import json,sys; d=json.loads(sys.argv[1])['deliveries']; sys.exit(0 if len(d)==4 and all(x['state']=='delivered' for x in d) else 1)" "$BODY"
}
wait_until "$(scaled 15)" "4 webhook deliveries (2 started + 2 ended) delivered" delivered
py "import json,sys; d=json.loads(sys.argv[1])['deliveries']; assert sum(x['attempts'] for x in d)==5, d" "$BODY" ||
  fail "expected one retry among the deliveries: $BODY"
py "
import json
lines=[json.loads(l) for l in open('$T/hooks.jsonl')]
assert len(lines)==5, lines
assert all(l['signature_ok'] for l in lines), lines
assert lines[0]['status']==500 and all(l['status']==204 for l in lines[1:]), lines
assert all(l['content_type']=='application/json' for l in lines)
assert [l['event'] for l in lines if l['status']==204].count('broadcast.ended')==2
ended=[l['body'] for l in lines if l['event']=='broadcast.ended']
assert {e['reason'] for e in ended}=={'kicked','publisher_closed'}, ended
" || fail "webhook deliveries: $(cat "$T/hooks.jsonl" | head -c 2000)"
assert_no_secret "$KEY" "webhook bodies" "$T/hooks.jsonl"
ok "webhooks: 5 signed attempts, the first answered 500 and retried, all 4 delivered"

# --- onair channel against this manager (--api/--token) -----------------------------------------
CLI=("$ONAIR_BIN" channel)
OUT=$("${CLI[@]}" create remote1 --api "$(http_base)" --token "$TOKEN" --json 2>"$T/cli-remote.err") ||
  fail "onair channel create --api failed: $(cat "$T/cli-remote.err")"
RKEY=$(jget "$OUT" stream_key)
[[ $RKEY == sk_* && $(jget "$OUT" name) == remote1 && $(jget "$OUT" rtmp_publish_url) == *"/live/$RKEY" ]] ||
  fail "create --api --json: $(sed "s/$RKEY/<KEY>/g" <<<"$OUT")"
"${CLI[@]}" list --api "$(http_base)" --token "$TOKEN" >"$T/cli-list.out" 2>>"$T/cli-remote.err" ||
  fail "onair channel list --api failed"
grep -q '^remote1	http://.*/live/remote1/index.m3u8	offline$' "$T/cli-list.out" || fail "list --api: $(cat "$T/cli-list.out")"
OUT=$("${CLI[@]}" rotate-key remote1 --api "$(http_base)" --token "$TOKEN" --json 2>>"$T/cli-remote.err") ||
  fail "rotate-key --api failed"
[[ $(jget "$OUT" stream_key) != "$RKEY" ]] || fail "rotate-key --api returned the old key"
set +e
"${CLI[@]}" delete remote1 --api "$(http_base)" --token "${TOKEN}x" >/dev/null 2>"$T/cli-badtoken.err"
rc=$?
set -e
[[ $rc -ne 0 ]] && grep -q "bearer token" "$T/cli-badtoken.err" || fail "a wrong --token was not refused clearly: $(cat "$T/cli-badtoken.err")"
! grep -qF -- "$TOKEN" "$T/cli-badtoken.err" || fail "the token is in the CLI's error"
"${CLI[@]}" delete remote1 --api "$(http_base)" --token "$TOKEN" >/dev/null 2>>"$T/cli-remote.err" || fail "delete --api failed"
api GET /api/v1/channels/remote1; expect 404 not_found "channel deleted through the CLI"
ok "onair channel create/list/rotate-key/delete --api --token, and a wrong token refused"

# --- recordings -----------------------------------------------------------------------------------
# The origin of `onair serve` recorded the broadcasts above: the catalog comes
# from its events over the in-process bus. A finished one is listed with its
# VOD and MP4 URLs; DELETE goes to the origin and back.
complete_recording() {
  api GET /api/v1/channels/studio/recordings
  [[ $CODE == 200 ]] || return 1
  REC_ID=$(py "import json,sys
d=json.loads(sys.argv[1]); done=[r for r in d['recordings'] if r['state']=='complete' and r['mp4_url']]
print(done[0]['id'] if done else '')" "$BODY")
  [[ -n $REC_ID ]]
}
wait_until "$(scaled 20)" "a complete recording of studio" complete_recording
py "import json,sys
d=json.loads(sys.argv[1]); r=[r for r in d['recordings'] if r['id']==sys.argv[2]][0]
assert d['retention'] == {'max_age_s': 2592000, 'max_bytes_per_channel': 0}, d['retention']
assert r['channel'] == 'studio' and r['duration_ms'] > 0 and r['bytes'] > 0 and r['segments'] > 0, r
assert r['vod_url'] == '/vod/%s/index.m3u8' % r['id'] and r['mp4_url'] == '/vod/%s/recording.mp4' % r['id'], r
assert r['started_at'] and r['ended_at'] and r['expires_at'], r
starts=[x['started_at'] for x in d['recordings']]; assert starts == sorted(starts, reverse=True), starts" "$BODY" "$REC_ID" ||
  fail "the recordings of studio: $BODY"
[[ $(curl -s -o /dev/null -w '%{http_code}' "$(http_base)/vod/$REC_ID/recording.mp4") == 200 ]] || fail "the listed MP4 is not served"
api GET "/api/v1/recordings/$REC_ID"; expect 200 "" "one recording"
api DELETE "/api/v1/recordings/$REC_ID"; expect 202 "" "delete a recording"
[[ $(jget "$BODY" state) == deleting ]] || fail "a deleted recording is not deleting: $BODY"
deleted() { api GET "/api/v1/recordings/$REC_ID"; [[ $(jget "$BODY" state) == deleted ]]; }
wait_until "$(scaled 10)" "the origin to delete $REC_ID" deleted
[[ $(curl -s -o /dev/null -w '%{http_code}' "$(http_base)/vod/$REC_ID/recording.mp4") == 404 ]] || fail "the deleted MP4 is still served"
api DELETE "/api/v1/recordings/$REC_ID"; expect 409 "" "delete a deleted recording"
api GET /api/v1/channels/studio/recordings
py "import json,sys; assert sys.argv[2] not in [r['id'] for r in json.loads(sys.argv[1])['recordings']]" "$BODY" "$REC_ID" ||
  fail "a deleted recording is still listed: $BODY"
api GET "/api/v1/channels/studio/recordings?include_deleted=true&limit=5"; expect 200 "" "recordings, deleted included"
api GET "/api/v1/channels/studio/recordings?include_deleted=perhaps"; expect 400 invalid_argument "include_deleted not a boolean"
api GET "/api/v1/channels/studio/recordings?limit=500";    expect 400 invalid_argument "recordings limit too large"
api GET /api/v1/channels/nosuch/recordings;                expect 404 not_found "recordings of an unknown channel"
api GET /api/v1/recordings/br_nosuch;                      expect 404 not_found "unknown recording"
api DELETE /api/v1/recordings/br_nosuch;                   expect 404 not_found "delete an unknown recording"
api PUT /api/v1/recordings/br_nosuch '{}';                 expect 405 "" "PUT on a recording"
api GET /api/v1/channels/studio/recordings "" -;           expect 401 unauthorized "recordings without a token"
api DELETE /api/v1/recordings/br_nosuch "" -;              expect 401 unauthorized "delete a recording without a token"
ok "recordings: the origin's recording $REC_ID listed with its URLs, served, deleted through the origin (202, deleted, 404, 409); 400, 401, 404, 405"

# --- the OpenAPI document, delete ---------------------------------------------------------------
api GET /api/v1/openapi.json "" -; expect 200 "" "openapi.json without a token"
py "import json,sys; d=json.loads(sys.argv[1]); assert d['openapi'].startswith('3.') and '/api/v1/channels' in d['paths']
assert 'delete' in d['paths']['/api/v1/recordings/{id}'] and 'Recording' in d['components']['schemas']" "$BODY" ||
  fail "openapi.json is not the OpenAPI document"
api DELETE /api/v1/channels/studio; expect 204 "" "delete"
api GET /api/v1/channels/studio; expect 404 not_found "deleted channel"
ok "OpenAPI served; channel deleted"

stop_onair TERM
assert_no_secret "$KEY" "the onair log" "$ONAIR_LOG"
assert_no_secret "$NEWKEY" "the onair log" "$ONAIR_LOG"
assert_no_secret "$TOKEN" "the onair log" "$ONAIR_LOG"
