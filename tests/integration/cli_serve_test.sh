#!/usr/bin/env bash
# The command line: a port already in use is a one-line error (no crash);
# `onair channel create|list|rotate-key|delete` work and a rotated or deleted
# key is refused while the server runs; SIGTERM and SIGINT with a publisher
# and players connected shut down cleanly (exit 0 within a few seconds).
source "$(dirname "$0")/lib.sh"

source_flv
mkdir -p "$DATA_DIR"

# --- port already in use ------------------------------------------------------
read -r BUSY FREE < <(free_ports)
bg holder python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); print("listening", flush=True); time.sleep(120)' "$BUSY"
HOLDER=$BG_PID
wait_until 5 "the port holder" grep -q listening "$T/holder.out"
for which in rtmp http; do
  if [[ $which == rtmp ]]; then args=(--rtmp-listen "127.0.0.1:$BUSY" --http-listen "127.0.0.1:$FREE")
  else args=(--rtmp-listen "127.0.0.1:$FREE" --http-listen "127.0.0.1:$BUSY"); fi
  set +e
  timeout "$(scaled 10)" "$ONAIR_BIN" serve "${args[@]}" --data-dir "$DATA_DIR" >"$T/busy.out" 2>"$T/busy-$which.err"
  rc=$?
  set -e
  [[ $rc -ne 124 ]] || fail "onair kept running with the $which port in use"
  (( rc != 0 && rc < 128 )) || fail "onair with the $which port in use exited $rc (expected a plain non-zero exit, not a signal/abort)"
  lines=$(grep -c . "$T/busy-$which.err" || true)
  [[ $lines -eq 1 ]] || { cat "$T/busy-$which.err"; fail "port in use: $lines lines on stderr, expected one"; }
  grep -qiE "in use|$BUSY" "$T/busy-$which.err" || fail "the error does not say what is wrong: $(cat "$T/busy-$which.err")"
  ok "$which port in use: exit $rc, '$(cat "$T/busy-$which.err")'"
done
stop_pid "$HOLDER" TERM 2

# --- channel commands ---------------------------------------------------------
onair_cli() { "$ONAIR_BIN" channel "$@" --data-dir "$DATA_DIR"; }
create_channel a1
A1_KEY=$CH_KEY
for f in name stream_key rtmp_url playback_url rtmp_publish_url rtmp_play_url; do
  json_field "$CH_JSON" "$f" >/dev/null 2>&1 || fail "channel create --json lacks '$f': $CH_JSON"
done
[[ $(json_field "$CH_JSON" name) == a1 ]] || fail "name: $CH_JSON"
[[ $(json_field "$CH_JSON" rtmp_publish_url) == "$(json_field "$CH_JSON" rtmp_url)/$A1_KEY" ]] || fail "rtmp_publish_url is not rtmp_url/key"
[[ $(json_field "$CH_JSON" playback_url) == http://*/live/a1/index.m3u8 ]] || fail "playback_url: $(json_field "$CH_JSON" playback_url)"
[[ $(json_field "$CH_JSON" rtmp_play_url) == rtmp://*/live/a1 ]] || fail "rtmp_play_url: $(json_field "$CH_JSON" rtmp_play_url)"
[[ $(json_field "$CH_JSON" playback_url) != *"$A1_KEY"* && $(json_field "$CH_JSON" rtmp_play_url) != *"$A1_KEY"* ]] ||
  fail "the key is in a playback URL"
ok "create --json: $(sed "s/$A1_KEY/<KEY>/g" <<<"$CH_JSON")"
onair_cli create b1 >"$T/b1.txt" 2>&1 || fail "create b1 failed: $(cat "$T/b1.txt")"
B1_KEY=$(awk '/Stream Key:/{print $3}' "$T/b1.txt")
[[ -n $B1_KEY && $B1_KEY != "$A1_KEY" ]] || fail "text create output has no distinct Stream Key line: $(cat "$T/b1.txt")"
set +e
onair_cli create a1 >"$T/dup.out" 2>"$T/dup.err"; rc_dup=$?
onair_cli create 'Bad Name!' >"$T/badname.out" 2>"$T/badname.err"; rc_bad=$?
onair_cli rotate-key nosuch >"$T/rot-nosuch.out" 2>"$T/rot-nosuch.err"; rc_rot=$?
set -e
(( rc_dup != 0 && rc_dup < 128 )) || fail "creating a1 twice exited $rc_dup"
(( rc_bad != 0 && rc_bad < 128 )) || fail "creating 'Bad Name!' exited $rc_bad"
(( rc_rot != 0 && rc_rot < 128 )) || fail "rotate-key of a missing channel exited $rc_rot"
ok "duplicate ($(head -1 "$T/dup.err")), bad name ($(head -1 "$T/badname.err")), missing channel refused"
onair_cli list --json >"$T/list.json" || fail "list --json failed"
python3 -c 'import json,sys; names=sorted(c["name"] for c in json.load(open(sys.argv[1]))); assert names==["a1","b1"], names' "$T/list.json" ||
  fail "list --json: $(cat "$T/list.json")"
onair_cli list >"$T/list.txt" || fail "list failed"
grep -q '^a1' "$T/list.txt" && grep -q '^b1' "$T/list.txt" || fail "list: $(cat "$T/list.txt")"
assert_no_secret "$A1_KEY" "channel list" "$T/list.json" "$T/list.txt"
assert_no_secret "$B1_KEY" "channel list" "$T/list.json" "$T/list.txt"
ok "list shows a1, b1 and no keys"

# --- keys while serving -------------------------------------------------------
start_onair
accepted=0
publish_ok() {  # KEY LABEL: accepted, then stopped
  start_publisher "pub-$2" "$(rtmp_base)/$1"
  accepted=$((accepted + 1))
  wait_until "$(scaled 10)" "publish with $2 to be accepted" metric_is onair_publishes_accepted_total "$accepted"
  alive "$PUB_PID" || fail "publisher with $2 ended: $(tail -3 "$T/pub-$2.err")"
  stop_pid "$PUB_PID" TERM 5
  ok "publish with $2 accepted"
}
refused=0
publish_refused() {  # KEY LABEL
  local rc
  set +e
  timeout "$(scaled 20)" ffmpeg -nostdin -hide_banner -v error -re -i "$SRC_FLV" -t 6 -c copy -f flv "$(rtmp_base)/$1" 2>"$T/ref-$2.err"
  rc=$?
  set -e
  refused=$((refused + 1))
  [[ $rc -ne 0 && $rc -ne 124 ]] || fail "publish with $2 exited $rc: not refused"
  wait_until 5 "refusal of $2 in /metrics" metric_is onair_publishes_refused_total "$refused"
  ok "publish with $2 refused: $(grep -m1 -iE 'BadName|invalid|error' "$T/ref-$2.err")"
}
publish_ok "$A1_KEY" a1-key
onair_cli rotate-key a1 --json >"$T/rot.json" 2>"$T/rot.err" || fail "rotate-key a1 failed: $(cat "$T/rot.err")"
A1_NEW=$(json_field "$(cat "$T/rot.json")" stream_key)
[[ -n $A1_NEW && $A1_NEW != "$A1_KEY" ]] || fail "rotate-key gave no new key: $(cat "$T/rot.json")"
publish_refused "$A1_KEY" a1-old-key
publish_ok "$A1_NEW" a1-new-key
publish_ok "$B1_KEY" b1-key
onair_cli delete b1 >"$T/del.out" 2>&1 || fail "delete b1 failed: $(cat "$T/del.out")"
onair_cli list --json >"$T/list2.json"
python3 -c 'import json,sys; names=[c["name"] for c in json.load(open(sys.argv[1]))]; assert names==["a1"], names' "$T/list2.json" ||
  fail "list after delete: $(cat "$T/list2.json")"
publish_refused "$B1_KEY" b1-deleted-key
ok "rotate-key and delete take effect on the running server"

# --- clean shutdown with a publisher and players connected -----------------------
shutdown_with_clients() {  # SIGNAL
  local sig=$1 t0 ms
  start_publisher "pub-$sig" "$(rtmp_base)/$A1_NEW"
  local pub=$PUB_PID
  wait_until "$(scaled 10)" "the publisher" metric_is onair_rtmp_publishers 1
  wait_until 15 "a live (not ended) HLS playlist" live_playable a1
  bg "rtmpplay-$sig" python3 "$IT_DIR/rtmp_client.py" play --url "$(rtmp_base)/a1" --seconds 60 --timeout 10
  local p1=$BG_PID
  bg "hlsread-$sig" ffmpeg -nostdin -hide_banner -v error -i "$(hls_url a1)" -f null -
  local p2=$BG_PID
  wait_until "$(scaled 10)" "an RTMP player" metric_is onair_rtmp_players 1
  wait_until "$(scaled 10)" "an HTTP reader" metric_ge onair_http_connections 1
  t0=$(now_ms)
  stop_onair "$sig"
  ms=$(( $(now_ms) - t0 ))
  ok "SIG$sig with a publisher, an RTMP player and an HLS reader: exit 0 after $ms ms"
  grep -q '"message":"stopped"' "$ONAIR_LOG" || fail "no 'stopped' log line after SIG$sig"
  wait_pid "$pub" 10
  [[ $STOP_RC -ne 999 ]] || fail "the publisher was still running 10 s after onair stopped"
  wait_pid "$p1" 10
  [[ $STOP_RC -ne 999 ]] || fail "the RTMP player was still running 10 s after onair stopped"
  stop_pid "$p2" TERM 5
}
shutdown_with_clients TERM
mv "$ONAIR_LOG" "$T/onair-term.log"
start_onair
shutdown_with_clients INT
cat "$T/onair-term.log" >>"$ONAIR_LOG"
assert_no_secret "$A1_KEY" "the onair log" "$ONAIR_LOG"
assert_no_secret "$A1_NEW" "the onair log" "$ONAIR_LOG"
assert_no_secret "$B1_KEY" "the onair log" "$ONAIR_LOG"
