#!/usr/bin/env bash
# The glass-to-glass latency kit (issue 8) measures what it claims: the
# clocked source (tests/support/clocked_source.sh, 320x240 here) pushed live
# to `onair serve` and, in parallel, to a local FLV file (tee). The file's
# bands all read, with stamps 33 ms apart (the source keeps real time);
# tools/latency/glass_latency.py plays the channel over RTMP (median latency
# above 0 and below 2 s: onair relays RTMP in well under a second); hls.js
# in Chromium (play_hls.mjs --latency) plays the 1 s-segment HLS: enough
# bands read, none rejected, median above the segment duration (a player
# cannot be ahead of the segment it loads) and below 10 s. Frames without
# the band are all rejected.
source "$(dirname "$0")/lib.sh"

PROBE=$ONAIR_SOURCE_DIR/tools/latency/glass_latency.py
[[ -f $ONAIR_SOURCE_DIR/tests/browser/node_modules/hls.js/dist/hls.min.js ]] ||
  fail "tests/browser/node_modules missing: run scripts/setup.sh (npm ci in tests/browser)"
[[ -x /usr/bin/chromium ]] || fail "/usr/bin/chromium missing: run scripts/setup.sh"

export ONAIR_HLS_SEGMENT_DURATION_MS=1000
create_channel clock
start_onair
start_clocked_publisher pub 320x240 400k "$(rtmp_base)/$CH_KEY" "$T/source.flv"
wait_playable clock "$(scaled 15)"
ok "HLS playable after ${PLAYABLE_MS} ms"

# RTMP, without a browser, 6 s after a 2 s warm-up.
python3 "$PROBE" --url "$(rtmp_base)/clock" --seconds 6 --warmup 2 --timeout "$(scaled 10)" --min-samples 100 \
  >"$T/rtmp.json" 2>"$T/rtmp.err" || fail "glass_latency.py on RTMP: $(cat "$T/rtmp.json" "$T/rtmp.err")"
R=$(cat "$T/rtmp.json")
log "rtmp: $R"
L=$(json_field "$R" latency_ms)
med=$(json_field "$L" median)
[[ $(json_field "$R" rejected) == 0 ]] || fail "RTMP: $(json_field "$R" rejected) bands rejected"
[[ $(json_field "$R" negative) == 0 ]] || fail "RTMP: frames from the future (clock error)"
awk -v m="$med" -v s="$IT_SLOW" 'BEGIN{exit !(m > 0 && m < 2000 * s)}' || fail "RTMP median latency $med ms"
ok "RTMP glass-to-glass: median $med ms, p95 $(json_field "$L" p95) ms, $(json_field "$R" samples) frames"

# hls.js, classic HLS (TS, 1 s segments).
run_player "$(hls_url clock)" 12 "hls.js with --latency" --min-advance 0.9 --startup-timeout "$(scaled 15)" \
  --latency --latency-warmup 2 --min-latency-samples 20
L=$(json_field "$R" latency)
med=$(json_field "$L" median_ms)
[[ $(json_field "$L" bands_rejected) == 0 ]] || fail "hls.js: $(json_field "$L" bands_rejected) bands rejected"
awk -v m="$med" 'BEGIN{exit !(m > 1000 && m < 10000)}' || fail "hls.js median latency $med ms"
ok "hls.js glass-to-glass: median $med ms, p95 $(json_field "$L" p95_ms) ms, $(json_field "$L" samples) samples," \
   "hls.latency $(json_field "$L" hls_latency_s) s, advance $(json_field "$R" advance_ratio)"

# The encoder's own output: every band reads and the stamps keep real time
# (30 fps: 33 ms apart, no gap past the start).
stop_pid "$PUB_PID" INT 5
python3 "$PROBE" --file "$T/source.flv" >"$T/file.json" 2>"$T/file.err" ||
  fail "glass_latency.py --file: $(cat "$T/file.json" "$T/file.err")"
R=$(cat "$T/file.json")
log "source file: $R"
frames=$(json_field "$R" frames)
(( frames > 300 )) || fail "the source file has $frames frames"
[[ $(json_field "$R" rejected) == 0 ]] || fail "$(json_field "$R" rejected) of $frames bands in the encoder's output rejected"
I=$(json_field "$R" stamp_interval_ms)
[[ $(json_field "$I" median) == 33 || $(json_field "$I" median) == 34 ]] || fail "stamps $(json_field "$I" median) ms apart, not 33"
ok "the encoder's output: $frames frames, all bands read, stamps $(json_field "$I" median) ms apart" \
   "($(json_field "$R" stamp_gaps) gaps)"

# And a reader that reads anything would pass all of the above: frames
# without the band (plain testsrc2, whose top rows are not black or white
# blocks) must all be rejected.
ffmpeg -nostdin -hide_banner -v error -f lavfi -i testsrc2=size=320x240:rate=30 -t 2 -c:v libx264 -preset veryfast \
  -f flv "$T/plain.flv" 2>"$T/plain.err" || fail "cannot encode the plain source: $(tail -3 "$T/plain.err")"
R=$(python3 "$PROBE" --file "$T/plain.flv" 2>>"$T/file.err" || true)
[[ $(json_field "$R" frames) == 60 && $(json_field "$R" rejected) == 60 ]] ||
  fail "frames without the band were not all rejected: $R"
ok "60 frames without the band: all rejected"
stop_onair TERM
