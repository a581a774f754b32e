#!/usr/bin/env bash
# GStreamer publishes with rtmp2sink (x264enc + voaacenc in flvmux); the HLS
# becomes playable and ffmpeg decodes it without an error.
source "$(dirname "$0")/lib.sh"

for e in videotestsrc x264enc h264parse flvmux rtmp2sink audiotestsrc voaacenc aacparse; do
  gst-inspect-1.0 "$e" >/dev/null 2>&1 || fail "GStreamer element $e missing (scripts/setup.sh installs gstreamer1.0-plugins-*)"
done
create_channel gst1
start_onair
bg gst gst-launch-1.0 -e \
  videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,framerate=30/1 ! \
  x264enc tune=zerolatency key-int-max=60 bitrate=1200 speed-preset=veryfast ! video/x-h264,profile=high ! \
  h264parse ! flvmux name=m streamable=true ! rtmp2sink "location=$(rtmp_base)/$CH_KEY" \
  audiotestsrc is-live=true ! audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=2 ! \
  voaacenc bitrate=96000 ! aacparse ! m.
GST=$BG_PID
t0=$(now_ms)
wait_until "$(scaled 15)" "the GStreamer publish to be accepted" metric_is onair_publishes_accepted_total 1
ok "publish accepted after $(( $(now_ms) - t0 )) ms"
wait_playable gst1 15
ok "HLS playable $(( $(now_ms) - t0 )) ms after gst-launch started"
decode_clean "$(hls_url gst1)" 4
ok "ffmpeg -v error decoded 4 s of the HLS without a message"
si=$(stream_info "$(http_base)/live/gst1/src/$(last_uri "$T/pl-media.body")")
[[ $si == *"video=h264/"*"/640x360"* && $si == *"audio=aac/LC/48000/2ch"* ]] ||
  fail "segment streams are not H.264 640x360 + AAC: '$si' $(cat "$T/ffprobe.err")"
ok "segment: $si"
alive "$GST" || fail "gst-launch ended early: $(tail -5 "$T/gst.out" "$T/gst.err")"
grep -qi "error" "$T/gst.err" && fail "gst-launch printed errors: $(grep -i -m3 error "$T/gst.err")"
stop_pid "$GST" INT 10   # -e: EOS, rtmp2sink unpublishes
[[ $STOP_RC -eq 0 ]] || fail "gst-launch exited $STOP_RC after SIGINT: $(tail -5 "$T/gst.out" "$T/gst.err")"
stop_onair TERM
assert_no_secret "$CH_KEY" "the onair log" "$ONAIR_LOG"
