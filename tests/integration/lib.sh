# shellcheck shell=bash
# Shared helpers for tests/integration/*_test.sh (sourced, never run).
#
# ctest sets ONAIR_BIN, ONAIR_SOURCE_DIR and ONAIR_BUILD_DIR. Every test gets a
# private temp dir ($T), free loopback ports, background processes that the
# EXIT trap ends (TERM, then KILL) and, on failure, the tails of every log.
# All waits poll with a deadline; nothing sleeps and assumes.
set -euo pipefail

IT_NAME=$(basename "${BASH_SOURCE[1]:-$0}" .sh)
: "${ONAIR_BIN:?ONAIR_BIN must point at the onair binary}"
[[ -x $ONAIR_BIN ]] || { echo "FAIL: ONAIR_BIN=$ONAIR_BIN is not executable"; exit 1; }
ONAIR_SOURCE_DIR=${ONAIR_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ONAIR_BUILD_DIR=${ONAIR_BUILD_DIR:-$(dirname "$ONAIR_BIN")}
IT_DIR=$ONAIR_SOURCE_DIR/tests/integration
T=$(mktemp -d "${TMPDIR:-/tmp}/onair-it-$IT_NAME.XXXXXX")
IT_PIDS=()
IT_T0=$(date +%s%N)
ONAIR_PID=""
RTMP_PORT=""
HTTP_PORT=""
DATA_DIR=$T/data
ONAIR_LOG=$T/onair.log

# `onair serve` transcodes (the ABR ladder) by default. The tests of other
# parts do not need the renditions and CI has two cores: they run without it,
# and the ABR tests set ONAIR_TRANSCODE_ENABLED=true before sourcing this.
export ONAIR_TRANSCODE_ENABLED=${ONAIR_TRANSCODE_ENABLED:-false}

# Under ASan+UBSan the server is 2-3x slower: scale CPU-bound deadlines.
IT_SLOW=1
if grep -qs '^ONAIR_SANITIZE:BOOL=ON' "$ONAIR_BUILD_DIR/CMakeCache.txt"; then IT_SLOW=3; fi
scaled() { echo $(( $1 * IT_SLOW )); }

# Test output never shows a stream key (they start with sk_).
redact() { sed -E 's/sk_[A-Za-z0-9_-]{8,}/sk_<redacted>/g'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
elapsed_s() { awk -v a="$IT_T0" -v b="$(date +%s%N)" 'BEGIN{printf "%.1f", (b-a)/1e9}'; }
log() { echo "[$IT_NAME +$(elapsed_s)s] $*" | redact; }
ok() { echo "[$IT_NAME +$(elapsed_s)s] ok: $*" | redact; }
fail() { echo "[$IT_NAME +$(elapsed_s)s] FAIL: $*" | redact; exit 1; }

alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }

# stop_pid PID [SIGNAL] [TIMEOUT_S]: signal, wait up to the timeout, then KILL.
# Leaves the exit status in STOP_RC (or 999 if it had to be killed).
stop_pid() {
  local pid=$1 sig=${2:-TERM} t=${3:-5} end
  STOP_RC=0
  if ! alive "$pid"; then wait "$pid" 2>/dev/null || STOP_RC=$?; return 0; fi
  kill -s "$sig" "$pid" 2>/dev/null || true
  end=$(( $(now_ms) + t * 1000 ))
  while alive "$pid" && (( $(now_ms) < end )); do
    # A zombie child counts as exited for kill -0 only after wait; check state.
    [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && break
    sleep 0.05
  done
  if [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] && alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    STOP_RC=999
    return 0
  fi
  wait "$pid" 2>/dev/null || STOP_RC=$?
}

# wait_pid PID TIMEOUT_S: waits for PID to exit by itself; KILLs it after the
# timeout. STOP_RC: its exit status, or 999 if it had to be killed.
wait_pid() {
  local pid=$1 t=$2 end
  end=$(( $(now_ms) + t * 1000 ))
  while alive "$pid" && [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] && (( $(now_ms) < end )); do
    sleep 0.05
  done
  if alive "$pid" && [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]]; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    STOP_RC=999
    return 0
  fi
  STOP_RC=0
  wait "$pid" 2>/dev/null || STOP_RC=$?
}

it_cleanup() {
  local rc=$? i f
  set +e
  for (( i=${#IT_PIDS[@]}-1; i>=0; i-- )); do
    alive "${IT_PIDS[$i]}" && stop_pid "${IT_PIDS[$i]}" TERM 5
  done
  if [[ $rc -ne 0 ]]; then
    echo "---- $IT_NAME failed (rc=$rc) after $(elapsed_s)s; logs in $T:"
    for f in "$T"/*.log "$T"/*.err; do
      [[ -s $f ]] || continue
      echo "---- tail of $(basename "$f")"
      tail -n 40 "$f" | redact
    done
  else
    echo "PASS $IT_NAME in $(elapsed_s)s"
  fi
  if [[ $rc -eq 0 || -n ${CI:-} ]] && [[ -z ${ONAIR_IT_KEEP:-} ]]; then rm -rf "$T"; fi
  exit $rc
}
trap it_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# bg NAME CMD...: runs CMD in the background, stdout to $T/NAME.out and stderr
# to $T/NAME.err; BG_PID is its pid (ended by the EXIT trap).
bg() {
  local name=$1; shift
  "$@" </dev/null >"$T/$name.out" 2>"$T/$name.err" &
  BG_PID=$!
  IT_PIDS+=("$BG_PID")
}

# wait_until TIMEOUT_S DESCRIPTION CMD...: polls CMD every 0.1 s.
wait_until() {
  local t=$1 desc=$2; shift 2
  local end=$(( $(now_ms) + t * 1000 ))
  while (( $(now_ms) < end )); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  fail "timed out after ${t}s waiting for $desc"
}

# Two distinct free loopback ports (the kernel picks them; closed right away).
free_ports() {
  python3 - "$@" <<'PY'
import socket
socks = []
for _ in range(2):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

json_field() { python3 -c 'import json,sys; v=json.loads(sys.argv[1])[sys.argv[2]]; print(v if not isinstance(v,(dict,list,bool)) else json.dumps(v))' "$1" "$2"; }

# onair channel create NAME [DATA_DIR]: sets CH_JSON, CH_KEY.
create_channel() {
  local name=$1 dir=${2:-$DATA_DIR}
  CH_JSON=$("$ONAIR_BIN" channel create "$name" --data-dir "$dir" --json 2>>"$T/cli.err") ||
    fail "onair channel create $name failed: $(tail -3 "$T/cli.err")"
  CH_KEY=$(json_field "$CH_JSON" stream_key) || fail "no stream_key in: $CH_JSON"
  [[ ${#CH_KEY} -ge 16 ]] || fail "stream key too short: ${#CH_KEY} chars"
}

rtmp_base() { echo "rtmp://127.0.0.1:$RTMP_PORT/live"; }
http_base() { echo "http://127.0.0.1:$HTTP_PORT"; }
hls_url() { echo "$(http_base)/live/$1/index.m3u8"; }

healthy() { curl -sf --max-time 2 -o /dev/null "$(http_base)/healthz"; }

# start_onair [EXTRA SERVE FLAGS...]: serve on free loopback ports with
# DATA_DIR; environment (ONAIR_*) passes through. Waits for /healthz.
start_onair() {
  local try end
  mkdir -p "$DATA_DIR"
  for try in 1 2 3; do
    read -r RTMP_PORT HTTP_PORT < <(free_ports)
    "$ONAIR_BIN" serve --rtmp-listen "127.0.0.1:$RTMP_PORT" --http-listen "127.0.0.1:$HTTP_PORT" \
      --data-dir "$DATA_DIR" "$@" </dev/null >"$T/onair.out" 2>>"$ONAIR_LOG" &
    ONAIR_PID=$!
    IT_PIDS+=("$ONAIR_PID")
    end=$(( $(now_ms) + $(scaled 10) * 1000 ))
    while (( $(now_ms) < end )); do
      if healthy; then
        log "onair pid $ONAIR_PID rtmp 127.0.0.1:$RTMP_PORT http 127.0.0.1:$HTTP_PORT"
        return 0
      fi
      alive "$ONAIR_PID" || break
      sleep 0.05
    done
    if alive "$ONAIR_PID"; then fail "onair did not answer /healthz within $(scaled 10)s"; fi
    wait "$ONAIR_PID" 2>/dev/null || true
    if grep -qi "in use" "$ONAIR_LOG"; then log "port race (try $try), retrying"; continue; fi
    fail "onair exited during start-up"
  done
  fail "could not start onair on free ports"
}

# stop_onair [SIGNAL]: clean shutdown is part of every test: exit 0 within the
# deadline and no sanitizer report in the log.
stop_onair() {
  local sig=${1:-TERM}
  stop_pid "$ONAIR_PID" "$sig" "$(scaled 5)"
  [[ $STOP_RC -eq 999 ]] && fail "onair did not exit within $(scaled 5)s of SIG$sig"
  [[ $STOP_RC -eq 0 ]] || fail "onair exited with status $STOP_RC after SIG$sig"
  check_no_sanitizer_report
  ONAIR_PID=""
}

check_no_sanitizer_report() {
  if grep -qE 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:|SUMMARY: .*Sanitizer' "$ONAIR_LOG"; then
    grep -m 20 -E 'Sanitizer|runtime error' "$ONAIR_LOG"
    fail "sanitizer report in the onair log"
  fi
}

# The source: 16 s of 720p30 H.264 High with B-frames (-g 60 -bf 2, fixed
# GOP) at ~2.5 Mbps + 48 kHz stereo AAC. 16 s is a whole number of video and
# AAC frames, and the audio is cut one AAC frame short (the encoder's priming
# frame makes up for it), so -stream_loop -1 loops without a timestamp seam.
source_flv() { cached_source src-720p30-v2 1280x720 30 2500k 60 128k; }

# cached_source NAME SIZE FPS VIDEO_BITRATE GOP AUDIO_BITRATE: 16 s of
# testsrc2 H.264 High (B-frames, fixed GOP) + 48 kHz stereo AAC, cut so that
# it loops without a seam (see source_flv), generated once per build dir
# into integration-cache/NAME.flv. Sets SRC_FLV.
cached_source() {
  local name=$1 size=$2 fps=$3 vb=$4 gop=$5 ab=$6
  local dir=$ONAIR_BUILD_DIR/integration-cache f
  f=$dir/$name.flv
  mkdir -p "$dir"
  (
    flock -w 300 9 || exit 1
    if [[ ! -s $f ]]; then
      ffmpeg -nostdin -hide_banner -v error -y \
        -f lavfi -i "testsrc2=size=$size:rate=$fps" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
        -t 16 -map 0:v -map 1:a -af atrim=end_sample=766976 -c:v libx264 -preset veryfast -profile:v high -pix_fmt yuv420p \
        -b:v "$vb" -maxrate "$vb" -bufsize "$vb" -g "$gop" -keyint_min "$gop" -sc_threshold 0 -bf 2 \
        -c:a aac -b:a "$ab" -ac 2 -ar 48000 -f flv "$f.tmp" && mv "$f.tmp" "$f"
    fi
  ) 9>"$dir/.lock" || fail "cannot generate the source file $name"
  [[ -s $f ]] || fail "source file $name missing"
  SRC_FLV=$f
}

# start_publisher NAME URL [EXTRA FFMPEG OUTPUT ARGS]: ffmpeg -re loop -c copy.
start_publisher() {
  local name=$1 url=$2; shift 2
  [[ -n ${SRC_FLV:-} ]] || source_flv
  bg "$name" ffmpeg -nostdin -hide_banner -v error -re -stream_loop -1 -i "$SRC_FLV" -c copy "$@" -f flv "$url"
  PUB_PID=$BG_PID
}

# The clocked live source (tests/support/clocked_source.sh): every frame
# carries the wall-clock ms it was made, for glass-to-glass latency.
source "$ONAIR_SOURCE_DIR/tests/support/clocked_source.sh"

# start_clocked_publisher NAME SIZE VIDEO_BITRATE URL...: the clocked source
# (30 fps, encoded live) pushed to every URL by one ffmpeg (PUB_PID).
start_clocked_publisher() {
  local name=$1 size=$2 vb=$3; shift 3
  clocked_source_args "$size" 30 "$vb"
  bg "$name" ffmpeg "${CLOCKED_ARGS[@]}" -f tee "$(clocked_tee_url "$@")"
  PUB_PID=$BG_PID
}

# fetch URL PREFIX: GET into PREFIX.body / PREFIX.headers; prints the status.
fetch() {
  curl -sS --max-time 10 -D "$2.headers" -o "$2.body" -w '%{http_code}' "$1" 2>>"$T/curl.err" || echo 000
}
# header PREFIX NAME: value of a response header (last one), CR stripped.
header() { grep -i "^$2:" "$1.headers" | tail -1 | cut -d: -f2- | sed 's/^ *//' | tr -d '\r'; }

# first URI line of a playlist file
first_uri() { grep -v '^#' "$1" | grep -m1 . | tr -d '\r'; }
last_uri() { grep -v '^#' "$1" | grep . | tail -1 | tr -d '\r'; }

# hls_check FILE [PREVIOUS] / hls_check --multivariant FILE: our playlist
# checker (onair-hlscheck: RFC 8216bis tag order and durations, parts, MSN
# continuity against PREVIOUS, skips); an error fails the test.
HLSCHECK=$ONAIR_BUILD_DIR/tools/hlscheck/onair-hlscheck
[[ -x $HLSCHECK ]] || HLSCHECK=$ONAIR_SOURCE_DIR/build/tools/hlscheck/onair-hlscheck
hls_check() {
  [[ -x $HLSCHECK ]] || fail "onair-hlscheck missing: build the onair-hlscheck target"
  local args
  if [[ $1 == --multivariant ]]; then args=("$2" --multivariant); else args=("$1" --keyframe-segments); fi
  [[ $1 != --multivariant && -n ${2:-} && -s ${2:-} ]] && args+=(--previous "$2")
  "$HLSCHECK" "${args[@]}" >"$T/hlscheck.json" 2>&1 || fail "onair-hlscheck ${args[*]}: $(cat "$T/hlscheck.json")"
}

# playable_once NAME: multivariant → media playlist → its first segment, each
# 200 and each playlist through hls_check (the media playlist against the one
# fetched before from the same URL).
playable_once() {
  local name=$1 mv uri seg
  mv=$T/pl-mv
  [[ $(fetch "$(hls_url "$name")" "$mv") == 200 ]] || return 1
  hls_check --multivariant "$mv.body"
  uri=$(first_uri "$mv.body") && [[ -n $uri ]] || return 1
  local prev=""
  [[ ${MEDIA_URL:-} == "$(http_base)/live/$name/$uri" && -s $T/pl-media.body ]] && cp "$T/pl-media.body" "$T/pl-media.prev" && prev=$T/pl-media.prev
  MEDIA_URL="$(http_base)/live/$name/$uri"
  [[ $(fetch "$MEDIA_URL" "$T/pl-media") == 200 ]] || return 1
  hls_check "$T/pl-media.body" "$prev"
  seg=$(first_uri "$T/pl-media.body") && [[ -n $seg ]] || return 1
  [[ $(fetch "${MEDIA_URL%/*}/$seg" "$T/pl-seg") == 200 ]] || return 1
  [[ -s $T/pl-seg.body ]]
}
live_playable() { playable_once "$1" && ! grep -q '^#EXT-X-ENDLIST' "$T/pl-media.body"; }
# wait_playable NAME TIMEOUT_S: multivariant → media playlist → a segment with
# a 200 and bytes. Sets PLAYABLE_MS (time spent waiting), MEDIA_URL.
wait_playable() {
  local t0; t0=$(now_ms)
  wait_until "$2" "HLS of '$1' to become playable" playable_once "$1"
  PLAYABLE_MS=$(( $(now_ms) - t0 ))
}

# metric NAME: the value of an unlabelled metric (sum over label sets).
metric() {
  curl -sf --max-time 5 "$(http_base)/metrics" |
    awk -v m="$1" '$1==m || index($1, m"{")==1 {s+=$2; f=1} END{if(f) printf "%.0f\n", s; else print "missing"}'
}

rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }

# assert_no_secret SECRET WHAT FILES...: the key must not appear in any file.
assert_no_secret() {
  local key=$1 what=$2; shift 2
  local f
  for f in "$@"; do
    if grep -qF -- "$key" "$f"; then
      grep -nF -- "$key" "$f" | head -3 | sed "s/$key/<KEY>/g"
      fail "stream key found in $what ($(basename "$f"))"
    fi
  done
}

# JSON log lines with a given message (ECS "message" field).
log_lines() { grep -F "\"message\":\"$1\"" "$ONAIR_LOG" || true; }
metric_is() { [[ $(metric "$1") == "$2" ]]; }
metric_ge() { local v; v=$(metric "$1"); [[ $v != missing ]] && (( v >= $2 )); }

# stream_info URL_OR_FILE: "video=h264/High/1280x720/bframes=2 audio=aac/LC/48000/2ch" (ffprobe).
stream_info() {
  ffprobe -v error -show_entries stream=codec_type,codec_name,profile,width,height,has_b_frames,sample_rate,channels \
    -of json "$1" 2>"$T/ffprobe.err" | python3 -c '
import json, sys
out = []
for s in json.load(sys.stdin).get("streams", []):
    if s.get("codec_type") == "video":
        out.append("video=%s/%s/%sx%s/bframes=%s" % (s.get("codec_name"), s.get("profile"), s.get("width"), s.get("height"), s.get("has_b_frames")))
    elif s.get("codec_type") == "audio":
        out.append("audio=%s/%s/%s/%sch" % (s.get("codec_name"), s.get("profile"), s.get("sample_rate"), s.get("channels")))
print(" ".join(out))'
}

# expect_publish_refused URL LABEL: a 6 s publish of the source to URL must
# be refused: ffmpeg exits non-zero, not by the timeout, within 5 s. Its
# stderr stays in $T/LABEL.err; REFUSED_RC and REFUSED_MS say how it went.
expect_publish_refused() {
  local url=$1 label=$2 t0
  [[ -n ${SRC_FLV:-} ]] || source_flv
  t0=$(now_ms)
  set +e
  timeout "$(scaled 20)" ffmpeg -nostdin -hide_banner -v error -re -i "$SRC_FLV" -t 6 -c copy -f flv "$url" \
    2>"$T/$label.err"
  REFUSED_RC=$?
  set -e
  REFUSED_MS=$(( $(now_ms) - t0 ))
  [[ $REFUSED_RC -ne 0 && $REFUSED_RC -ne 124 ]] ||
    fail "ffmpeg publishing with $label exited $REFUSED_RC after $REFUSED_MS ms (expected a refusal)"
  (( REFUSED_MS < 5000 * IT_SLOW )) || fail "refusal of $label took $REFUSED_MS ms"
}

# continuity_reader NAME URL SECONDS: in the background (BG_PID), ffmpeg's HLS
# reader demuxes SECONDS of URL at debug level, segments read as one stream;
# check_continuity NAME then fails on a continuity failure or a corrupt packet
# (a debug line and a warning: -v error shows neither).
continuity_reader() {
  bg "$1" ffmpeg -nostdin -hide_banner -v debug -i "$2" -t "$3" -map 0 -c copy -f null -
}
check_continuity() {
  local bad
  bad=$(grep -iE 'continuity check failed|packet corrupt' "$T/$1.err" | head -3 || true)
  [[ -z $bad ]] || fail "ffmpeg reading the HLS: $bad"
  grep -qE 'Opening .*\.ts' "$T/$1.err" || fail "ffmpeg read no segment: $(tail -3 "$T/$1.err")"
}

# decode_clean URL SECONDS: ffmpeg -v error decodes SECONDS of URL, exits 0
# and prints nothing.
decode_clean() {
  local rc
  set +e
  timeout 60 ffmpeg -nostdin -hide_banner -v error -i "$1" -t "$2" -f null - 2>"$T/decode.err"
  rc=$?
  set -e
  [[ $rc -eq 0 ]] || fail "ffmpeg decoding $1 exited $rc: $(head -5 "$T/decode.err")"
  [[ ! -s $T/decode.err ]] || fail "ffmpeg decoding $1 printed errors: $(head -5 "$T/decode.err")"
}

# kafka_roles TOPIC:PARTITIONS...: the Kafka test broker (tools/kafka-test-broker)
# with these topics, then `onair manager` and `onair ingest` on it (the
# ingest verifies publishes with the manager's hook). Sets BUS, MGR, TOKEN
# (the admin token, exported), RTMP_PORT and INGEST_HTTP.
kafka_roles() {
  local broker=$ONAIR_SOURCE_DIR/tests/support/kafka_broker.sh boot mgr_port
  TOKEN=oat_it_$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  export ONAIR_MANAGER_ADMIN_TOKEN=$TOKEN
  KDIR=$T/kafka
  boot=$(bash "$broker" start "$KDIR" "$@") || fail "test broker did not start: $(tail -5 "$KDIR/log" 2>/dev/null)"
  IT_PIDS+=("$(cat "$KDIR/pid")")
  BUS=kafka://$boot
  read -r mgr_port _ < <(free_ports)
  MGR=http://127.0.0.1:$mgr_port
  bg manager "$ONAIR_BIN" manager --http-listen "127.0.0.1:$mgr_port" --data-dir "$T/manager-data" --bus "$BUS"
  wait_until "$(scaled 10)" "the manager's /healthz" curl -sf -o /dev/null "$MGR/healthz"
  read -r RTMP_PORT INGEST_HTTP < <(free_ports)
  ONAIR_INGEST_MANAGER_TOKEN=$TOKEN bg ingest "$ONAIR_BIN" ingest --rtmp-listen "127.0.0.1:$RTMP_PORT" \
    --http-listen "127.0.0.1:$INGEST_HTTP" --data-dir "$T/ingest-data" --manager-url "$MGR" --bus "$BUS" --node-id ingest-1
  wait_until "$(scaled 10)" "the ingest's /healthz" curl -sf -o /dev/null "http://127.0.0.1:$INGEST_HTTP/healthz"
}

# kafka_channel NAME: creates the channel through the manager's API; sets KEY.
kafka_channel() {
  KEY=$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data-binary "{\"name\":\"$1\"}" "$MGR/api/v1/channels" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["stream_key"])') || fail "cannot create the channel $1"
}

# probe_parts URL SECONDS MIN_PARTS MAX_MEDIAN_MS: tools/latency/part_probe.py
# follows the LL-HLS playlist at URL; fails unless it saw MIN_PARTS parts
# without error, listed a median of at most MAX_MEDIAN_MS (times IT_SLOW)
# after their last frame reached the ingest. Sets PROBE_SUMMARY.
probe_parts() {
  python3 "$ONAIR_SOURCE_DIR/tools/latency/part_probe.py" "$1" --seconds "$2" --json >"$T/probe.json" ||
    fail "part_probe $1: $(cat "$T/probe.json")"
  PROBE_SUMMARY=$(python3 - "$T/probe.json" "$3" "$(( $4 * IT_SLOW ))" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
a = r["availability_ms"]
summary = "%d parts listed a median %.1f ms (p95 %.1f ms) after their last frame was published" % (r["parts"], a["median"], a["p95"])
ok = r["parts"] >= int(sys.argv[2]) and r["errors"] == 0 and a["median"] <= float(sys.argv[3])
print(summary if ok else "FAILED " + json.dumps(r))
PY
)
  [[ $PROBE_SUMMARY != FAILED* ]] || fail "part availability at $1: ${PROBE_SUMMARY#FAILED }"
}

# run_player URL SECONDS WHAT [play_hls.mjs options...]: hls.js in headless
# Chromium (tests/browser/play_hls.mjs) plays URL for SECONDS; fails (naming
# WHAT) unless it exits 0 and reports ok. Sets R, its JSON line.
run_player() {
  local url=$1 seconds=$2 what=$3 rc; shift 3
  set +e
  node "$ONAIR_SOURCE_DIR/tests/browser/play_hls.mjs" --url "$url" --seconds "$seconds" "$@" \
    >"$T/player.json" 2>"$T/player.err"
  rc=$?
  set -e
  R=$(cat "$T/player.json")
  log "hls.js: $R"
  [[ $rc -eq 0 ]] || fail "$what failed (exit $rc): $(json_field "$R" reason) $(tail -3 "$T/player.err")"
  [[ $(json_field "$R" ok) == true ]] || fail "$what: the player did not report ok"
}
