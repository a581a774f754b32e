#!/usr/bin/env bash
# RTMP playback: rtmpdump and ffmpeg both play the live channel; the dump is
# H.264 + AAC; a new player gets a keyframe at once (GOP cache), so start-up
# does not wait for the publisher's next keyframe (2 s GOP here).
source "$(dirname "$0")/lib.sh"

source_flv
create_channel play1
start_onair
PLAY_URL=$(rtmp_base)/play1
start_publisher pub "$(rtmp_base)/$CH_KEY"
wait_playable play1 15   # at least one whole GOP has gone through the server

# --- start-up: three players at random phases of the 2 s GOP ---------------
limit=500; (( IT_SLOW > 1 )) && limit=900
for i in 1 2 3; do
  python3 "$IT_DIR/rtmp_client.py" play --url "$PLAY_URL" --until-keyframe --seconds 5 --timeout "$(scaled 10)" \
    >"$T/start-$i.json" 2>"$T/start-$i.err" || fail "RTMP player $i failed: $(cat "$T/start-$i.json" "$T/start-$i.err")"
  R=$(cat "$T/start-$i.json")
  kf=$(json_field "$R" first_keyframe_ms)
  log "player $i: play start $(json_field "$R" play_start_ms) ms, first keyframe $kf ms, first audio $(json_field "$R" first_audio_ms) ms"
  [[ $(json_field "$R" first_frame_is_keyframe) == true ]] || fail "player $i: the first video frame is not a keyframe"
  [[ $(json_field "$R" config_before_first_frame) == true ]] || fail "player $i: no AVC sequence header before the first frame"
  [[ $(json_field "$R" video_codec) == 7 && $(json_field "$R" audio_codec) == 10 ]] ||
    fail "player $i: codecs video $(json_field "$R" video_codec) audio $(json_field "$R" audio_codec), expected 7 (AVC) and 10 (AAC)"
  awk -v k="$kf" -v l="$limit" 'BEGIN{exit !(k <= l)}' ||
    fail "player $i waited $kf ms for a keyframe (> $limit ms): no GOP cache?"
  sleep 0.$((RANDOM % 9 + 1))
done
ok "3 RTMP players got a keyframe within $limit ms of connecting"

# --- rtmpdump and ffmpeg at the same time -------------------------------------
bg rtmpdump timeout -s INT 7 rtmpdump -v -r "$PLAY_URL" -o "$T/dump.flv"
DUMP=$BG_PID
t0=$(now_ms)
bg ffplay ffmpeg -nostdin -hide_banner -v error -i "$PLAY_URL" -t 5 -f null -
FF=$BG_PID
wait_until "$(scaled 10)" "2 RTMP players in /metrics" metric_is onair_rtmp_players 2
wait_pid "$FF" "$(scaled 30)"
ff_ms=$(( $(now_ms) - t0 ))
[[ $STOP_RC -eq 0 ]] || fail "ffmpeg playing RTMP exited $STOP_RC: $(head -5 "$T/ffplay.err")"
[[ ! -s $T/ffplay.err ]] || fail "ffmpeg playing RTMP printed errors: $(head -5 "$T/ffplay.err")"
ok "ffmpeg -v error played 5 s of RTMP in $ff_ms ms without a message"
(( ff_ms <= $(scaled 12) * 1000 )) || fail "ffmpeg took $ff_ms ms to play 5 s"
wait_pid "$DUMP" 20
grep -E "StreamNotFound|Play.Failed|Connect.Rejected|Failed to connect" "$T/rtmpdump.err" &&
  fail "rtmpdump was refused"
[[ -s $T/dump.flv ]] || fail "rtmpdump wrote nothing: $(tail -3 "$T/rtmpdump.err")"
si=$(stream_info "$T/dump.flv")
[[ $si == *"video=h264/High/1280x720"* && $si == *"audio=aac/LC/48000"* ]] ||
  fail "rtmpdump output is not H.264 High + AAC: '$si' $(cat "$T/ffprobe.err")"
ffprobe -v error -show_entries packet=codec_type,dts_time -of csv=p=0 "$T/dump.flv" >"$T/dump.csv" 2>"$T/dump.csv.err"
node "$IT_DIR/check_dts.mjs" --min-span 4 <"$T/dump.csv" >"$T/dump.json" || fail "rtmpdump output: $(cat "$T/dump.json")"
ok "rtmpdump: $si $(cat "$T/dump.json")"

# --- a channel that is not live is refused ------------------------------------
set +e
python3 "$IT_DIR/rtmp_client.py" play --url "$(rtmp_base)/nosuch" --seconds 2 --timeout 5 >"$T/nosuch.json"
rc=$?
set -e
[[ $rc -ne 0 && $(cat "$T/nosuch.json") == *StreamNotFound* ]] || fail "play of a channel that is not live: $(cat "$T/nosuch.json")"
ok "play of an unknown channel refused: $(json_field "$(cat "$T/nosuch.json")" status)"

alive "$PUB_PID" || fail "publisher ended early: $(tail -3 "$T/pub.err")"
stop_pid "$PUB_PID" TERM 5
stop_onair TERM
