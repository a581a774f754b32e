#!/usr/bin/env bash
# The origin's memory over a long recording: `onair serve` (no transcoding)
# records MEDIA_S seconds (default 7200: two hours) of a 720p30 2.5 Mbit/s
# source published by ffmpeg at READRATE times real time (default 20: two
# hours of media in six minutes; the origin does the same work per second
# of media, only sooner. Much faster and the in-process bus outruns the
# disk queue, origin.queue_mib, and drops: counted below). Every 2 s the server's RSS is sampled, with the media
# time recorded so far. Memory is flat when the RSS at the end is within a
# few MiB of the RSS once the first minutes are in: nothing grows with the
# recording but its segment list (~100 bytes a segment).
#
#   scripts/bench/origin_memory.sh             # MEDIA_S=7200
#
# Then the finalization against the peer doing the same job: the origin's
# own (fragments -> a faststart MP4, from its log line) and ffmpeg's CLI
# remuxing the same fragments through the VOD playlist
# (`ffmpeg -i index.m3u8 -c copy -movflags +faststart`, then `sync` of its
# output: the origin's MP4 is fsynced before it is announced), one after
# the other on the same files (in the page cache for both).
#
# Prints the samples (media s, RSS KiB), a summary and one JSON line.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/bench/lib.sh
BUILD=${BUILD:-build}
MEDIA_S=${MEDIA_S:-7200}
READRATE=${READRATE:-20}
CACHE=${CACHE:-/tmp/onair-bench-cache}
PIN=${PIN:-taskset -c 0}
W=$(mktemp -d /tmp/onair-origin-bench.XXXXXX)
trap 'kill $SERVE $PUB 2>/dev/null || true; [[ -n ${KEEP:-} ]] || rm -rf "$W"' EXIT
bench_source_720p
read -r RTMP HTTP < <(free_ports 2)
KEY=$("$BUILD/onair" channel create bench --data-dir "$W/data" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["stream_key"])')
ONAIR_TRANSCODE_ENABLED=false $PIN "$BUILD/onair" serve --rtmp-listen 127.0.0.1:$RTMP \
  --http-listen 127.0.0.1:$HTTP --data-dir "$W/data" >"$W/serve.out" 2>"$W/serve.log" &
SERVE=$!
for _ in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:$HTTP/healthz && break; sleep 0.1; done
T0=$(date +%s.%N)
ffmpeg -nostdin -hide_banner -v error -readrate "$READRATE" -stream_loop -1 -i "$SRC" -t "$MEDIA_S" -c copy -f flv \
  "rtmp://127.0.0.1:$RTMP/live/$KEY" &
PUB=$!
journal() { { cat "$W"/data/recordings/*/segments.jsonl 2>/dev/null || true; } | wc -l; }
echo "media_s rss_kib"
SAMPLES=()
while kill -0 $PUB 2>/dev/null; do
  rss=$(awk '/^VmRSS/{print $2}' /proc/$SERVE/status)
  media=$(( $(journal) * 2 ))
  echo "$media $rss"
  SAMPLES+=("$media:$rss")
  sleep 2
done
T1=$(date +%s.%N)
for _ in $(seq 600); do ls "$W"/data/recordings/*/recording.mp4 >/dev/null 2>&1 && break; sleep 0.5; done
T2=$(date +%s.%N)
MP4=$(ls "$W"/data/recordings/*/recording.mp4)
END_RSS=$(awk '/^VmRSS/{print $2}' /proc/$SERVE/status)
OURS_NS=$(grep '"log.logger":"origin","message":"recording finalized"' "$W/serve.log" | tail -1 | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["event.duration"])')
REC_DIR=$(dirname "$MP4")
F0=$(date +%s.%N)
$PIN ffmpeg -nostdin -hide_banner -v error -allowed_extensions ALL -i "$REC_DIR/index.m3u8" -c copy -movflags +faststart -y "$W/ffmpeg.mp4"
sync "$W/ffmpeg.mp4"  # the origin fsyncs its MP4 before it calls it finalized: so does the peer here
F1=$(date +%s.%N)
FFMPEG_S=$(python3 -c "print(round($F1 - $F0, 2))")
DROPPED=$(curl -sf http://127.0.0.1:$HTTP/metrics | awk '$1=="onair_origin_records_dropped_total"{print $2}')
python3 - "$MEDIA_S" "$T0" "$T1" "$T2" "$(stat -c %s "$MP4")" "$END_RSS" "${DROPPED:-0}" "$OURS_NS" "$FFMPEG_S" "${SAMPLES[@]}" <<'PY'
import json, sys
media_s, t0, t1, t2, mp4, end_rss, dropped, ours_ns, ffmpeg_s = sys.argv[1:10]
s = [tuple(map(int, x.split(':'))) for x in sys.argv[10:]]
after = [r for m, r in s if m >= 600] or [r for _, r in s]   # once ten minutes are in
first, last, peak = after[0], after[-1], max(after)
out = {"media_s": int(media_s), "publish_wall_s": round(float(t1) - float(t0), 1),
       "finalize_s": round(float(t2) - float(t1), 1), "mp4_bytes": int(mp4),
       "rss_kib_at_10min": first, "rss_kib_at_end": last, "rss_kib_peak": peak,
       "growth_kib": last - first, "rss_kib_after_finalize": int(end_rss), "records_dropped": int(dropped),
       "finalize_onair_s": round(int(ours_ns) / 1e9, 2), "finalize_ffmpeg_s": float(ffmpeg_s),
       "finalize_ratio": round(int(ours_ns) / 1e9 / float(ffmpeg_s), 3)}
print(f"| media | RSS at 10 min | RSS at end | growth | peak | finalize |\n|---|---|---|---|---|---|\n"
      f"| {int(media_s)/3600:.1f} h | {first/1024:.1f} MiB | {last/1024:.1f} MiB | {(last-first)/1024:+.1f} MiB | "
      f"{peak/1024:.1f} MiB | {out['finalize_s']} s ({int(mp4)/2**20:.0f} MiB MP4) |")
print(f"finalize: onair {out['finalize_onair_s']} s, ffmpeg -c copy -movflags +faststart {out['finalize_ffmpeg_s']} s "
      f"(ratio {out['finalize_ratio']})")
print(json.dumps(out))
PY
