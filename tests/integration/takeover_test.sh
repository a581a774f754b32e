#!/usr/bin/env bash
# Takeover: publisher A is live; B connects with the same key while A still
# runs. B takes over at once (A's ffmpeg ends), the media playlist continues
# its media sequence behind an EXT-X-DISCONTINUITY, and HLS readers (ffmpeg
# reading the live HLS, and a poller fetching every listed segment) see no
# error across the switch.
source "$(dirname "$0")/lib.sh"

source_flv
create_channel tk1
start_onair
MEDIA=$(http_base)/live/tk1/src/index.m3u8
start_publisher pubA "$(rtmp_base)/$CH_KEY"
A=$PUB_PID
wait_playable tk1 15
ok "A live; HLS playable after ${PLAYABLE_MS} ms"

bg reader ffmpeg -nostdin -hide_banner -v error -i "$(hls_url tk1)" -t 20 -f null -
READER=$BG_PID
reader_t0=$(now_ms)
continuity_reader ccread "$(hls_url tk1)" 20
CCREAD=$BG_PID

# poll_segments: fetch the media playlist, check it, and download every newly
# listed segment (each must be a 200 with MPEG-TS). Sets SEQ, DISC, LASTSEG.
declare -A FETCHED=()
FETCHES=0
poll_segments() {
  local code j u
  code=$(fetch "$MEDIA" "$T/pl")
  [[ $code == 200 ]] || fail "media playlist answered $code"
  hls_check "$T/pl.body"
  node "$IT_DIR/check_playlist.mjs" media "$T/pl.body" --window 6 --prev-seq "${SEQ:-0}" >"$T/pl.json" ||
    { cat "$T/pl.body"; fail "media playlist: $(cat "$T/pl.json")"; }
  j=$(cat "$T/pl.json")
  SEQ=$(json_field "$j" media_sequence)
  DISC=$(json_field "$j" discontinuities)
  LASTSEG=$(json_field "$j" last_uri)
  for u in $(grep -v '^#' "$T/pl.body" | tr -d '\r'); do
    [[ -n ${FETCHED[$u]:-} ]] && continue
    code=$(fetch "${MEDIA%/*}/$u" "$T/s")
    [[ $code == 200 ]] || fail "listed segment $u answered $code"
    [[ $(head -c1 "$T/s.body" | od -An -tx1 | tr -d ' ') == 47 ]] || fail "segment $u is not MPEG-TS"
    FETCHED[$u]=1
    FETCHES=$((FETCHES + 1))
  done
}
poll_segments
[[ $DISC == 0 ]] || fail "playlist has $DISC discontinuities before the takeover"
# Let the reader get going on A's stream, polling meanwhile.
end=$(( $(now_ms) + 4000 ))
while (( $(now_ms) < end )); do poll_segments; sleep 0.3; done
alive "$READER" || fail "HLS reader ended before the takeover: $(head -5 "$T/reader.err")"
alive "$A" || fail "publisher A ended early: $(tail -3 "$T/pubA.err")"
seq_before=$SEQ
last_before=${LASTSEG%.ts}
prefix_before=${last_before%-*}
last_before=${last_before##*-}

# --- B takes over ---------------------------------------------------------
tB=$(now_ms)
start_publisher pubB "$(rtmp_base)/$CH_KEY"
B=$PUB_PID
wait_pid "$A" "$(scaled 5)"
a_ms=$(( $(now_ms) - tB ))
[[ $STOP_RC -ne 999 ]] || fail "publisher A still running $(scaled 5) s after B connected"
(( a_ms <= 3000 * IT_SLOW )) || fail "A ended only $a_ms ms after B connected"
ok "A's ffmpeg ended $a_ms ms after B connected (exit $STOP_RC: $(head -c 200 "$T/pubA.err" | tr '\n' ' ' | redact))"
wait_until 5 "a takeover in /metrics" metric_is onair_publish_takeovers_total 1
[[ $(metric onair_rtmp_publishers) == 1 ]] || fail "onair_rtmp_publishers = $(metric onair_rtmp_publishers) after the takeover"
[[ $(metric onair_broadcasts_live) == 1 ]] || fail "onair_broadcasts_live = $(metric onair_broadcasts_live) after the takeover"
[[ -n $(log_lines "publisher taken over by a new session") ]] || fail "no takeover log line"

# The playlist continues: a discontinuity, numbers going on from A's.
end=$(( $(now_ms) + 15000 * IT_SLOW ))
while (( $(now_ms) < end )); do
  poll_segments
  (( DISC >= 1 )) && break
  sleep 0.3
done
(( DISC >= 1 )) || { cat "$T/pl.body"; fail "no EXT-X-DISCONTINUITY within 15 s of the takeover"; }
disc_ms=$(( $(now_ms) - tB ))
cp "$T/pl.body" "$T/after.m3u8"
disc_uri=$(grep -A3 '^#EXT-X-DISCONTINUITY$' "$T/after.m3u8" | grep -v '^#' | head -1 | tr -d '\r')
disc_name=${disc_uri%.ts}
[[ ${disc_name%-*} == "$prefix_before" ]] || fail "the takeover started a new broadcast ($disc_uri after $prefix_before-...): it must continue the same one"
(( ${disc_name##*-} > last_before )) || fail "the segment after the discontinuity ($disc_uri) does not follow A's last ($last_before.ts)"
(( SEQ >= seq_before )) || fail "media sequence went back: $seq_before -> $SEQ"
ok "EXT-X-DISCONTINUITY before $disc_uri ${disc_ms} ms after the takeover; media sequence $seq_before -> $SEQ"
si=$(stream_info "${MEDIA%/*}/$disc_uri")
[[ $si == *"video=h264/High/1280x720"* && $si == *"audio=aac/"* ]] || fail "$disc_uri streams: '$si' $(cat "$T/ffprobe.err")"
disc_seen=$(now_ms)

# Keep polling while the reader goes on through B's segments.
while alive "$READER" && (( $(now_ms) < disc_seen + 30000 )); do poll_segments; sleep 0.3; done
wait_pid "$READER" 30
reader_end=$(now_ms)
[[ $STOP_RC -eq 0 ]] || fail "ffmpeg reading the HLS across the takeover exited $STOP_RC: $(head -5 "$T/reader.err")"
[[ ! -s $T/reader.err ]] || fail "ffmpeg reading the HLS across the takeover printed: $(head -5 "$T/reader.err")"
(( reader_end >= disc_seen + 2000 )) || fail "reader ended $(( reader_end - disc_seen )) ms after the discontinuity was listed: did it read across?"
ok "ffmpeg read the HLS for $(( (reader_end - reader_t0) / 1000 )) s across the takeover without a message; poller fetched $FETCHES segments"
wait_pid "$CCREAD" 30
[[ $STOP_RC -eq 0 ]] || fail "ffmpeg -v debug reading the HLS across the takeover exited $STOP_RC: $(tail -3 "$T/ccread.err")"
check_continuity ccread
ok "ffmpeg -v debug across the takeover: no continuity failure, no corrupt packet ($(grep -cE 'Opening .*\.ts' "$T/ccread.err") segments)"
alive "$B" || fail "publisher B ended: $(tail -3 "$T/pubB.err")"
stop_pid "$B" TERM 5
stop_onair TERM
assert_no_secret "$CH_KEY" "the onair log" "$ONAIR_LOG"
