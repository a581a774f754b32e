#!/usr/bin/env bash
# ABR in `onair serve`: a 720p30 publish is offered as the source plus the
# default ladder's lower renditions (480p, 360p; 720p is the source's own
# height, never made again). The multivariant playlist lists every
# rendition with BANDWIDTH, AVERAGE-BANDWIDTH, RESOLUTION, FRAME-RATE and
# CODECS, the avc1 string matching the rendition's real SPS; segment N of
# every rendition starts at the same PTS (keyframe-aligned); hls.js sees
# every level, a forced switch mid-playback shows the new level and playback
# keeps advancing; the renditions end with the broadcast.
export ONAIR_TRANSCODE_ENABLED=true
source "$(dirname "$0")/lib.sh"
TOKEN=oat_it_$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
export ONAIR_MANAGER_ADMIN_TOKEN=$TOKEN
# A broadcast ends 1 s after its publisher leaves (not the 10 s default).
export ONAIR_RTMP_REPUBLISH_GRACE_MS=1000

PLAYER=$ONAIR_SOURCE_DIR/tests/browser/play_hls.mjs
[[ -f $ONAIR_SOURCE_DIR/tests/browser/node_modules/hls.js/dist/hls.min.js ]] ||
  fail "tests/browser/node_modules missing: run scripts/setup.sh (npm ci in tests/browser)"

source_flv
create_channel abr
start_onair
start_publisher pub "$(rtmp_base)/$CH_KEY"
PUB1=$PUB_PID
wait_playable abr 15
ok "source playable after ${PLAYABLE_MS} ms"

# --- the multivariant playlist lists all three ----------------------------
MV=$(hls_url abr)
wait_until "$(scaled 20)" "3 variants in the multivariant playlist" \
  bash -c "curl -sf --max-time 2 '$MV' | grep -c '^#EXT-X-STREAM-INF' | grep -qx 3"
fetch "$MV" "$T/mv" >/dev/null
hls_check --multivariant "$T/mv.body"
node "$IT_DIR/check_playlist.mjs" multivariant "$T/mv.body" >"$T/mv.json" ||
  { cat "$T/mv.body"; fail "multivariant playlist: $(cat "$T/mv.json")"; }
mapfile -t URIS < <(grep -v '^#' "$T/mv.body" | grep .)
[[ "${URIS[*]}" == "src/index.m3u8 480p/index.m3u8 360p/index.m3u8" ]] ||
  { cat "$T/mv.body"; fail "variants are '${URIS[*]}', expected src, 480p, 360p in that order"; }
while read -r line; do
  for attr in BANDWIDTH= AVERAGE-BANDWIDTH= RESOLUTION= FRAME-RATE= 'CODECS="avc1.'; do
    [[ $line == *"$attr"* ]] || fail "STREAM-INF without $attr: $line"
  done
done < <(grep '^#EXT-X-STREAM-INF' "$T/mv.body")
grep -q 'RESOLUTION=854x480,' "$T/mv.body" || fail "480p is not 854x480: $(cat "$T/mv.body")"
grep -q 'RESOLUTION=640x360,' "$T/mv.body" || fail "360p is not 640x360"
ok "multivariant: $(grep -c '^#EXT-X-STREAM-INF' "$T/mv.body") variants with every attribute"

# --- CODECS is the real SPS: profile and level as ffprobe reads them --------
BASE=$(http_base)/live/abr
for r in src 480p 360p; do
  fetch "$BASE/$r/index.m3u8" "$T/pl-$r" >/dev/null
  hls_check "$T/pl-$r.body"
  seg=$(last_uri "$T/pl-$r.body")
  codecs=$(grep -A1 '^#EXT-X-STREAM-INF' "$T/mv.body" | grep -B1 "^$r/index.m3u8" | head -1 | grep -oE 'avc1\.[0-9a-f]{6}')
  read -r profile level < <(ffprobe -v error -select_streams v:0 -show_entries stream=profile,level -of csv=p=0 \
    "$BASE/$r/$seg" | tr ',' ' ')
  want_profile=$(( 16#${codecs:5:2} ))
  want_level=$(( 16#${codecs:9:2} ))
  case $profile in
    Baseline|"Constrained Baseline") got_profile=66 ;;
    Main) got_profile=77 ;;
    High) got_profile=100 ;;
    *) got_profile=0 ;;
  esac
  [[ $got_profile == "$want_profile" && $level == "$want_level" ]] ||
    fail "$r: CODECS $codecs says profile $want_profile level $want_level; the stream is $profile level $level"
  ok "$r: CODECS $codecs = $profile level $level"
done

# --- keyframe-aligned: segment N starts at the same PTS everywhere ----------
first_pts() {
  ffprobe -v error -select_streams v:0 -show_entries packet=pts,flags -read_intervals '%+#1' -of csv=p=0 "$1"
}
wait_until "$(scaled 20)" "3 segments of 360p" \
  bash -c "curl -sf --max-time 2 '$BASE/360p/index.m3u8' | grep -c '\.ts\$' | grep -qE '^[3-9]\$'"
fetch "$BASE/360p/index.m3u8" "$T/pl-360p" >/dev/null
hls_check "$T/pl-360p.body"
mapfile -t SEGS < <(grep -v '^#' "$T/pl-360p.body" | grep . | head -3)
(( ${#SEGS[@]} == 3 )) || fail "360p lists ${#SEGS[@]} segments"
for seg in "${SEGS[@]}"; do
  ref=""
  for r in src 480p 360p; do
    got=$(first_pts "$BASE/$r/$seg")
    [[ $got == *K* ]] || fail "$r/$seg does not start with a keyframe: $got"
    [[ -z $ref ]] && ref=$got
    [[ ${got%%,*} == "${ref%%,*}" ]] || fail "$seg starts at PTS ${ref%%,*} in src but ${got%%,*} in $r"
  done
  ok "$seg starts at PTS ${ref%%,*} in src, 480p and 360p"
done

# --- hls.js: every level, and a forced switch -------------------------------
set +e
node "$PLAYER" --url "$MV" --seconds 16 --min-advance 0.85 --switch-level --startup-timeout "$(scaled 15)" \
  >"$T/player.json" 2>"$T/player.err"
rc=$?
set -e
R=$(cat "$T/player.json")
log "player: $R"
[[ $rc -eq 0 ]] || fail "hls.js playback failed (exit $rc): $(json_field "$R" reason)"
python3 - "$R" <<'PY' || fail "hls.js levels or the level switch are not as expected"
import json, sys
r = json.loads(sys.argv[1])
levels = r["levels"]
assert len(levels) == 3, f"hls.js saw {len(levels)} levels"
assert sorted(l["height"] for l in levels) == [360, 480, 720], levels
sw = r.get("switch") or {}
assert sw.get("to", -1) >= 0 and sw["to"] != sw["from"], f"no switch requested: {sw}"
assert sw["to"] in r["levels_switched"], f"hls.js never switched to level {sw['to']}: {r['levels_switched']}"
assert "ct_after" in sw, f"the new level's picture ({sw.get('to_height')} high) never showed: {r['video']}"
assert sw["ct_after"] > sw["at_ct"], sw
assert r["advance_ratio"] >= 0.85, r["advance_ratio"]
print(f"switch {sw['from']} -> {sw['to']} ({sw['to_height']}p) shown after {sw['shown_ms']} ms")
PY
ok "hls.js: 3 levels, forced switch shown, advance ratio $(json_field "$R" advance_ratio)"

# --- a channel's own ladder, set through the API -----------------------------
curl -sf -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  --data-binary '{"name":"own","ladder":[{"name":"288p","height":288,"video_kbps":600,"profile":"baseline"}]}' \
  "$(http_base)/api/v1/channels" >"$T/own.json" || fail "cannot create a channel with a ladder"
start_publisher pub2 "$(rtmp_base)/$(json_field "$(cat "$T/own.json")" stream_key)"
PUB2=$PUB_PID
OWN=$(http_base)/live/own
two_variants() { curl -sf --max-time 2 "$OWN/index.m3u8" | grep -c '^#EXT-X-STREAM-INF' | grep -qx 2; }
wait_until "$(scaled 20)" "the channel's own ladder: src and 288p" two_variants
fetch "$OWN/index.m3u8" "$T/own-mv" >/dev/null
hls_check --multivariant "$T/own-mv.body"
mapfile -t OWN_URIS < <(grep -v '^#' "$T/own-mv.body" | grep .)
[[ "${OWN_URIS[*]}" == "src/index.m3u8 288p/index.m3u8" ]] || { cat "$T/own-mv.body"; fail "own ladder: ${OWN_URIS[*]}"; }
grep -q 'RESOLUTION=512x288,.*CODECS="avc1.42' "$T/own-mv.body" || { cat "$T/own-mv.body"; fail "288p is not 512x288 Baseline"; }
ok "a channel's ladder from the API: src + 288p (Baseline), not the default ladder"
stop_pid "$PUB2" TERM 5

# --- metrics, and the end ---------------------------------------------------
wait_until "$(scaled 10)" "the second broadcast's rendition to end" metric_is onair_transcode_renditions 2
[[ $(metric onair_transcode_renditions) == 2 ]] || fail "onair_transcode_renditions is $(metric onair_transcode_renditions)"
[[ $(metric onair_transcode_renditions_dropped_total) == 0 ]] || fail "a rendition was dropped"
lat=$(curl -sf "$(http_base)/metrics" | awk '/^onair_transcode_latency_seconds\{quantile="0.5"\}/{print $2}')
ok "transcoding latency p50 ${lat} s"
stop_pid "$PUB1" TERM 5
wait_until "$(scaled 15)" "360p ends with EXT-X-ENDLIST" \
  bash -c "curl -sf --max-time 2 '$BASE/360p/index.m3u8' | grep -q '^#EXT-X-ENDLIST'"
ok "renditions ended with the broadcast"
stop_onair TERM
