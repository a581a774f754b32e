#!/usr/bin/env bash
# fMP4 HLS (hls.container fmp4 through ONAIR_HLS_CONTAINER): ffmpeg publishes
# H.264 High with B-frames + AAC; the media playlist has EXT-X-MAP (version 6)
# and .m4s segments; the init segment (ftyp/moov) and the segments (moof/mdat)
# answer video/mp4, immutable, with ETags; ffprobe reads H.264 + AAC from the
# playlist, ffmpeg decodes it without an error and every frame arrives; hls.js
# in headless Chromium plays it, advancing at least 90% of wall time.
source "$(dirname "$0")/lib.sh"

[[ -f $ONAIR_SOURCE_DIR/tests/browser/node_modules/hls.js/dist/hls.min.js &&
   -f $ONAIR_SOURCE_DIR/tests/browser/node_modules/playwright-core/package.json ]] ||
  fail "tests/browser/node_modules missing: run scripts/setup.sh (npm ci in tests/browser)"
[[ -x /usr/bin/chromium ]] || fail "/usr/bin/chromium missing: run scripts/setup.sh"

export ONAIR_HLS_CONTAINER=fmp4
# Classic fMP4 HLS: no parts (LL-HLS over fMP4 is llhls_test's).
export ONAIR_HLS_PART_DURATION_MS=0
source_flv
create_channel fm
start_onair
start_publisher pub "$(rtmp_base)/$CH_KEY"
wait_playable fm 15
ok "fMP4 HLS playable after ${PLAYABLE_MS} ms"

# box_type FILE OFFSET: the 4 characters of a box type.
box_type() { dd if="$1" bs=1 skip="$2" count=4 status=none; }
# immutable_mp4 PREFIX WHAT: the response headers of a segment or init segment.
immutable_mp4() {
  local ct cc
  ct=$(header "$1" Content-Type); [[ $ct == video/mp4 ]] || fail "$2 Content-Type '$ct', expected video/mp4"
  cc=$(header "$1" Cache-Control)
  [[ $cc == *immutable* && $cc == *max-age=* ]] || fail "$2 Cache-Control '$cc' (expected a long max-age, immutable)"
  [[ $(header "$1" ETag) == \"*\" ]] || fail "$2 has no ETag"
  [[ $(header "$1" Access-Control-Allow-Origin) == "*" ]] || fail "$2 has no Access-Control-Allow-Origin: *"
  [[ $(header "$1" Content-Length) == "$(stat -c %s "$1.body")" ]] || fail "$2 Content-Length differs from the body"
}

# --- playlists --------------------------------------------------------------
[[ $(fetch "$(hls_url fm)" "$T/mv") == 200 ]] || fail "multivariant playlist"
hls_check --multivariant "$T/mv.body"
node "$IT_DIR/check_playlist.mjs" multivariant "$T/mv.body" >"$T/mv.json" ||
  { cat "$T/mv.body"; fail "multivariant playlist: $(cat "$T/mv.json")"; }
grep -q 'CODECS="avc1\.[0-9a-f]*,mp4a\.40\.2"' "$T/mv.body" || { cat "$T/mv.body"; fail "multivariant CODECS"; }
MEDIA=$(http_base)/live/fm/src/index.m3u8
wait_until 20 "three segments listed" bash -c "curl -sf '$MEDIA' | grep -c '\.m4s$' | grep -qE '^([3-9]|[1-9][0-9])$'"
[[ $(fetch "$MEDIA" "$T/m0") == 200 ]] || fail "media playlist"
hls_check "$T/m0.body"
node "$IT_DIR/check_playlist.mjs" media "$T/m0.body" --window 6 --ext m4s >"$T/m0.json" ||
  { cat "$T/m0.body"; fail "media playlist: $(cat "$T/m0.json")"; }
grep -q '^#EXT-X-VERSION:6$' "$T/m0.body" || fail "media playlist is not version 6"
ok "media playlist: $(cat "$T/m0.json")"

# --- init segment and segments ------------------------------------------------
map=$(grep -m1 -oE '^#EXT-X-MAP:URI="[^"]+"' "$T/m0.body" | sed -E 's/.*URI="([^"]+)"/\1/')
[[ $(fetch "$(http_base)/live/fm/src/$map" "$T/init") == 200 ]] || fail "init segment $map"
immutable_mp4 "$T/init" "init segment"
[[ $(box_type "$T/init.body" 4) == ftyp ]] || fail "init segment does not start with ftyp"
grep -q moov "$T/init.body" || fail "init segment has no moov"
etag=$(header "$T/init" ETag)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$(http_base)/live/fm/src/$map")
[[ $code == 304 ]] || fail "If-None-Match on the init segment answered $code"
[[ $(fetch "$(http_base)/live/fm/src/${map%init-*}init-0000000000000000.mp4" "$T/noinit") == 404 ]] ||
  fail "an unknown init segment did not answer 404"
seg=$(last_uri "$T/m0.body")
[[ $(fetch "$(http_base)/live/fm/src/$seg" "$T/seg") == 200 ]] || fail "segment $seg"
immutable_mp4 "$T/seg" "segment"
[[ $(box_type "$T/seg.body" 4) == moof ]] || fail "segment $seg does not start with a moof"
[[ $(fetch "$(http_base)/live/fm/src/${seg%.m4s}.ts" "$T/tsseg") == 404 ]] || fail "the .ts name of an fMP4 segment did not 404"
ok "init $map ($(stat -c %s "$T/init.body") bytes) and segment $seg ($(stat -c %s "$T/seg.body") bytes): video/mp4, immutable, ETags"

# --- ffprobe / ffmpeg through the playlist -------------------------------------
streams=$(timeout 60 ffprobe -v error -show_entries stream=codec_type,codec_name,width,height -of csv=p=0 "$MEDIA")
log "streams: $(tr '\n' ' ' <<<"$streams")"
grep -qx 'h264,video,1280,720' <<<"$streams" || fail "no 1280x720 H.264 video stream: $streams"
grep -q '^aac,audio' <<<"$streams" || fail "no AAC audio stream: $streams"
decode_clean "$MEDIA" 6
# Every frame of 6 s arrives (30 fps) and the audio with it.
counts=$(timeout 60 ffprobe -v error -read_intervals %+6 -count_packets \
  -show_entries stream=codec_type,nb_read_packets -of csv=p=0 "$MEDIA")
log "packets in 6 s: $(tr '\n' ' ' <<<"$counts")"
vframes=$(awk -F, '$1=="video"{print $2; exit}' <<<"$counts")
aframes=$(awk -F, '$1=="audio"{print $2; exit}' <<<"$counts")
(( vframes >= 170 )) || fail "only $vframes video frames in 6 s of 30 fps"
(( aframes >= 260 )) || fail "only $aframes AAC frames in 6 s of 48 kHz"
ok "ffprobe: H.264 1280x720 + AAC; ffmpeg decodes clean; $vframes video and $aframes audio frames in 6 s"

# --- hls.js ---------------------------------------------------------------------
run_player "$(hls_url fm)" 20 "hls.js playback" --min-advance 0.9 --startup-timeout "$(scaled 15)"
[[ $(json_field "$R" video) == *'"width": 1280'* ]] || fail "video is not 1280 wide: $(json_field "$R" video)"
ok "hls.js: first frame $(json_field "$R" first_frame_ms) ms, advance ratio $(json_field "$R" advance_ratio), stalls $(json_field "$R" stalls)"
alive "$PUB_PID" || fail "publisher ended early: $(tail -3 "$T/pub.err")"
stop_pid "$PUB_PID" TERM 5
stop_onair TERM
