#!/usr/bin/env bash
# hls.js in headless Chromium plays onair's HLS for 20 s: the first frame comes
# quickly and playback advances at least 90% of wall time, no fatal error.
source "$(dirname "$0")/lib.sh"

[[ -f $ONAIR_SOURCE_DIR/tests/browser/node_modules/hls.js/dist/hls.min.js &&
   -f $ONAIR_SOURCE_DIR/tests/browser/node_modules/playwright-core/package.json ]] ||
  fail "tests/browser/node_modules missing: run scripts/setup.sh (npm ci in tests/browser)"
[[ -x /usr/bin/chromium ]] || fail "/usr/bin/chromium missing: run scripts/setup.sh"

source_flv
create_channel web
start_onair
start_publisher pub "$(rtmp_base)/$CH_KEY"
wait_playable web 15
ok "HLS playable after ${PLAYABLE_MS} ms"

run_player "$(hls_url web)" 20 "hls.js playback" --min-advance 0.9 --startup-timeout "$(scaled 15)"
ff=$(json_field "$R" first_frame_ms)
(( ff <= $(scaled 8) * 1000 )) || fail "first frame after $ff ms"
[[ $(json_field "$R" video) == *'"width": 1280'* ]] || fail "video is not 1280 wide: $(json_field "$R" video)"
ok "hls.js: first frame ${ff} ms, advance ratio $(json_field "$R" advance_ratio), stalls $(json_field "$R" stalls), levels $(json_field "$R" levels)"
alive "$PUB_PID" || fail "publisher ended early: $(tail -3 "$T/pub.err")"
stop_pid "$PUB_PID" TERM 5
stop_onair TERM
