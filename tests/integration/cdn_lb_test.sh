#!/usr/bin/env bash
# The CDN tier: Debian's nginx, configured by `onair lb-config`, in front of
# two `onair edge`s fed over the Kafka test broker (with `onair manager` and
# `onair ingest`).
#  1. The generated config (whole, and --http-only inside an http {}) passes
#     `nginx -t`; deploy/nginx/ holds exactly what the generator prints; bad
#     input is refused.
#  2. hls.js plays THROUGH the load balancer; every request of the broadcast
#     went to one edge (consistent hash of the channel). Range passes through.
#  3. Mid-playback that edge is killed with SIGKILL: playback goes on with at
#     most one stall of at most 2 s, and from then on the other edge answers
#     (the first request after the kill shows the retry).
#  4. A short load run through the load balancer (onair-bench) has no error.
#  4b. A pull-through cache edge (--upstream, --bus) reports its viewers as
#     edge.stats; the manager counts them.
#  4c. A 404 from an edge that is back but does not know the broadcast yet
#     is retried on the other edge (proxy_next_upstream http_404).
#  5. Every line of nginx's access log is one JSON object with the ECS fields
#     and the right types (numbers as numbers, null for no upstream).
source "$(dirname "$0")/lib.sh"

PLAYER=$ONAIR_SOURCE_DIR/tests/browser/play_hls.mjs
BROKER=$ONAIR_SOURCE_DIR/tests/support/kafka_broker.sh
# The load client: this build's, or (the sanitizer build has no bench tools)
# the release build's next to it; scripts/test.sh builds that one first.
BENCH=$ONAIR_BUILD_DIR/tools/bench/onair-bench
[[ -x $BENCH ]] || BENCH=$ONAIR_SOURCE_DIR/build/tools/bench/onair-bench
NGINX=/usr/sbin/nginx
[[ -x $NGINX ]] || fail "$NGINX missing: run scripts/setup.sh (nginx-light)"
[[ -x /usr/bin/chromium ]] || fail "/usr/bin/chromium missing: run scripts/setup.sh"
[[ -x $BENCH ]] || fail "onair-bench missing in $ONAIR_BUILD_DIR and $ONAIR_SOURCE_DIR/build: build the onair-bench target"

TOKEN=oat_it_$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
export ONAIR_MANAGER_ADMIN_TOKEN=$TOKEN
export ONAIR_HLS_SEGMENT_DURATION_MS=1000
export ONAIR_LOG_LEVEL=info
export ONAIR_BUS_FETCH_WAIT_MS=10
CH=lbtest

# --- 1. the generator ---------------------------------------------------------
# deploy/nginx/ is the generator's output for the arguments in its header.
for f in onair-lb.conf onair-lb.http.conf; do
  committed=$ONAIR_SOURCE_DIR/deploy/nginx/$f
  # shellcheck disable=SC2046  # the arguments, one word each, from the header
  "$ONAIR_BIN" $(sed -n '2s/^#   onair //p' "$committed") >"$T/$f" || fail "onair lb-config for $f failed"
  diff -u "$committed" "$T/$f" >"$T/$f.diff" || fail "deploy/nginx/$f is not what onair lb-config prints: $(head -20 "$T/$f.diff")"
done
for bad in "--edge a;b:80" "--edge 127.0.0.1:0" "--edge 127.0.0.1:80 --edge 127.0.0.1:80" \
           "--edge 127.0.0.1:80 --access-log /tmp/x\$y" "--edge 127.0.0.1:80 --app a/b" "--edge 127.0.0.1:80 --listen x{"; do
  # shellcheck disable=SC2086  # the words of each case
  if "$ONAIR_BIN" lb-config $bad >/dev/null 2>>"$T/lbconfig.err"; then fail "onair lb-config accepted: $bad"; fi
done
ok "deploy/nginx/ matches onair lb-config; bad edges, paths, apps and listens are refused"

# --- the cluster ---------------------------------------------------------------
KDIR=$T/kafka
BOOT=$(bash "$BROKER" start "$KDIR" onair.media:4 onair.events:1) || fail "test broker did not start: $(tail -5 "$KDIR/log" 2>/dev/null)"
IT_PIDS+=("$(cat "$KDIR/pid")")
BUS=kafka://$BOOT

read -r MGR_PORT RTMP_PORT < <(free_ports)
MGR=http://127.0.0.1:$MGR_PORT
bg manager "$ONAIR_BIN" manager --http-listen "127.0.0.1:$MGR_PORT" --data-dir "$T/manager-data" --bus "$BUS" --node-id manager-1
MGR_PID=$BG_PID
wait_until "$(scaled 10)" "the manager's /healthz" curl -sf -o /dev/null "$MGR/healthz"
KEY=$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  --data-binary "{\"name\":\"$CH\"}" "$MGR/api/v1/channels" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stream_key"])') ||
  fail "cannot create the channel"

read -r INGEST_HTTP LB_PORT < <(free_ports)
ONAIR_INGEST_MANAGER_TOKEN=$TOKEN bg ingest "$ONAIR_BIN" ingest --rtmp-listen "127.0.0.1:$RTMP_PORT" \
  --http-listen "127.0.0.1:$INGEST_HTTP" --data-dir "$T/ingest-data" --manager-url "$MGR" --bus "$BUS" --node-id ingest-1
wait_until "$(scaled 10)" "the ingest's /healthz" curl -sf -o /dev/null "http://127.0.0.1:$INGEST_HTTP/healthz"

read -r E1 E2 < <(free_ports)
EDGE_PORTS=("" "$E1" "$E2")
EDGE_PIDS=()
for n in 1 2; do
  bg "edge$n" "$ONAIR_BIN" edge --http-listen "127.0.0.1:${EDGE_PORTS[$n]}" --data-dir "$T/edge$n-data" --bus "$BUS" \
    --node-id "edge-$n"
  EDGE_PIDS[$n]=$BG_PID
done
for n in 1 2; do
  wait_until "$(scaled 10)" "edge $n's /healthz" curl -sf -o /dev/null "http://127.0.0.1:${EDGE_PORTS[$n]}/healthz"
done

# --- the load balancer ------------------------------------------------------------
NGX=$T/nginx
ACCESS=$NGX/access.json
mkdir -p "$NGX"
"$ONAIR_BIN" lb-config --edge "127.0.0.1:$E1" --edge "127.0.0.1:$E2" --listen "127.0.0.1:$LB_PORT" \
  --access-log "$ACCESS" >"$NGX/nginx.conf" || fail "onair lb-config failed"
"$NGINX" -t -q -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" 2>"$T/nginx-t.err" ||
  fail "nginx -t refuses the generated config: $(cat "$T/nginx-t.err")"
# The --http-only fragment inside someone else's http {} (Debian's conf.d).
"$ONAIR_BIN" lb-config --edge "127.0.0.1:$E1" --edge "127.0.0.1:$E2" --listen "127.0.0.1:$LB_PORT" \
  --access-log "$ACCESS" --http-only >"$NGX/fragment.conf" || fail "onair lb-config --http-only failed"
printf 'pid host.pid;\nevents {}\nhttp {\n    proxy_temp_path proxy_temp;\n    client_body_temp_path body_temp;\n    include fragment.conf;\n}\n' \
  >"$NGX/host.conf"
"$NGINX" -t -q -p "$NGX" -c "$NGX/host.conf" -e "$NGX/error.log" 2>"$T/nginx-t.err" ||
  fail "nginx -t refuses the --http-only fragment inside an http {}: $(cat "$T/nginx-t.err")"
bg nginx "$NGINX" -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" -g 'daemon off;'
NGINX_PID=$BG_PID
LB=http://127.0.0.1:$LB_PORT
wait_until "$(scaled 10)" "nginx's /onair-lb/healthz" curl -sf -o /dev/null "$LB/onair-lb/healthz"
ok "nginx -t accepts the generated config and its --http-only fragment in an http {}; nginx balances edges 127.0.0.1:$E1 and 127.0.0.1:$E2 on $LB"

# --- 2. publish; play through the load balancer -------------------------------------
cached_source src-240p15-light 320x240 15 400k 15 64k
start_publisher pub "rtmp://127.0.0.1:$RTMP_PORT/live/$KEY"
lb_playable() { HTTP_PORT=$LB_PORT live_playable "$CH"; }
wait_until "$(scaled 20)" "the load balancer to serve the broadcast" lb_playable

# access_log_upstreams FROM_LINE: the distinct edges the broadcast's requests
# from line FROM_LINE (1-based) on were sent to first (the hash's choice; a
# 404 from an edge still catching up is retried on the other), one a line.
access_log_upstreams() {
  tail -n "+$1" "$ACCESS" | python3 -c '
import json, sys
seen = set()
for line in sys.stdin:
    e = json.loads(line)
    if e["url.path"].startswith("/live/'"$CH"'/") and e["upstream.address"]:
        seen.add(e["onair.lb.tried"].split(", ")[0])
print("\n".join(sorted(seen)))'
}
mapfile -t serving < <(access_log_upstreams 1)
[[ ${#serving[@]} -eq 1 ]] || fail "the broadcast's requests went to ${#serving[@]} edges before any failure: ${serving[*]}"
SERVING=${serving[0]}
for n in 1 2; do [[ $SERVING == "127.0.0.1:${EDGE_PORTS[$n]}" ]] && DEAD=$n; done
[[ -n ${DEAD:-} ]] || fail "upstream.address $SERVING is neither edge"
OTHER=127.0.0.1:${EDGE_PORTS[$((3 - DEAD))]}
ok "every request of the broadcast went to edge $DEAD ($SERVING)"

# Range passes through: the same bytes as from the edge itself.
seg_url=${MEDIA_URL#"$LB"}
seg_url=${seg_url%/*}/$(first_uri "$T/pl-media.body")
range_code=$(curl -sS --max-time 5 -H 'Range: bytes=188-375' -o "$T/range.lb" -w '%{http_code}' "$LB$seg_url")
curl -sS --max-time 5 -H 'Range: bytes=188-375' -o "$T/range.edge" "http://$SERVING$seg_url"
if [[ $range_code != 206 || $(stat -c %s "$T/range.lb") -ne 188 ]] || ! cmp -s "$T/range.lb" "$T/range.edge"; then
  fail "Range through the load balancer: $range_code, $(stat -c %s "$T/range.lb") bytes"
fi
etag=$(curl -sS --max-time 5 -D - -o /dev/null "$LB$seg_url" | grep -i '^etag:' | cut -d: -f2- | tr -d ' \r' || true)
if [[ -n $etag ]]; then
  inm_code=$(curl -sS --max-time 5 -H "If-None-Match: $etag" -o /dev/null -w '%{http_code}' "$LB$seg_url")
  [[ $inm_code == 304 ]] || fail "If-None-Match $etag through the load balancer: $inm_code, not 304"
  ok "Range (206, same bytes as the edge) and If-None-Match (304) pass through"
else
  ok "Range passes through (206, same bytes as the edge); the edge sends no ETag on segments yet"
fi

# --- 3. SIGKILL the serving edge mid-playback -------------------------------------------
PLAY_S=14
bg player node "$PLAYER" --url "$LB/live/$CH/index.m3u8" --seconds "$PLAY_S" --min-advance 0.85 \
  --startup-timeout "$(scaled 20)"
PLAYER_PID=$BG_PID
player_segments() {
  python3 -c '
import json, sys
print(sum(1 for l in open(sys.argv[1]) if "Chrome" in (e := json.loads(l))["user_agent.original"] and e["url.path"].endswith(".ts")))' "$ACCESS"
}
player_playing() { (( $(player_segments) >= 4 )); }
wait_until "$(scaled 30)" "hls.js to load segments through the load balancer" player_playing
sleep 3
kill -KILL "${EDGE_PIDS[$DEAD]}"
wait "${EDGE_PIDS[$DEAD]}" 2>/dev/null || true
sleep 0.2  # a request cut by the kill is logged now
KILL_LINE=$(( $(wc -l <"$ACCESS") + 1 ))
log "killed edge $DEAD ($SERVING) at access-log line $KILL_LINE"
wait_pid "$PLAYER_PID" $(( $(scaled 20) + PLAY_S + 30 ))
[[ $STOP_RC -eq 0 ]] || fail "hls.js through the load balancer failed (exit $STOP_RC): $(cat "$T/player.out") $(tail -3 "$T/player.err")"
python3 - "$T/player.out" "$IT_SLOW" <<'PY' || fail "playback across the kill: $(cat "$T/player.out")"
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
limit = 2.0 * int(sys.argv[2])
assert r["ok"], r["reason"]
assert r["stall_episodes"] <= 1, "%d stalls" % r["stall_episodes"]
assert r["longest_stall_s"] <= limit, "a stall of %.2f s" % r["longest_stall_s"]
PY
ok "hls.js played through the kill: $(python3 -c 'import json,sys; r=json.load(sys.stdin); print("advance %s, %d stall(s), longest %.2f s, first frame %d ms" % (r["advance_ratio"], r["stall_episodes"], r["longest_stall_s"], r["first_frame_ms"]))' <"$T/player.out")"

python3 - "$ACCESS" "$KILL_LINE" "$SERVING" "$OTHER" "$CH" <<'PY' || fail "requests after the kill"
import json, sys
path, kill_line, dead, other, ch = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
lines = [json.loads(l) for l in open(path).read().splitlines()]
broadcast = lambda es: [e for e in es if e["url.path"].startswith("/live/%s/" % ch) and e["upstream.address"]]
before = broadcast(lines[:kill_line - 1])
elsewhere = [e for e in before if e["onair.lb.tried"].split(", ")[0] != dead]
assert not elsewhere, "before the kill, not from the edge of the broadcast: %s" % elsewhere[:3]
live = broadcast(lines[kill_line - 1:])
assert len(live) >= 5, "only %d requests after the kill" % len(live)
wrong = [e for e in live if e["upstream.address"] != other or e["http.response.status_code"] not in (200, 206, 304)]
assert not wrong, "not answered by the other edge: %s" % wrong[:3]
assert any(dead in e["onair.lb.tried"] for e in live), "no request after the kill tried the dead edge first"
PY
ok "after the kill every request was answered by the other edge ($OTHER); the first ones retried past the dead one"

# A request nginx answers itself: no upstream, still valid JSON (null status).
curl -s -o /dev/null -X TRACE "$LB/live/$CH/index.m3u8" || true

# --- 4. a load run through the load balancer --------------------------------------------
BENCH_LINE=$(( $(wc -l <"$ACCESS") + 1 ))
POLLERS=20
"$BENCH" --hls-pollers "$POLLERS" --url-hls "$LB/live/$CH/src/index.m3u8" --duration 5 --json >"$T/bench.json" 2>"$T/bench.err" ||
  fail "onair-bench failed: $(tail -3 "$T/bench.err")"
python3 - "$T/bench.json" "$ACCESS" "$BENCH_LINE" "$POLLERS" <<'PY' || fail "the load run: $(cat "$T/bench.json")"
import json, sys
b = json.loads(open(sys.argv[1]).read())["hls"]
n = int(sys.argv[4])
assert b["started"] == n and b["connected"] == n and b["failed"] == 0 and b["stalls"] == 0, b
lines = [json.loads(l) for l in open(sys.argv[2]).read().splitlines()[int(sys.argv[3]) - 1:]]
assert len(lines) >= 2 * n, "only %d requests logged" % len(lines)
bad = [e for e in lines if e["http.response.status_code"] != 200]
assert not bad, "%d error answers, e.g. %s" % (len(bad), bad[:2])
print("%d requests, %.1f Mbit/s" % (len(lines), b["mbps"]))
PY
ok "onair-bench: $POLLERS HLS pollers through the load balancer, no error: $(tail -1 "$T/bench.json")"

# --- 4b. a pull-through cache edge in front of the surviving edge reports its viewers ---
# It packages nothing; it learns the broadcast from the segment names it
# serves and reports edge.stats over the bus like any edge.
read -r CACHE_PORT _ < <(free_ports)
bg cache "$ONAIR_BIN" edge --upstream "http://$OTHER" --http-listen "127.0.0.1:$CACHE_PORT" --data-dir "$T/cache-data" \
  --bus "$BUS" --node-id cache-1
CACHE_PID=$BG_PID
CACHE=http://127.0.0.1:$CACHE_PORT
wait_until "$(scaled 10)" "the cache edge's /healthz" curl -sf -o /dev/null "$CACHE/healthz"
CACHE_VIEWER_PIDS=()
for v in 1 2 3; do
  bg "cache-viewer$v" bash -c "while :; do curl -s -A 'cache-viewer-$v' -o \"$T/cv$v.m3u8\" '$CACHE/live/$CH/src/index.m3u8';
    s=\$(grep -v '^#' \"$T/cv$v.m3u8\" | tail -1); [[ -n \$s ]] && curl -s -A 'cache-viewer-$v' -o /dev/null \"$CACHE/live/$CH/src/\$s\"; sleep 1; done"
  CACHE_VIEWER_PIDS+=("$BG_PID")
done
cache_reported() {
  timeout 10 kcat -b "$BOOT" -C -t onair.events -o beginning -e -q 2>/dev/null | python3 -c '
import json, sys
best = 0
for line in sys.stdin:
    try: e = json.loads(line)
    except ValueError: continue
    if e.get("type") == "edge.stats" and e.get("node") == "cache-1" and e.get("channel", {}).get("name") == "'"$CH"'":
        assert e["bytes"] > 0 and e["requests"] > 0, e
        best = max(best, e["viewers"])
sys.exit(0 if best >= 3 else 1)'
}
wait_until "$(scaled 20)" "the cache edge's edge.stats with its 3 viewers on onair.events" cache_reported
api_hls_viewers() {
  curl -sf --max-time 5 -H "Authorization: Bearer $TOKEN" "$MGR/api/v1/channels/$CH" |
    python3 -c 'import json,sys; s=(json.load(sys.stdin).get("broadcast") or {}).get("stats") or {}; print(s.get("hls_viewers",-1), s.get("edges",-1))'
}
cache_in_api() { read -r HV EDGES < <(api_hls_viewers); (( HV >= 3 && EDGES >= 2 )); }
wait_until "$(scaled 15)" "the manager to count the cache edge's viewers" cache_in_api
for p in "${CACHE_VIEWER_PIDS[@]}"; do stop_pid "$p" TERM 2; done
ok "a cache edge (--upstream the surviving edge, --bus) reported its 3 viewers as edge.stats; the API shows hls_viewers $HV from $EDGES edges"

# --- 4c. an edge back on the dead one's address that does not know the broadcast yet ---
# (a just-restarted edge before it has read the log): consistent hashing
# sends the channel back to it once nginx tries it again (fail_timeout 5 s);
# its 404 is retried on the other edge, so viewers only ever see 200s.
mkdir -p "$T/empty"
bg cold python3 -m http.server "${EDGE_PORTS[$DEAD]}" --bind 127.0.0.1 --directory "$T/empty"
COLD_PID=$BG_PID
wait_until "$(scaled 10)" "the cold stand-in on $SERVING" curl -s -o /dev/null "http://$SERVING/"
COLD_LINE=$(( $(wc -l <"$ACCESS") + 1 ))
retried_404() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$LB/live/$CH/src/index.m3u8")
  [[ $code == 200 ]] || fail "through the load balancer, with a cold edge back: $code"
  tail -n "+$COLD_LINE" "$ACCESS" | grep -q '"onair.lb.tried":"'"$SERVING"', '"$OTHER"'"'
}
wait_until "$(scaled 12)" "nginx to send the channel to the cold edge and retry its 404" retried_404
stop_pid "$COLD_PID" TERM 2
python3 - "$ACCESS" "$COLD_LINE" "$CH" <<'PY' || fail "requests while the cold edge was back"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()[int(sys.argv[2]) - 1:]]
mine = [e for e in lines if e["url.path"].startswith("/live/%s/" % sys.argv[3])]
assert mine and all(e["http.response.status_code"] == 200 for e in mine), [e["http.response.status_code"] for e in mine]
PY
ok "a cold edge back on $SERVING answered 404; nginx retried on $OTHER and every viewer request got 200"

# --- 5. every access-log line, ECS fields and types ---------------------------------------
stop_pid "$NGINX_PID" QUIT "$(scaled 5)"  # graceful: every log line written
python3 - "$ACCESS" "$ONAIR_SOURCE_DIR/deploy/elk" <<'PY' || fail "nginx's access log"
import datetime, json, sys, yaml
# The ELK side takes these lines as they are: Filebeat's input parses, and
# the index template maps every field of every line, numbers as long.
beat = yaml.safe_load(open(sys.argv[2] + "/filebeat.yml"))
assert all(i["parsers"] == [{"ndjson": {"target": "", "overwrite_keys": True, "expand_keys": True, "add_error_key": True}}]
           for i in beat["filebeat.inputs"]), beat
props = json.load(open(sys.argv[2] + "/onair-index-template.json"))["template"]["mappings"]["properties"]
def mapped(name):
    node = {"properties": props}
    for part in ([name] if name == "@timestamp" else name.split(".")):
        node = node["properties"][part]
    return node["type"]
STR = ["@timestamp", "client.ip", "url.path", "url.query", "url.original", "http.request.method", "user_agent.original",
       "http.request.referrer", "upstream.address", "service.name", "event.dataset", "onair.lb.tried"]
INT = ["http.response.status_code", "http.response.body.bytes", "event.duration"]
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert len(lines) >= 50, "only %d lines" % len(lines)
no_upstream = 0
for i, line in enumerate(lines, 1):
    e = json.loads(line)
    for k in STR:
        assert isinstance(e.get(k), str), "line %d: %s is %r" % (i, k, e.get(k))
    for k in INT:
        assert type(e.get(k)) is int and e[k] >= 0, "line %d: %s is %r" % (i, k, e.get(k))
    us = e.get("upstream.response.status_code", "missing")
    assert us is None or (type(us) is int and 100 <= us <= 599), "line %d: upstream status %r" % (i, us)
    assert 100 <= e["http.response.status_code"] <= 599
    assert e["service.name"] == "onair-lb"
    datetime.datetime.fromisoformat(e["@timestamp"])
    assert e["event.duration"] % 1000000 == 0 and e["event.duration"] < 60 * 10**9, e["event.duration"]
    for k, v in e.items():
        want = ("long",) if type(v) is int or k == "upstream.response.status_code" else ("keyword", "ip", "date", "text")
        assert mapped(k) in want, "line %d: %s=%r is mapped as %s" % (i, k, v, mapped(k))
    if us is None:
        no_upstream += 1
        assert e["upstream.address"] == "" and e["http.request.method"] == "TRACE", e
assert no_upstream == 1, "%d lines without an upstream" % no_upstream
print(len(lines))
PY
ok "every line of nginx's access log is JSON with the ECS fields and types, each mapped by deploy/elk's template ($(wc -l <"$ACCESS") lines)"

# --- the end ----------------------------------------------------------------------------
stop_pid "$PUB_PID" TERM 5
survivor=$((3 - DEAD))
stop_pid "${EDGE_PIDS[$survivor]}" TERM "$(scaled 5)"
[[ $STOP_RC -eq 0 ]] || fail "edge $survivor exited with $STOP_RC"
stop_pid "$CACHE_PID" TERM "$(scaled 5)"
[[ $STOP_RC -eq 0 ]] || fail "the cache edge exited with $STOP_RC"
stop_pid "$MGR_PID" TERM "$(scaled 5)"
[[ $STOP_RC -eq 0 ]] || fail "the manager exited with $STOP_RC"
for f in "$T"/*.err "$T"/*.out "$ACCESS"; do assert_no_secret "$KEY" "logs" "$f"; done
bash "$BROKER" stop "$KDIR"
