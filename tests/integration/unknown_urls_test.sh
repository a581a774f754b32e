#!/usr/bin/env bash
# Unknown names are a cheap 404 that leaves nothing behind (OvenMediaEngine
# had a memory-leak DoS there): `onair serve` with a live broadcast, and an
# `onair edge --upstream` cache in front of it, are hammered with wrk for
# 6 s each with URLs that name nothing: unknown channels, renditions,
# segment numbers and broadcast prefixes of the live channel, unknown
# recordings. Every answer is a 404; the resident memory of both, measured
# after a warm-up round, grows by less than 3 MiB (beyond what it does idle) over 100 000s of
# unknown URLs (a byte kept per request would show); the cache holds no
# more bytes than before and the edge packages no new broadcast; the
# broadcast still plays.
source "$(dirname "$0")/lib.sh"

command -v wrk >/dev/null || fail "wrk missing: run scripts/setup.sh"
export ONAIR_HTTP_ACCESS_LOG=off
export ONAIR_HLS_SEGMENT_DURATION_MS=1000

source_flv
create_channel known
start_onair
start_publisher pub "$(rtmp_base)/$CH_KEY"
wait_playable known 15
# The broadcast's own memory grows until its window (6 segments + 2 of
# grace) is full: measure from then on.
window_full() { fetch "$(http_base)/live/known/src/index.m3u8" "$T/w" >/dev/null && (( $(grep -c '^#EXTINF' "$T/w.body") >= 6 )); }
wait_until "$(scaled 20)" "the live window to fill" window_full
sleep 3

read -r _ EDGE_PORT < <(free_ports)
EDGE=http://127.0.0.1:$EDGE_PORT
bg edge "$ONAIR_BIN" edge --upstream "$(http_base)" --http-listen "127.0.0.1:$EDGE_PORT" --data-dir "$T/edge" \
  --node-id edge-a
EDGE_PID=$BG_PID
wait_until "$(scaled 10)" "the cache edge's /healthz" curl -sf -o /dev/null "$EDGE/healthz"

# Each request a new name, five kinds in turn.
cat >"$T/unknown.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  local r = math.random(1, 2000000000)
  local k = n % 6
  local path
  if k == 0 then path = "/live/nochan" .. r .. "/index.m3u8"
  elseif k == 1 then path = "/live/known/src/x" .. r .. "-1.ts"
  elseif k == 2 then path = "/live/known/r" .. r .. "/index.m3u8"
  elseif k == 3 then path = "/vod/rec" .. r .. "/index.m3u8"
  elseif k == 4 then path = "/live/known/src/" .. r .. ".m4s"
  else path = "/live/c" .. r .. "/src/b" .. r .. "-" .. n .. ".ts" end
  return wrk.format("GET", path)
end
LUA

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# hammer URL SECONDS NAME: wrk's totals into $T/NAME.wrk; "requests non2xx".
hammer() {
  wrk -t1 -c16 -d"$2s" -s "$T/unknown.lua" "$1" >"$T/$3.wrk" 2>&1 || fail "wrk against $1 failed: $(cat "$T/$3.wrk")"
  local total non
  total=$(awk '/requests in/ {print $1}' "$T/$3.wrk")
  non=$(awk '/Non-2xx or 3xx responses/ {print $NF}' "$T/$3.wrk")
  echo "${total:-0} ${non:-0}"
}

check_target() {  # URL PID NAME
  local url=$1 pid=$2 name=$3 total non before after idle0 idle1
  hammer "$url" 2 "$name-warm" >/dev/null
  # The control: what RSS does in 7 s without requests.
  idle0=$(rss_kib "$pid"); sleep 7; idle1=$(rss_kib "$pid")
  before=$(rss_kib "$pid")
  read -r total non < <(hammer "$url" 6 "$name")
  sleep 1
  after=$(rss_kib "$pid")
  (( total >= 10000 )) || fail "$name: only $total requests in 6 s"
  (( non == total )) || fail "$name: $((total - non)) of $total unknown URLs were not an error answer"
  local limit=3072
  # ASan keeps freed memory in its quarantine: growth there says nothing.
  (( IT_SLOW > 1 )) && limit=$((256 * 1024))
  local idle=$(( idle1 > idle0 ? idle1 - idle0 : 0 ))
  (( after - before - idle < limit )) ||
    fail "$name: RSS grew by $(( after - before )) KiB over $total unknown URLs (from $before KiB; $idle KiB in as long idle)"
  ok "$name: $total unknown URLs in 6 s, all 404; RSS $before → $after KiB ($(( after - before )) KiB; idle control $idle KiB)"
}

# A sample of each kind is a 404 with the shared short body, no name echoed.
for p in /live/nochan1/index.m3u8 /live/known/src/x1-1.ts /live/known/r1/index.m3u8 /vod/rec1/index.m3u8 /live/known/src/1.m4s; do
  for base in "$(http_base)" "$EDGE"; do
    code=$(fetch "$base$p" "$T/one")
    [[ $code == 404 ]] || fail "$base$p answered $code"
    grep -q 'nochan1\|x1-1\|rec1' "$T/one.body" && fail "$base$p echoes the name: $(cat "$T/one.body")"
  done
done
ok "every kind of unknown URL is a 404 on serve and on the cache edge, the name not echoed"

BROADCASTS=$(metric onair_edge_broadcasts)
check_target "$(http_base)" "$ONAIR_PID" serve
check_target "$EDGE" "$EDGE_PID" cache-edge
[[ $(metric onair_edge_broadcasts) == "$BROADCASTS" ]] || fail "serve packages $(metric onair_edge_broadcasts) broadcasts, was $BROADCASTS"
cache_bytes=$(curl -sf "$EDGE/metrics" | awk '$1=="onair_edge_cache_bytes" {print $2}')
[[ ${cache_bytes:-0} == 0 ]] || fail "the cache edge keeps $cache_bytes bytes after unknown URLs only"
ok "afterwards: serve still packages $BROADCASTS broadcast(s); the cache edge holds 0 bytes"
live_playable known || fail "the broadcast no longer plays after the unknown URLs"
ok "the broadcast still plays"
stop_pid "$EDGE_PID" TERM "$(scaled 5)"
[[ $STOP_RC -eq 0 ]] || fail "the cache edge exited with $STOP_RC"
