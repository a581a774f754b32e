# shellcheck shell=bash
# A live test source whose every video frame carries the wall-clock instant
# it was made, for glass-to-glass latency (issue 8). Sourced by
# scripts/bench/lib.sh and tests/integration/lib.sh; it defines functions only.
#
# The clock band: the top rows of each frame are 32 blocks, black (bit 0) or
# white (bit 1), read left to right then top to bottom:
#   width >= 640: 32 columns x 1 row, block W/32 x 3W/128 (1280x720: 40x30 px)
#   width <  640: 16 columns x 2 rows, block W/16 x 3W/64  (320x240: 20x15 px)
# Bits 0-23 (least significant first) hold v = the frame's wall-clock time in
# milliseconds modulo 2^24 (4.66 h; a reader takes the latest instant <= its
# own clock with those low bits). Bits 24-31 hold a check byte,
#   c = (b0 + 3*b1 + 7*b2 + 165) mod 256   (b0..b2: the bytes of v, low first)
# so a frame with any single block misread (or a black, white or cut band) is
# rejected. Readers: tools/latency/glass_latency.py (any URL ffmpeg plays) and
# tests/browser/play_hls.mjs --latency (hls.js); they implement this layout.
#
# How the instant is taken: testsrc2 -> realtime (the filter sleeps until the
# frame's media time has come on the wall clock, so a frame exists no earlier
# than a camera would have made it) -> setpts=RTCTIME with a 1 us time base
# (the frame's pts becomes the wall clock at that moment) -> geq draws the
# band from that pts -> the pts is put back to N/30 for the encoder. The band
# is the glass: everything after it (x264, the RTMP push, the server, the
# player, its decoder) is in the measured latency. The ffmpeg process runs
# -re from lavfi with one input (video and audio from one graph, so no input
# thread reads ahead), x264 -tune zerolatency (no B-frames, no lookahead,
# sliced threads: a frame leaves the encoder as soon as it is made), a
# keyframe every 1 s (-g FPS, no scene cuts), AAC 48 kHz stereo.

# clocked_source_graph SIZE FPS: the lavfi graph (video [out0], audio [out1]).
clocked_source_graph() {
  local size=$1 fps=$2 w cols bw bh rows
  w=${size%x*}
  if (( w >= 640 )); then cols=32; else cols=16; fi
  rows=$(( 32 / cols ))
  bw=$(( w / cols ))
  bh=$(( 3 * w / (4 * cols) ))
  # ld(0)=v, ld(1)=block index, ld(2)=check byte; a pixel outside the 32
  # blocks (a width that is not a multiple of the columns) is black.
  local v="st(0,mod(floor(T*1000+0.5),16777216))"
  local i="st(1,floor(X/$bw)+$cols*floor(Y/$bh))"
  local c="st(2,mod(mod(ld(0),256)+3*mod(floor(ld(0)/256),256)+7*floor(ld(0)/65536)+165,256))"
  local bit="if(gte(ld(1),32),0,if(lt(ld(1),24),mod(floor(ld(0)/pow(2,ld(1))),2),mod(floor(ld(2)/pow(2,ld(1)-24)),2)))"
  local lum="$v;$i;$c;16+219*$bit"
  printf '%s' "testsrc2=size=$size:rate=$fps,format=yuv420p,realtime,settb=1/1000000,setpts=RTCTIME,split[m][b];" \
    "[b]crop=$w:$(( rows * bh )):0:0,geq=lum='$lum':cb=128:cr=128[band];" \
    "[m][band]overlay=0:0:format=yuv420,setpts=N/(FRAME_RATE*TB)[out0];" \
    "sine=frequency=440:sample_rate=48000[out1]"
}

# clocked_source_args SIZE FPS VIDEO_BITRATE: sets the array CLOCKED_ARGS to
# ffmpeg's input and encoding options (the caller adds -f and the output).
# The encoders write global headers, so the tee muxer can feed FLV outputs.
clocked_source_args() {
  local size=$1 fps=$2 vb=$3
  CLOCKED_ARGS=(-nostdin -hide_banner -v error -re -probesize 32 -analyzeduration 0 -f lavfi -i "$(clocked_source_graph "$size" "$fps")"
    -map 0:v -map 0:a -c:v libx264 -preset veryfast -tune zerolatency -pix_fmt yuv420p
    -b:v "$vb" -maxrate "$vb" -bufsize "$vb" -g "$fps" -keyint_min "$fps" -sc_threshold 0
    -c:a aac -b:a 128k -ac 2 -ar 48000 -flags +global_header)
}

# clocked_tee_url URL...: the tee muxer's output for FLV pushes to every URL
# (one encode, the same glass for all); a failing one does not stop the rest.
clocked_tee_url() {
  local out="" u
  for u in "$@"; do out+="${out:+|}[f=flv:onfail=ignore]$u"; done
  printf '%s' "$out"
}
