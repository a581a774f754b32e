#!/usr/bin/env bash
# The ABR ladder (720p 2800k High, 480p 1400k Main, 360p 800k Main) made
# from one 1080p30 source, in one run, alternating:
#  - onair: build/tools/bench/onair-transcode-bench (the transcoder of
#    `onair serve`: decode once, a thread per rendition, each scaled from
#    the next larger one, libx264);
#  - ffmpeg's CLI, one process, decode once and split (-filter_complex
#    split=3, scale=-2:H), as users run it (default threads) and with one
#    thread per encoder and filter (-threads 1);
# with the same x264 settings: preset, profile, bitrate, VBV (maxrate =
# bufsize = 1.1 x bitrate), no B-frames, no lookahead, no mb-tree, no scene
# cut, keyframes at the source's keyframes, audio copied. CPU seconds are
# user + system of the process (ffmpeg: /usr/bin/time); the real-time
# factor is media seconds over wall seconds. Then onair paced at the
# source's rate (--realtime) for the latency transcoding adds.
#
#   scripts/bench/transcode_ladder.sh          # RUNS=5
#
# Prints a Markdown table of medians and one JSON line.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RUNS=${RUNS:-5}
CACHE=${CACHE:-/tmp/onair-bench-cache}
SRC=$CACHE/source-1080p30-noise.flv
PIN=${PIN:-taskset -c 0,1}
W=$(mktemp -d /tmp/onair-transcode-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkdir -p "$CACHE"
if [[ ! -s $SRC ]]; then
  # testsrc2 with moving temporal noise: detail an encoder has to work for
  # (plain testsrc2 is almost free to encode).
  ffmpeg -nostdin -hide_banner -v error -y -f lavfi -i "testsrc2=size=1920x1080:rate=30,noise=alls=6:allf=t+u" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 20 -map 0:v -map 1:a \
    -c:v libx264 -preset veryfast -profile:v high -pix_fmt yuv420p -b:v 6000k -maxrate 6000k -bufsize 6000k \
    -g 60 -keyint_min 60 -sc_threshold 0 -bf 2 -c:a aac -b:a 128k -ac 2 -f flv "$SRC.tmp"
  mv "$SRC.tmp" "$SRC"
fi
BENCH=$BUILD/tools/bench/onair-transcode-bench
[[ -x $BENCH ]] || { echo "build $BENCH first (ninja -C $BUILD onair-transcode-bench)" >&2; exit 1; }
MEDIA_S=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$SRC")

X264="bframes=0:rc-lookahead=0:mbtree=0:sync-lookahead=0:scenecut=0:sliced-threads=0"
# cli_args THREADS: the CLI's ladder ("" = ffmpeg's default threading).
cli_args() {
  local th=$1 t=() f=()
  [[ -n $th ]] && t=(-threads "$th") && f=(-filter_threads 1 -filter_complex_threads 1)
  CLI=(ffmpeg -nostdin -hide_banner -v error "${t[@]}" -i "$SRC" "${f[@]}" -filter_complex
       "[0:v]split=3[a][b][c];[a]scale=-2:720[v1];[b]scale=-2:480[v2];[c]scale=-2:360[v3]")
  local spec
  for spec in v1:high:2800 v2:main:1400 v3:main:800; do
    IFS=: read -r label profile kbps <<<"$spec"
    local max=$(( kbps * 11 / 10 ))
    CLI+=(-map "[$label]" -map 0:a -c:v libx264 -preset veryfast -profile:v "$profile" -b:v "${kbps}k"
          -maxrate "${max}k" -bufsize "${max}k" -g 100000 -keyint_min 1 -x264-params "$X264"
          -forced-idr 1 -force_key_frames source "${t[@]}" -c:a copy -f null /dev/null)
  done
}
# timed LABEL CMD...: appends "wall cpu" to $W/LABEL.
timed() {
  local label=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$W/time" $PIN "$@" >/dev/null
  awk '{printf "%s %.3f\n", $1, $2 + $3}' "$W/time" >>"$W/$label"
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for run in $(seq 1 "$RUNS"); do
  timed onair "$BENCH" "$SRC"
  cli_args ""
  timed cli "${CLI[@]}"
  cli_args 1
  timed cli1 "${CLI[@]}"
  echo "run $run: onair $(tail -1 "$W/onair") | cli $(tail -1 "$W/cli") | cli -threads 1 $(tail -1 "$W/cli1")  (wall cpu)" >&2
done
$PIN "$BENCH" "$SRC" --realtime >"$W/realtime.json"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$W" "$MEDIA_S" "$RUNS" <<'PY'
import json, statistics, sys
w, media, runs = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
def load(label):
    rows = [list(map(float, l.split())) for l in open(f"{w}/{label}")]
    return statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows)
onair, cli, cli1 = load("onair"), load("cli"), load("cli1")
rt = json.load(open(f"{w}/realtime.json"))
print(f"| | wall s | CPU s | CPU ratio onair / this | real-time factor |")
print(f"|---|---|---|---|---|")
for name, (wall, cpu) in [("onair (onair-transcode-bench)", onair), ("ffmpeg CLI, default threads", cli), ("ffmpeg CLI, -threads 1", cli1)]:
    ratio = onair[1] / cpu
    print(f"| {name} | {wall:.2f} | {cpu:.2f} | {ratio:.2f} | {media / wall:.2f} |")
lat = rt["latency_ms"]
print(f"\nonair paced at the source's rate: latency added p50 {lat['p50']:.0f} ms, p90 {lat['p90']:.0f} ms, p99 {lat['p99']:.0f} ms; CPU {rt['cpu_s']:.2f} s for {media:.1f} s of media ({rt['cpu_s'] / media * 100:.0f}% of one core)")
print(json.dumps({"runs": runs, "media_s": media, "onair": {"wall_s": onair[0], "cpu_s": onair[1]},
                  "cli": {"wall_s": cli[0], "cpu_s": cli[1]}, "cli_threads1": {"wall_s": cli1[0], "cpu_s": cli1[1]},
                  "cpu_ratio_vs_cli": onair[1] / cli[1], "cpu_ratio_vs_cli_threads1": onair[1] / cli1[1],
                  "realtime_latency_ms": lat}))
PY
