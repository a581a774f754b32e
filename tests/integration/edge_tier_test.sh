#!/usr/bin/env bash
# The edge tier without a load balancer: `onair serve` (its edge counts HLS
# viewers and reports edge.stats) with an ECS access log to a file, and an
# `onair edge --upstream` pull-through cache in front of it (access log on
# stderr by default). Viewers fetching HLS directly show in the API's
# stats.hls_viewers; the cache serves playlists and segments with the
# upstream's headers and an Age, every access-log line of both parses as
# JSON with the ECS fields, and once the upstream is gone an expired
# playlist is a 502 while a cached immutable segment is still served.
source "$(dirname "$0")/lib.sh"

TOKEN=oat_it_$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
export ONAIR_MANAGER_ADMIN_TOKEN=$TOKEN
export ONAIR_HTTP_ACCESS_LOG=$T/serve-access.log

source_flv
create_channel tier1
KEY=$CH_KEY
start_onair
start_publisher pub "$(rtmp_base)/$KEY"
wait_playable tier1 15
ok "tier1 playable after ${PLAYABLE_MS} ms"

# --- the pull-through edge ----------------------------------------------------
unset ONAIR_HTTP_ACCESS_LOG
read -r _ EDGE_PORT < <(free_ports)
EDGE=http://127.0.0.1:$EDGE_PORT
bg edge "$ONAIR_BIN" edge --upstream "$(http_base)" --http-listen "127.0.0.1:$EDGE_PORT" --data-dir "$T/edge" \
  --node-id edge-a
EDGE_PID=$BG_PID
edge_healthy() { curl -sf --max-time 2 -o /dev/null "$EDGE/healthz"; }
wait_until "$(scaled 10)" "the pull-through edge to answer /healthz" edge_healthy

MEDIA=/live/tier1/src/index.m3u8
[[ $(fetch "$EDGE$MEDIA" "$T/e0") == 200 ]] || fail "the edge answered $(cat "$T/e0.body") for the media playlist"
[[ $(header "$T/e0" Content-Type) == application/vnd.apple.mpegurl* ]] || fail "edge playlist Content-Type $(header "$T/e0" Content-Type)"
[[ $(header "$T/e0" Cache-Control) == "max-age=1" ]] || fail "edge playlist Cache-Control '$(header "$T/e0" Cache-Control)'"
SEG=$(last_uri "$T/e0.body")
[[ -n $SEG ]] || fail "no segment in the edge's playlist"
[[ $(fetch "$EDGE/live/tier1/src/$SEG" "$T/s1") == 200 ]] || fail "edge segment answered $(cat "$T/s1.body")"
[[ $(fetch "$EDGE/live/tier1/src/$SEG" "$T/s2") == 200 ]] || fail "edge segment (cached) failed"
[[ -n $(header "$T/s2" Age) ]] || fail "the cached segment has no Age header"
[[ $(header "$T/s2" Cache-Control) == *immutable* ]] || fail "the cached segment lost its Cache-Control"
cmp -s "$T/s1.body" "$T/s2.body" || fail "the cached segment differs from the first answer"
[[ $(fetch "$(http_base)/live/tier1/src/$SEG" "$T/s0") == 200 ]] && cmp -s "$T/s0.body" "$T/s1.body" ||
  fail "the edge's segment differs from the origin's"
ok "edge: playlist and segment $SEG ($(stat -c %s "$T/s1.body") bytes) with the upstream's headers, then from memory (Age $(header "$T/s2" Age))"

# --- viewers in the API -------------------------------------------------------
VIEWER_PIDS=()
for v in 1 2 3; do
  bg "viewer$v" bash -c "while :; do curl -s -A 'viewer-$v' -o /dev/null '$(http_base)$MEDIA'; sleep 1; done"
  VIEWER_PIDS+=("$BG_PID")
done
hls_viewers() {
  curl -sf --max-time 5 -H "Authorization: Bearer $TOKEN" "$(http_base)/api/v1/channels/tier1" |
    python3 -c 'import json,sys; s=(json.load(sys.stdin).get("broadcast") or {}).get("stats") or {}; print(s.get("hls_viewers",-1), s.get("edges",-1), s.get("viewers",-1), s.get("hls_kbps",-1))'
}
enough_viewers() { read -r HV EDGES VIEWERS KBPS < <(hls_viewers); (( HV >= 3 )); }
wait_until "$(scaled 15)" "3 HLS viewers in the API's stats" enough_viewers
(( EDGES == 1 )) || fail "stats.edges is $EDGES, expected 1 (serve's own edge)"
(( VIEWERS >= HV )) || fail "stats.viewers $VIEWERS < hls_viewers $HV"
ok "API: hls_viewers $HV (3 curl viewers, the pull-through edge, this test's curl), edges $EDGES, viewers $VIEWERS, hls_kbps $KBPS"

# --- access logs ----------------------------------------------------------------
check_access_log() {
  python3 - "$1" "$2" <<'PY'
import json, sys
path, service = sys.argv[1], sys.argv[2]
need = {"@timestamp": str, "client.ip": str, "url.path": str, "http.request.method": str,
        "http.response.status_code": int, "http.response.body.bytes": int, "event.duration": int,
        "user_agent.original": str, "service.name": str, "service.node.name": str, "event.dataset": str}
n = 0
for line in open(path):
    if '"onair.access"' not in line:
        continue  # the process's own log lines share stderr
    d = json.loads(line)
    for k, t in need.items():
        assert isinstance(d.get(k), t), f"{k} missing or not {t.__name__}: {line}"
    assert d["service.name"] == service, line
    assert d["@timestamp"].endswith("Z") and len(d["@timestamp"]) == 24, line
    n += 1
assert n > 0, "no access-log line"
print(n)
PY
}
N_SERVE=$(check_access_log "$T/serve-access.log" serve) || fail "serve's access log: $N_SERVE"
N_EDGE=$(check_access_log "$T/edge.err" edge) || fail "the edge's access log: $N_EDGE"
grep -q '"user_agent.original":"viewer-2"' "$T/serve-access.log" || fail "viewer-2 not in serve's access log"
grep -q '"service.node.name":"edge-a"' "$T/edge.err" || fail "the edge's node name not in its access log"
ok "access logs: $N_SERVE lines from serve, $N_EDGE from the edge, every one ECS JSON"

# --- the upstream gone ------------------------------------------------------------
for p in "${VIEWER_PIDS[@]}"; do stop_pid "$p" TERM 2; done
stop_pid "$PUB_PID" TERM 5
stop_onair
sleep 1.1  # the cached playlist's max-age=1
[[ $(fetch "$EDGE$MEDIA" "$T/gone") == 502 ]] || fail "an expired playlist with the upstream gone answered $(cat "$T/gone.body")"
grep -q "bad gateway" "$T/gone.body" || fail "502 body: $(cat "$T/gone.body")"
[[ $(fetch "$EDGE/live/tier1/src/$SEG" "$T/s3") == 200 ]] || fail "a cached immutable segment was not served with the upstream gone"
grep -q '"upstream fetch failed"' "$T/edge.err" || fail "no log line for the failed upstream fetch"
ok "upstream gone: playlist 502 ($(head -c 80 "$T/gone.body")), cached segment still 200"
stop_pid "$EDGE_PID" TERM 5
[[ $STOP_RC -eq 0 ]] || fail "the edge exited with $STOP_RC"
ok "done"
