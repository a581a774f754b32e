#!/usr/bin/env bash
# Low-Latency HLS from `onair serve` (fMP4, 1/3 s parts), read the way an
# LL-HLS player reads it, every playlist through our checker
# (onair-hlscheck, against the playlist before it):
#  1. the playlist: version 9, PART-INF, SERVER-CONTROL with CAN-BLOCK-RELOAD,
#     PART-HOLD-BACK and CAN-SKIP-UNTIL, parts, one PRELOAD-HINT;
#  2. for ~10 s, blocking reloads of the hinted part (_HLS_msn/_HLS_part):
#     each answer holds that part, comes about a part's time later (never
#     before the part exists, never much after), and passes the checker
#     against the previous one; delta updates (_HLS_skip=YES) carry
#     EXT-X-SKIP and pass against the full playlist;
#  3. the hinted part, fetched before it exists in full, is streamed
#     (chunked): its first bytes arrive well before its last, and its bytes
#     are those of the finished part;
#  3b. tools/latency/part_probe.py: every part is listed within 100 ms of its
#     last frame reaching the ingest (publish-to-availability);
#  4. bad directives: _HLS_part without _HLS_msn, an _HLS_msn far ahead: 400;
#  5. a blocking reload's answer is cacheable for 3 target durations; one for
#     a part that never comes (the publisher paused) is a 503 after 3 s.
source "$(dirname "$0")/lib.sh"

CHECK=$ONAIR_BUILD_DIR/tools/hlscheck/onair-hlscheck
[[ -x $CHECK ]] || CHECK=$ONAIR_SOURCE_DIR/build/tools/hlscheck/onair-hlscheck
[[ -x $CHECK ]] || fail "onair-hlscheck missing: build the onair-hlscheck target"
export ONAIR_HLS_CONTAINER=fmp4
export ONAIR_HLS_PART_DURATION_MS=333
export ONAIR_HLS_SEGMENT_DURATION_MS=1000
# 20 segments listed: older ones than CAN-SKIP-UNTIL (6 target durations)
# can be skipped by a delta update.
export ONAIR_HLS_WINDOW_SEGMENTS=20
# A publisher paused in step 5 is not dropped meanwhile.
export ONAIR_RTMP_PUBLISH_MEDIA_TIMEOUT_MS=20000

cached_source src-360p30-gop30 640x360 30 800k 30 64k
create_channel ll
start_onair
start_publisher pub "$(rtmp_base)/$CH_KEY"
wait_playable ll 15
MEDIA=$(http_base)/live/ll/src/index.m3u8

# check FILE [PREVIOUS]: our checker, errors fail the test.
check() {
  local args=("$1" --keyframe-segments)
  [[ -n ${2:-} ]] && args+=(--previous "$2")
  "$CHECK" "${args[@]}" >"$T/check.json" || fail "onair-hlscheck $*: $(cat "$T/check.json")"
}
# hint FILE: "MSN PART URI" of the EXT-X-PRELOAD-HINT.
hint() {
  python3 - "$1" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
m = re.search(r'#EXT-X-PRELOAD-HINT:TYPE=PART,URI="([^"]*-(\d+)\.(\d+)\.m4s)"', t)
print(m.group(2), m.group(3), m.group(1)) if m else print("")
PY
}

# --- 1. the playlist -----------------------------------------------------------
[[ $(fetch "$MEDIA" "$T/p0") == 200 ]] || fail "media playlist: $(cat "$T/p0.body")"
for tag in '#EXT-X-VERSION:9' '#EXT-X-PART-INF:PART-TARGET=0.33333' 'CAN-BLOCK-RELOAD=YES' 'PART-HOLD-BACK=1.00000' \
           'CAN-SKIP-UNTIL=' '#EXT-X-PART:' '#EXT-X-PRELOAD-HINT:TYPE=PART'; do
  grep -q -- "$tag" "$T/p0.body" || fail "the LL-HLS playlist lacks $tag: $(head -12 "$T/p0.body")"
done
check "$T/p0.body"
ok "LL-HLS playlist: version 9, PART-TARGET 1/3 s, blocking reload, skip, parts and a preload hint; our checker passes it"

# --- 2. blocking reloads, as a player makes them ------------------------------------
cp "$T/p0.body" "$T/prev.m3u8"
N=0 DELTAS=0
: >"$T/waits"
end=$(( $(now_ms) + 10000 ))
while (( $(now_ms) < end )); do
  read -r M K _ < <(hint "$T/prev.m3u8")
  [[ -n ${M:-} ]] || fail "no preload hint in $(tail -5 "$T/prev.m3u8")"
  code=$(curl -sS --max-time 10 -o "$T/b.m3u8" -w '%{http_code} %{time_total}' "$MEDIA?_HLS_msn=$M&_HLS_part=$K")
  [[ ${code%% *} == 200 ]] || fail "blocking reload for $M.$K: $code $(cat "$T/b.m3u8")"
  echo "${code##* }" >>"$T/waits"
  grep -q -- "-$M.$K.m4s\"" "$T/b.m3u8" || fail "the answer to _HLS_msn=$M&_HLS_part=$K lacks part $M.$K: $(tail -6 "$T/b.m3u8")"
  check "$T/b.m3u8" "$T/prev.m3u8"
  if (( N % 5 == 4 )); then
    [[ $(fetch "$MEDIA?_HLS_skip=YES" "$T/d") == 200 ]] || fail "delta update: $(cat "$T/d.body")"
    if grep -q '^#EXT-X-SKIP:SKIPPED-SEGMENTS=' "$T/d.body"; then
      DELTAS=$((DELTAS + 1))
      check "$T/d.body" "$T/b.m3u8"
    fi
  fi
  cp "$T/b.m3u8" "$T/prev.m3u8"
  N=$((N + 1))
done
(( N >= 20 )) || fail "only $N blocking reloads in 10 s"
read -r MEDIAN MAX < <(python3 -c '
import statistics, sys
w = sorted(float(x) for x in open(sys.argv[1]))
print("%.3f %.3f" % (statistics.median(w), w[-1]))' "$T/waits")
python3 -c "import sys; m, x = float(sys.argv[1]), float(sys.argv[2]); sys.exit(0 if 0.02 <= m <= 0.6 and x <= 1.5 * $IT_SLOW else 1)" "$MEDIAN" "$MAX" ||
  fail "blocking reloads answered after a median $MEDIAN s (max $MAX s): a part is 1/3 s"
ok "$N blocking reloads: each held its part, median wait $MEDIAN s (max $MAX s), all pass the checker against the one before"
(( DELTAS >= 1 )) || fail "no delta update skipped anything (window 20 s, CAN-SKIP-UNTIL 6 s)"
ok "$DELTAS delta updates with EXT-X-SKIP pass the checker against the full playlist"

# --- 3. the hinted part, streamed while it is written ------------------------------
# The playlist that just gained the hinted part names the next one, begun
# an instant ago: fetch that one at once.
fetch "$MEDIA" "$T/h0" >/dev/null
read -r M K _ < <(hint "$T/h0.body")
fetch "$MEDIA?_HLS_msn=$M&_HLS_part=$K" "$T/h" >/dev/null
read -r M K URI < <(hint "$T/h.body")
PART_URL=$(http_base)/live/ll/src/$URI
curl -sS --max-time 10 -D "$T/part.h" -o "$T/part.streamed" -w '%{http_code} %{time_starttransfer} %{time_total}' \
  "$PART_URL" >"$T/part.t"
read -r code first total <"$T/part.t" || true  # no newline at its end
[[ $code == 200 ]] || fail "the hinted part $URI: $code"
grep -qi '^transfer-encoding: chunked' "$T/part.h" || fail "the hinted part was not streamed (chunked): $(cat "$T/part.h")"
python3 -c 'import sys; f, t = float(sys.argv[1]), float(sys.argv[2]); sys.exit(0 if t - f >= 0.05 else 1)' "$first" "$total" ||
  fail "the hinted part's first byte came at $first s, its last at $total s: not streamed as written"
[[ $(fetch "$PART_URL" "$T/part.done") == 200 ]] || fail "the finished part $URI"
cmp -s "$T/part.streamed" "$T/part.done.body" || fail "the streamed part differs from the finished one"
[[ $(header "$T/part.done" Cache-Control) == *immutable* ]] || fail "the finished part is not immutable: $(header "$T/part.done" Cache-Control)"
ok "hinted part $URI streamed: first byte after $first s, last after $total s, $(stat -c %s "$T/part.streamed") bytes = the finished part"

# --- 3b. the probe: publish-to-availability of each part -----------------------------
probe_parts "$MEDIA" 5 10 100
ok "part_probe: $PROBE_SUMMARY"

# --- 4. bad directives --------------------------------------------------------------------
[[ $(fetch "$MEDIA?_HLS_part=1" "$T/bad1") == 400 ]] || fail "_HLS_part without _HLS_msn: not 400"
[[ $(fetch "$MEDIA?_HLS_msn=$((M + 100))" "$T/bad2") == 400 ]] || fail "_HLS_msn far ahead: not 400"
[[ $(fetch "$MEDIA?_HLS_msn=abc" "$T/bad3") == 400 ]] || fail "_HLS_msn=abc: not 400"
ok "bad delivery directives are a 400 at once"

# --- 5. cache headers, and a blocking reload that cannot be answered ---------------
fetch "$MEDIA" "$T/c0" >/dev/null
read -r M K _ < <(hint "$T/c0.body")
[[ $(fetch "$MEDIA?_HLS_msn=$M&_HLS_part=$K" "$T/c1") == 200 ]] || fail "blocking reload $M.$K"
[[ $(header "$T/c1" Cache-Control) == "max-age=3" ]] ||
  fail "a blocking reload's answer: Cache-Control '$(header "$T/c1" Cache-Control)', not max-age=3 (3 target durations: its URL says what it holds)"
[[ $(header "$T/c0" Cache-Control) == "max-age=1" ]] || fail "a plain playlist: Cache-Control '$(header "$T/c0" Cache-Control)'"
# The publisher paused: the next part never comes; the edge answers 503
# after three target durations (3 s), as 6.2.5.2 says, not never.
read -r M K _ < <(hint "$T/c1.body")
kill -STOP "$PUB_PID"
t0=$(now_ms)
code=$(fetch "$MEDIA?_HLS_msn=$M&_HLS_part=$((K + 1))" "$T/c2")
waited=$(( $(now_ms) - t0 ))
kill -CONT "$PUB_PID"
[[ $code == 503 ]] || fail "a blocking reload for a part that does not come: $code after $waited ms"
(( waited >= 2800 && waited <= 3000 + 1500 * IT_SLOW )) || fail "the 503 came after $waited ms, not after 3 target durations (3 s)"
[[ $(header "$T/c2" Retry-After) == 1 && $(header "$T/c2" Cache-Control) == no-store ]] ||
  fail "the 503: Retry-After '$(header "$T/c2" Retry-After)', Cache-Control '$(header "$T/c2" Cache-Control)'"
ok "cache headers: blocking answers max-age=3, plain playlists max-age=1; a part that never comes: 503 (Retry-After 1, no-store) after $waited ms"

