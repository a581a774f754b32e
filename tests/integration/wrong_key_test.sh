#!/usr/bin/env bash
# A wrong stream key is refused (NetStream.Publish.BadName): ffmpeg exits
# non-zero showing the server's error, the refusal is logged with the client
# address but never the key, and nothing goes live. The right key then works.
source "$(dirname "$0")/lib.sh"

source_flv
create_channel wk1
GOOD=$CH_KEY
start_onair
BAD=sk_wrong$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')

publish_refused() {  # KEY LABEL
  local label=$2
  expect_publish_refused "$(rtmp_base)/$1" "$label"
  grep -qiE "BadName|invalid stream key|Server error" "$T/$label.err" ||
    fail "ffmpeg's stderr does not show the server's refusal: $(head -5 "$T/$label.err")"
  ok "$label refused in $REFUSED_MS ms, ffmpeg exit $REFUSED_RC: $(grep -m1 -iE 'BadName|invalid stream key|Server error' "$T/$label.err")"
}
publish_refused "$BAD" bad-key
publish_refused wk1 channel-name-as-key
publish_refused "${GOOD}x" key-with-suffix

wait_until 5 "3 refusals in /metrics" metric_is onair_publishes_refused_total 3
[[ $(metric onair_publishes_accepted_total) == 0 ]] || fail "a publish was accepted: $(metric onair_publishes_accepted_total)"
[[ $(metric onair_broadcasts_live) == 0 ]] || fail "onair_broadcasts_live = $(metric onair_broadcasts_live) after refusals"
code=$(fetch "$(hls_url wk1)" "$T/hls")
[[ $code == 404 ]] || fail "HLS of the refused channel answered $code"
set +e
python3 "$IT_DIR/rtmp_client.py" play --url "$(rtmp_base)/wk1" --seconds 1 --timeout 5 >"$T/play.json"
set -e
[[ $(cat "$T/play.json") == *StreamNotFound* ]] || fail "RTMP play of the refused channel: $(cat "$T/play.json")"
ok "nothing live: metrics, HLS 404, RTMP play StreamNotFound"

refusals=$(log_lines "publish refused")
[[ $(grep -c . <<<"$refusals") -eq 3 ]] || fail "expected 3 'publish refused' log lines, got: $refusals"
grep -q '"client.ip":"127.0.0.1"' <<<"$refusals" || fail "refusal log lines lack client.ip: $refusals"
ok "refusals logged: $(head -1 <<<"$refusals")"

# The right key is accepted (the refusals were about the key).
start_publisher pub "$(rtmp_base)/$GOOD"
wait_until "$(scaled 10)" "the good key to be accepted" metric_is onair_publishes_accepted_total 1
wait_playable wk1 15
ok "the right key goes live; HLS playable after ${PLAYABLE_MS} ms"
stop_pid "$PUB_PID" TERM 5
stop_onair TERM
assert_no_secret "$BAD" "the onair log" "$ONAIR_LOG"
assert_no_secret "$GOOD" "the onair log" "$ONAIR_LOG"
assert_no_secret "$BAD" "HTTP responses" "$T/hls.body"
