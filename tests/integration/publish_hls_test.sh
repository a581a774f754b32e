#!/usr/bin/env bash
# ffmpeg publishes H.264 High with B-frames + AAC over RTMP; the HLS must be
# playable within about one segment, decode without error, have continuous
# DTS across segment boundaries, well-formed sliding playlists, the right
# HTTP headers, and never show the stream key. /healthz and /metrics answer.
source "$(dirname "$0")/lib.sh"

source_flv
create_channel pub1
KEY=$CH_KEY
start_onair

[[ $(fetch "$(http_base)/healthz" "$T/healthz") == 200 ]] || fail "/healthz did not answer 200"
ok "/healthz 200 $(head -c 20 "$T/healthz.body")"
code=$(fetch "$(hls_url pub1)" "$T/before")
[[ $code == 404 ]] || fail "HLS of a channel that is not live answered $code, expected 404"
[[ $(metric onair_broadcasts_live) == 0 ]] || fail "onair_broadcasts_live is $(metric onair_broadcasts_live) before publishing"

# --- publish; time to the first playable segment --------------------------
start_publisher pub "$(rtmp_base)/$KEY"
PUB=$PUB_PID
wait_playable pub1 15
log "time to first playable (publish start -> segment downloadable): ${PLAYABLE_MS} ms"
(( PLAYABLE_MS <= 5000 )) || fail "first playable after ${PLAYABLE_MS} ms; expected about one 2 s segment (<= 5000 ms)"
ok "first playable after ${PLAYABLE_MS} ms"

# Decoding and DTS checks read the live HLS while the playlist checks run.
bg decode ffmpeg -nostdin -hide_banner -v error -i "$(hls_url pub1)" -t 8 -f null -
DECODE=$BG_PID
bg probe ffprobe -v error -read_intervals %+9 -show_entries packet=codec_type,dts_time,duration_time \
  -of csv=p=0 "$(hls_url pub1)"
PROBE=$BG_PID
continuity_reader ccread "$(hls_url pub1)" 8
CCREAD=$BG_PID

# --- multivariant playlist --------------------------------------------------
code=$(fetch "$(hls_url pub1)" "$T/mv")
[[ $code == 200 ]] || fail "multivariant playlist answered $code"
hls_check --multivariant "$T/mv.body"
node "$IT_DIR/check_playlist.mjs" multivariant "$T/mv.body" >"$T/mv.json" ||
  { cat "$T/mv.body"; fail "multivariant playlist: $(cat "$T/mv.json")"; }
[[ $(first_uri "$T/mv.body") == "src/index.m3u8" ]] ||
  { cat "$T/mv.body"; fail "multivariant playlist points to '$(first_uri "$T/mv.body")', expected src/index.m3u8"; }
ok "multivariant: $(cat "$T/mv.json")"
check_playlist_headers() {
  local p=$1 what=$2 ct cc maxage
  ct=$(header "$p" Content-Type)
  [[ $ct == application/vnd.apple.mpegurl* ]] || fail "$what Content-Type '$ct'"
  cc=$(header "$p" Cache-Control)
  if [[ $cc == *no-cache* || $cc == *no-store* ]]; then :; else
    maxage=$(grep -oE 'max-age=[0-9]+' <<<"$cc" | cut -d= -f2)
    [[ -n $maxage ]] && (( maxage <= 2 )) || fail "$what Cache-Control '$cc': expected a max-age <= 2 s (half a 2 s target... or no-cache)"
  fi
  [[ $(header "$p" Access-Control-Allow-Origin) == "*" ]] || fail "$what has no Access-Control-Allow-Origin: *"
}
check_playlist_headers "$T/mv" "multivariant playlist"

# --- media playlist, segments, sliding window --------------------------------
MEDIA=$(http_base)/live/pub1/src/index.m3u8
code=$(fetch "$MEDIA" "$T/m0")
[[ $code == 200 ]] || fail "media playlist answered $code"
check_playlist_headers "$T/m0" "media playlist"
hls_check "$T/m0.body"
node "$IT_DIR/check_playlist.mjs" media "$T/m0.body" --window 6 >"$T/m0.json" ||
  { cat "$T/m0.body"; fail "media playlist: $(cat "$T/m0.json")"; }
first_seq=$(json_field "$(cat "$T/m0.json")" media_sequence)
ok "media playlist: $(cat "$T/m0.json")"

seg=$(last_uri "$T/m0.body")
code=$(fetch "$(http_base)/live/pub1/src/$seg" "$T/seg")
[[ $code == 200 ]] || fail "segment $seg answered $code"
ct=$(header "$T/seg" Content-Type); [[ $ct == video/mp2t ]] || fail "segment Content-Type '$ct'"
cc=$(header "$T/seg" Cache-Control); [[ $cc == *immutable* && $cc == *max-age=* ]] || fail "segment Cache-Control '$cc' (expected a long max-age, immutable)"
[[ $(header "$T/seg" Access-Control-Allow-Origin) == "*" ]] || fail "segment has no Access-Control-Allow-Origin: *"
size=$(stat -c %s "$T/seg.body")
[[ $((size % 188)) -eq 0 && $(head -c1 "$T/seg.body" | od -An -tx1 | tr -d ' ') == 47 ]] ||
  fail "segment $seg is not MPEG-TS (size $size, first byte $(head -c1 "$T/seg.body" | od -An -tx1))"
[[ $(header "$T/seg" Content-Length) == "$size" ]] || fail "segment Content-Length $(header "$T/seg" Content-Length) != body $size"
ok "segment $seg: $size bytes, $ct, '$cc'"
# Validators: a segment's ETag and a playlist's answer If-None-Match with 304
# (the same on every edge: they are made from the bytes), Range with 206.
etag=$(header "$T/seg" ETag)
[[ $etag == \"*\" ]] || fail "segment has no ETag: '$etag'"
[[ $(curl -s --max-time 5 -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$(http_base)/live/pub1/src/$seg") == 304 ]] ||
  fail "If-None-Match $etag on the segment did not answer 304"
[[ $(curl -s --max-time 5 -r 0-187 -o "$T/seg.part" -w '%{http_code}' "$(http_base)/live/pub1/src/$seg") == 206 ]] &&
  cmp -s "$T/seg.part" <(head -c 188 "$T/seg.body") || fail "a Range of the segment did not answer 206 with its first packet"
pl_etag=$(header "$T/m0" ETag)
[[ $pl_etag == \"*\" ]] || fail "the media playlist has no ETag"
ok "validators: segment ETag $etag (304 on If-None-Match, 206 on Range), playlist ETag $pl_etag"
code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' -X OPTIONS -H 'Origin: http://example.test' \
  -H 'Access-Control-Request-Method: GET' "$MEDIA")
[[ $code == 204 || $code == 200 ]] || fail "CORS preflight answered $code"

# Poll until the window slides (media sequence increases); every version well formed.
prev=$first_seq
slid=0
n=0
end=$(( $(now_ms) + 30000 ))
while (( $(now_ms) < end )); do
  n=$((n + 1))
  code=$(fetch "$MEDIA" "$T/mp")
  [[ $code == 200 ]] || fail "media playlist answered $code during the stream"
  cp "$T/mp.body" "$T/media-$n.m3u8"
  hls_check "$T/mp.body"
  node "$IT_DIR/check_playlist.mjs" media "$T/mp.body" --window 6 --prev-seq "$prev" >"$T/mp.json" ||
    { cat "$T/mp.body"; fail "media playlist (poll $n): $(cat "$T/mp.json")"; }
  [[ $(json_field "$(cat "$T/mp.json")" endlist) == false ]] || fail "live playlist has EXT-X-ENDLIST"
  seq=$(json_field "$(cat "$T/mp.json")" media_sequence)
  prev=$seq
  if (( seq > first_seq )); then slid=1; break; fi
  sleep 0.5
done
(( slid )) || fail "media sequence stayed at $first_seq for 30 s: the window does not slide"
segs=$(json_field "$(cat "$T/mp.json")" segments)
ok "window slid: media sequence $first_seq -> $seq with $segs segments listed ($(json_field "$(cat "$T/mp.json")" durations))"
# The segment that slid out stays fetchable for a moment (grace) or is gone; never a 5xx.
# Segment names are "<broadcast id>-<n>.ts": unique per broadcast, so an immutable cached one is never stale.
segprefix=$(grep -v '^#' "$T/mp.body" | grep . | head -1 | sed -E 's/[0-9]+\.ts$//')
[[ $segprefix =~ ^[0-9a-f]+-[0-9a-f]+-$ ]] || fail "segment names do not carry the broadcast id: '$segprefix'"
code=$(fetch "$(http_base)/live/pub1/src/$first_seq.ts" "$T/bare")
[[ $code == 404 ]] || fail "a segment name without the broadcast id answered $code"
code=$(fetch "$(http_base)/live/pub1/src/${segprefix}$first_seq.ts" "$T/old")
[[ $code == 200 || $code == 404 ]] || fail "old segment answered $code"

# --- decode and DTS continuity -----------------------------------------------
wait_pid "$DECODE" 40
[[ $STOP_RC -eq 0 ]] || fail "ffmpeg decoding the HLS exited $STOP_RC: $(head -5 "$T/decode.err")"
[[ ! -s $T/decode.err ]] || fail "ffmpeg decoding the HLS printed errors: $(head -5 "$T/decode.err")"
ok "ffmpeg -v error decoded 8 s of the HLS without a message"
wait_pid "$PROBE" 40
[[ $STOP_RC -eq 0 ]] || fail "ffprobe exited $STOP_RC: $(head -5 "$T/probe.err")"
[[ ! -s $T/probe.err ]] || fail "ffprobe printed errors: $(head -5 "$T/probe.err")"
node "$IT_DIR/check_dts.mjs" --min-span 6 <"$T/probe.out" >"$T/dts.json" || fail "DTS: $(cat "$T/dts.json")"
ok "DTS monotonic and continuous across segments: $(cat "$T/dts.json")"
# Every segment restarts its continuity counters behind a discontinuity_indicator.
wait_pid "$CCREAD" 40
[[ $STOP_RC -eq 0 ]] || fail "ffmpeg -v debug reading the HLS exited $STOP_RC: $(tail -3 "$T/ccread.err")"
check_continuity ccread
ok "ffmpeg -v debug: no continuity failure, no corrupt packet across $(grep -cE 'Opening .*\.ts' "$T/ccread.err") segments"
# The probe really was on this stream: H.264 High and AAC.
si=$(stream_info "$(http_base)/live/pub1/src/$(last_uri "$T/mp.body")")
[[ $si == *"video=h264/High/1280x720"* && $si == *"audio=aac/LC/48000/2ch"* ]] ||
  fail "segment streams are not H.264 High 1280x720 + AAC LC 48 kHz stereo: '$si' $(cat "$T/ffprobe.err")"
ok "segment streams: $si"

# --- metrics -------------------------------------------------------------
code=$(fetch "$(http_base)/metrics" "$T/metrics")
[[ $code == 200 ]] || fail "/metrics answered $code"
[[ $(header "$T/metrics" Content-Type) == text/plain* ]] || fail "/metrics Content-Type '$(header "$T/metrics" Content-Type)'"
bad=$(grep -v '^#' "$T/metrics.body" | grep . |
  grep -vcE '^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? (-?[0-9.]+([eE][-+]?[0-9]+)?|NaN|[+-]Inf)( [0-9]+)?$' || true)
[[ $bad -eq 0 ]] || fail "/metrics has $bad lines that are not Prometheus text"
for m in onair_rtmp_connections onair_rtmp_publishers onair_http_connections onair_broadcasts_live \
         onair_rtmp_received_bytes_total onair_http_sent_bytes_total onair_frames_dropped_total \
         onair_publishes_accepted_total; do
  grep -qE "^# TYPE $m (counter|gauge)" "$T/metrics.body" || fail "/metrics has no '# TYPE $m'"
done
val() { awk -v m="$1" '$1==m{print $2}' "$T/metrics.body"; }
[[ $(val onair_broadcasts_live) == 1 ]] || fail "onair_broadcasts_live = $(val onair_broadcasts_live), expected 1"
[[ $(val onair_rtmp_publishers) == 1 ]] || fail "onair_rtmp_publishers = $(val onair_rtmp_publishers), expected 1"
(( $(val onair_rtmp_connections) >= 1 )) || fail "onair_rtmp_connections = $(val onair_rtmp_connections)"
awk -v v="$(val onair_rtmp_received_bytes_total)" 'BEGIN{exit !(v > 1000000)}' ||
  fail "onair_rtmp_received_bytes_total = $(val onair_rtmp_received_bytes_total) after seconds of 2.5 Mbps"
awk -v v="$(val onair_http_sent_bytes_total)" 'BEGIN{exit !(v > 100000)}' ||
  fail "onair_http_sent_bytes_total = $(val onair_http_sent_bytes_total)"
[[ $(val onair_publishes_accepted_total) == 1 ]] || fail "onair_publishes_accepted_total = $(val onair_publishes_accepted_total)"
ok "metrics: $(grep -E '^onair_(broadcasts_live|rtmp_received_bytes_total|http_sent_bytes_total|frames_dropped_total) ' "$T/metrics.body" | tr '\n' ' ')"

# --- the stream key appears nowhere ------------------------------------------
n404=0
for path in "/live/$KEY/index.m3u8" "/live/pub1/$KEY/index.m3u8" "/live/pub1/src/$KEY.ts" "/live/$KEY" \
            "/$KEY" "/live/pub1/src/99999999.ts" "/live/nochannel/index.m3u8"; do
  n404=$((n404 + 1))
  code=$(fetch "$(http_base)$path" "$T/nf-$n404")
  [[ $code == 404 ]] || fail "GET ${path//$KEY/<KEY>} answered $code, expected 404"
done
alive "$PUB" || fail "the publisher ended early: $(tail -3 "$T/pub.err")"
stop_pid "$PUB" TERM 5
# Shutting down flushes every log line before the key search.
stop_onair TERM
assert_no_secret "$KEY" "HTTP responses" "$T"/mv.body "$T"/m0.body "$T"/media-*.m3u8 "$T"/nf-*.body "$T"/nf-*.headers \
  "$T"/metrics.body "$T"/healthz.body
assert_no_secret "$KEY" "the onair log" "$ONAIR_LOG" "$T/onair.out"
[[ -n $(log_lines "publish accepted") ]] || fail "no 'publish accepted' log line"
ok "stream key (${#KEY} chars) in no playlist, 404 body, metrics or log line ($(wc -l <"$ONAIR_LOG") lines)"
