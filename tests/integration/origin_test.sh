#!/usr/bin/env bash
# The origin inside `onair serve`: every broadcast recorded at full quality
# and served back as VOD.
#  1. ffmpeg publishes 8 s and leaves: the recording is finalized. ffprobe
#     reads the MP4 as complete (moov before mdat), every published video
#     frame is in it with its timestamp, its duration is within one frame of
#     what was published, it decodes without an error; Range requests get
#     the right bytes; hls.js plays the VOD playlist and seeks in it.
#  2. The publisher is killed (SIGKILL) mid-broadcast: its recording is
#     finalized once the broadcast ends.
#  3. The whole process is killed (SIGKILL) mid-broadcast: restarted, it
#     finds the recording, finalizes what reached the disk (all but the
#     segment in flight) once the log stays silent, and serves it.
#  4. Disk full (a 320 KiB tmpfs as origin.dir): the recording fails with a
#     clear log line and onair_origin_write_errors_total, and the live
#     broadcast keeps playing.
source "$(dirname "$0")/lib.sh"

export ONAIR_HLS_SEGMENT_DURATION_MS=1000
export ONAIR_RTMP_REPUBLISH_GRACE_MS=1000
export ONAIR_ORIGIN_IDLE_FINALIZE_MS=2000
PLAYER=$ONAIR_SOURCE_DIR/tests/browser/play_hls.mjs
cached_source src-240p30-origin 320x240 30 500k 30 64k
FPS=30

# recording_id: the id the origin logged for the latest recording it began.
recording_id() { log_lines recording | tail -1 | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["onair.recording.id"])'; }
vod() { echo "$(http_base)/vod/$1/$2"; }
finalized() { [[ $(curl -s -o /dev/null -w '%{http_code}' "$(vod "$1" recording.mp4)") == 200 ]]; }
probe() { ffprobe -v error -select_streams v:0 -count_packets -show_entries "stream=nb_read_packets,duration:format=duration" -of json "$1"; }

create_channel web
start_onair

# --- 1. a whole broadcast: the MP4 and the VOD --------------------------------
SECONDS_PUBLISHED=8
# What was published, exactly: the same packets go to a local copy (tee).
ffmpeg -nostdin -hide_banner -v error -re -i "$SRC_FLV" -t $SECONDS_PUBLISHED -map 0 -c copy \
  -f tee "[f=flv]$(rtmp_base)/$CH_KEY|[f=flv]$T/published.flv" || fail "ffmpeg publish failed"
ID=$(recording_id)
[[ -n $ID ]] || fail "no recording began"
wait_until "$(scaled 15)" "recording $ID to be finalized" finalized "$ID"
curl -sf -o "$T/rec.mp4" "$(vod "$ID" recording.mp4)" || fail "cannot download the MP4"
python3 - "$T/rec.mp4" <<'PY' || fail "the MP4's moov is not in front"
import struct, sys
b = open(sys.argv[1], 'rb').read(1 << 16)
types, at = [], 0
while at + 8 <= len(b) and len(types) < 3:
    size, kind = struct.unpack('>I4s', b[at:at + 8]); types.append(kind.decode()); at += size
sys.exit(0 if types[:2] == ['ftyp', 'moov'] else 1)
PY
P=$(probe "$T/rec.mp4")
FRAMES=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["streams"][0]["nb_read_packets"])' "$P")
DUR=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["streams"][0]["duration"])' "$P")
PUBLISHED=$(ffprobe -v error -select_streams v:0 -show_entries packet=pts_time -of csv=p=0 "$T/published.flv" | grep -c .)
[[ $FRAMES == "$PUBLISHED" ]] || fail "the MP4 has $FRAMES video frames, $PUBLISHED were published"
python3 -c "import sys; d=float(sys.argv[1]); e=$PUBLISHED/$FPS; sys.exit(0 if abs(d-e) <= 1/$FPS + 1e-6 else 1)" "$DUR" ||
  fail "the MP4 lasts $DUR s, $PUBLISHED frames at $FPS fps are $(python3 -c "print($PUBLISHED/$FPS)") s"
# Every frame's presentation time, against the published ones (ms, from the first).
ffprobe -v error -select_streams v:0 -show_entries packet=pts_time -of csv=p=0 "$T/rec.mp4" | sort -g |
  awk 'NR==1{f=$1} {printf "%d\n", ($1-f)*1000 + 0.5}' >"$T/rec.pts"
ffprobe -v error -select_streams v:0 -show_entries packet=pts_time -of csv=p=0 "$T/published.flv" | sort -g |
  awk 'NR==1{f=$1} {printf "%d\n", ($1-f)*1000 + 0.5}' >"$T/src.pts"
paste "$T/rec.pts" "$T/src.pts" | awk '{d=$1-$2; if (d<-1||d>1) bad++} END{exit bad?1:0}' ||
  fail "presentation times differ from the published ones: $(paste "$T/rec.pts" "$T/src.pts" | awk '$1!=$2' | head -3 | tr '\n' ' ')"
ffmpeg -nostdin -v error -i "$T/rec.mp4" -f null - 2>"$T/decode.err" || fail "the MP4 does not decode"
[[ ! -s $T/decode.err ]] || fail "decode errors: $(head -3 "$T/decode.err")"
ok "MP4: moov first, $FRAMES/$PUBLISHED frames with their timestamps, $DUR s, decodes cleanly"

SIZE=$(stat -c %s "$T/rec.mp4")
[[ $(curl -s -r 1000-1999 -o "$T/range.bin" -w '%{http_code}' "$(vod "$ID" recording.mp4)") == 206 ]] || fail "no 206 for a Range"
cmp -s "$T/range.bin" <(tail -c +1001 "$T/rec.mp4" | head -c 1000) || fail "the range's bytes differ"
[[ $(curl -s -r "$SIZE"- -o /dev/null -w '%{http_code}' "$(vod "$ID" recording.mp4)") == 416 ]] || fail "no 416 past the end"
ok "Range: 206 with the right bytes, 416 past the end ($SIZE bytes)"

[[ $(fetch "$(vod "$ID" index.m3u8)" "$T/vod") == 200 ]] || fail "no VOD playlist"
hls_check "$T/vod.body"
grep -q '^#EXT-X-PLAYLIST-TYPE:VOD' "$T/vod.body" && grep -q '^#EXT-X-ENDLIST' "$T/vod.body" &&
  grep -q '^#EXT-X-MAP:URI="init-1.mp4"' "$T/vod.body" || fail "not a fMP4 VOD playlist: $(head -12 "$T/vod.body")"
set +e
node "$PLAYER" --url "$(vod "$ID" index.m3u8)" --seconds 4 --seek 5 --min-advance 0.8 --startup-timeout "$(scaled 15)" \
  >"$T/player.json" 2>"$T/player.err"
rc=$?
set -e
R=$(cat "$T/player.json")
[[ $rc -eq 0 ]] || fail "hls.js VOD playback failed: $R"
ok "hls.js: VOD played, first frame $(json_field "$R" first_frame_ms) ms, seek $(json_field "$R" seek)"

# --- 2. the publisher killed ------------------------------------------------------
start_publisher pub "$(rtmp_base)/$CH_KEY"
wait_until "$(scaled 15)" "a second recording" bash -c "[[ \$(grep -c '\"message\":\"recording\"' '$ONAIR_LOG') -ge 2 ]]"
ID2=$(recording_id)
sleep 4
kill -KILL "$PUB_PID"
wait_until "$(scaled 15)" "recording $ID2 to be finalized after the publisher's SIGKILL" finalized "$ID2"
curl -sf -o "$T/rec2.mp4" "$(vod "$ID2" recording.mp4)"
D2=$(probe "$T/rec2.mp4" | python3 -c 'import json,sys; print(json.load(sys.stdin)["streams"][0]["duration"])')
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) >= 3 else 1)" "$D2" || fail "the killed publisher's recording lasts $D2 s"
ok "publisher SIGKILL: recording $ID2 finalized, $D2 s"

# --- 3. the whole process killed ------------------------------------------------
start_publisher pub3 "$(rtmp_base)/$CH_KEY"
wait_until "$(scaled 15)" "a third recording" bash -c "[[ \$(grep -c '\"message\":\"recording\"' '$ONAIR_LOG') -ge 3 ]]"
ID3=$(recording_id)
wait_until "$(scaled 15)" "3 fragments of $ID3 on disk" bash -c "[[ \$(wc -l < '$DATA_DIR/recordings/$ID3/segments.jsonl') -ge 3 ]]"
kill -KILL "$ONAIR_PID"
wait "$ONAIR_PID" 2>/dev/null || true
stop_pid "$PUB_PID" KILL 2
ONDISK=$(wc -l < "$DATA_DIR/recordings/$ID3/segments.jsonl")
start_onair
wait_until "$(scaled 15)" "the restarted origin to finalize $ID3" finalized "$ID3"
grep -q '"message":"recording resumed"' "$ONAIR_LOG" || fail "the recording was not resumed"
curl -sf -o "$T/rec3.mp4" "$(vod "$ID3" recording.mp4)"
F3=$(probe "$T/rec3.mp4" | python3 -c 'import json,sys; print(json.load(sys.stdin)["streams"][0]["nb_read_packets"])')
(( F3 >= ONDISK * FPS )) || fail "recording $ID3 has $F3 frames; $ONDISK one-second fragments were on disk"
ffmpeg -nostdin -v error -i "$T/rec3.mp4" -f null - || fail "the recovered MP4 does not decode"
ok "origin SIGKILL: $ONDISK fragments survived, finalized after the restart ($F3 frames)"
stop_onair TERM

# --- 4. disk full ---------------------------------------------------------------
FULL=$T/full
mkdir -p "$FULL"
if mount -t tmpfs -o size=320k tmpfs "$FULL" 2>/dev/null; then
  trap 'umount "$FULL" 2>/dev/null || true; it_cleanup' EXIT
  ONAIR_ORIGIN_DIR=$FULL start_onair
  start_publisher pub4 "$(rtmp_base)/$CH_KEY"
  wait_until "$(scaled 20)" "the recording to fail on the full disk" bash -c "grep -q '\"message\":\"recording failed\".*ENOSPC' '$ONAIR_LOG'"
  metric_ge onair_origin_write_errors_total 1 || fail "onair_origin_write_errors_total is $(metric onair_origin_write_errors_total)"
  sleep 2
  wait_playable web 10
  alive "$PUB_PID" || fail "the publisher was dropped"
  ok "disk full: $(log_lines 'recording failed' | tail -1 | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["error.message"])'); live HLS still plays"
  stop_pid "$PUB_PID" TERM 5
  stop_onair TERM
  umount "$FULL"
else
  log "SKIP disk full: this machine cannot mount a tmpfs (not root, or no CAP_SYS_ADMIN); unit tests cover the error path"
fi
