#!/usr/bin/env bash
# Debian's nginx + libnginx-mod-rtmp as the media server, configured by
# deploy/nginx-rtmp/nginx.conf (ports and paths substituted), its notify
# hooks pointed at `onair serve` as the manager. A wrong key is refused and
# writes nothing; the right key is pushed into the hls application and plays
# as HLS under the channel's name; on_update keeps the broadcast live past
# the manager's heartbeat timeout; a second publisher of the live key is
# refused and the first keeps the stream; no HLS file name, playlist or nginx
# log holds the key; on_publish_done ends the broadcast when the publisher
# stops. Needs the hook routes in `onair serve` (it says so when they are
# missing).
source "$(dirname "$0")/lib.sh"

NGINX_MODULE=/usr/lib/nginx/modules/ngx_rtmp_module.so
DEPLOY_CONF=$ONAIR_SOURCE_DIR/deploy/nginx-rtmp/nginx.conf
command -v nginx >/dev/null && [[ -f $NGINX_MODULE ]] ||
  fail "nginx with the RTMP module missing (scripts/setup.sh installs nginx-light libnginx-mod-rtmp)"
NGX=$T/nginx              # nginx's prefix: temp files
WWW=$T/www                # the deploy's /var/lib/onair-nginx: HLS in $WWW/hls/<channel>/
NGINX_LOG_LEVEL=${ONAIR_IT_NGINX_LOG_LEVEL:-crit}  # info shows more, and the key (README.md)

TOKEN=oat_it$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
export ONAIR_MANAGER_ADMIN_TOKEN=$TOKEN
source_flv
create_channel studio
KEY=$CH_KEY
BAD=sk_wrong$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
start_onair

# The hooks answer before nginx is involved: 401 for a wrong token, 400 for
# a body that is not an nginx-rtmp callback.
hook() {  # PATH_AND_QUERY BODY: prints the status
  curl -sS --max-time 5 -o "$T/hook.body" -w '%{http_code}' -X POST \
    -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$2" "$(http_base)$1" 2>>"$T/curl.err" ||
    echo 000
}
code=$(hook "/hooks/nginx-rtmp/on_publish?token=$TOKEN" "call=publish")
[[ $code != 404 && $code != 405 ]] ||
  fail "onair serve does not route POST /hooks/nginx-rtmp/on_publish (it answered $code): the hook routes are not wired"
[[ $code == 400 ]] || fail "on_publish with a body lacking app/addr/clientid/name answered $code, not 400"
code=$(hook "/hooks/nginx-rtmp/on_publish?token=wrong" "call=publish&app=live&addr=127.0.0.1&clientid=1&name=x")
[[ $code == 401 ]] || fail "on_publish with a wrong token answered $code, not 401"
ok "hook routes: 400 for a malformed callback, 401 for a wrong token"

# nginx.conf from the deploy example: every substitution must apply, so a
# change to the example that this test no longer covers fails here.
start_nginx() {
  local try
  mkdir -p "$NGX/tmp" "$WWW"
  for try in 1 2 3; do
    read -r NGX_RTMP NGX_HTTP < <(free_ports)
    python3 - "$DEPLOY_CONF" "$NGX/nginx.conf" <<PY || fail "the deploy nginx.conf no longer has the shape this test substitutes"
import sys
src, out = sys.argv[1], sys.argv[2]
s = open(src).read()
def sub(old, new):
    global s
    if old not in s:
        sys.exit("not in the deploy nginx.conf: " + old)
    s = s.replace(old, new)
sub("user www-data;", "user $(id -un) $(id -gn);")  # as root, workers must write into \$T
sub("pid /run/nginx.pid;", "pid $NGX/nginx.pid;")
sub("error.log crit;", "error.log $NGINX_LOG_LEVEL;")
sub("/var/log/nginx/", "$T/nginx-")
sub("/var/lib/onair-nginx", "$WWW")
sub("listen 1935;", "listen 127.0.0.1:$NGX_RTMP;")
sub("listen 80;", "listen 127.0.0.1:$NGX_HTTP;")
sub("http://127.0.0.1:8080/", "http://127.0.0.1:$HTTP_PORT/")
sub("on_publish?token=CHANGE_ME;", "on_publish?token=CHANGE_ME&push_to=rtmp://127.0.0.1:$NGX_RTMP/hls;")
sub("token=CHANGE_ME", "token=$TOKEN")
sub("http {\n", "http {\n" + "".join("    %s_temp_path $NGX/tmp/%s;\n" % (t, t)
                                     for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")))
open(out, "w").write(s)
PY
    bg nginx nginx -p "$NGX" -c "$NGX/nginx.conf" -g 'daemon off;'
    NGINX_PID=$BG_PID
    local end=$(( $(now_ms) + 10000 ))
    while (( $(now_ms) < end )); do
      if [[ $(curl -s --max-time 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NGX_HTTP/") == 404 ]] &&
         (echo >"/dev/tcp/127.0.0.1/$NGX_RTMP") 2>/dev/null; then
        log "nginx pid $NGINX_PID rtmp 127.0.0.1:$NGX_RTMP http 127.0.0.1:$NGX_HTTP"
        return 0
      fi
      alive "$NGINX_PID" || break
      sleep 0.05
    done
    alive "$NGINX_PID" && fail "nginx did not listen within 10 s"
    if grep -qi "in use" "$T/nginx.err" "$T/nginx-error.log" 2>/dev/null; then log "port race (try $try), retrying"; continue; fi
    fail "nginx exited during start-up: $(tail -3 "$T/nginx.err")"
  done
  fail "could not start nginx on free ports"
}
start_nginx
NGX_LIVE=rtmp://127.0.0.1:$NGX_RTMP/live
NGX_HLS=http://127.0.0.1:$NGX_HTTP/hls

# What nginx wrote under the deploy's /var/lib/onair-nginx (hls/ itself aside).
hls_files() { find "$WWW" -mindepth 1 ! -path "$WWW/hls" | sed "s|^$WWW/||" | sort; }

# A wrong key: nginx-rtmp closes the connection on the 403 (ffmpeg sees an
# I/O error), the manager records the refusal, nothing is written.
expect_publish_refused "$NGX_LIVE/$BAD" bad-key
wait_until 5 "the manager to log the refusal" test -n "$(log_lines "publish rejected")"
grep -q '"client.ip":"127.0.0.1"' <<<"$(log_lines "publish rejected")" || fail "refusal logged without client.ip"
[[ -z $(hls_files) ]] || fail "a refused publish wrote: $(hls_files | head -5)"
ok "wrong key refused in $REFUSED_MS ms (ffmpeg exit $REFUSED_RC), nothing written"

# The right key: pushed into the hls application as 'studio'.
start_publisher pub "$NGX_LIVE/$KEY"
t0=$(now_ms)
hls_playable() {
  [[ $(fetch "$NGX_HLS/studio/index.m3u8" "$T/ngx-pl") == 200 ]] || return 1
  local seg; seg=$(last_uri "$T/ngx-pl.body") && [[ -n $seg ]] || return 1
  [[ $(fetch "$NGX_HLS/studio/$seg" "$T/ngx-seg") == 200 && -s $T/ngx-seg.body ]]
}
wait_until "$(scaled 20)" "HLS of studio from nginx" hls_playable
ok "HLS playable at /hls/studio/index.m3u8 $(( $(now_ms) - t0 )) ms after the publish started"
[[ $(header "$T/ngx-pl" Content-Type) == application/vnd.apple.mpegurl ]] ||
  fail "playlist Content-Type: $(header "$T/ngx-pl" Content-Type)"
[[ $(header "$T/ngx-seg" Content-Type) == video/mp2t ]] || fail "segment Content-Type: $(header "$T/ngx-seg" Content-Type)"
[[ $(header "$T/ngx-pl" Access-Control-Allow-Origin) == "*" ]] || fail "no CORS header on the playlist"
started=$(log_lines "broadcast started")
grep -q '"onair.channel":"studio"' <<<"$started" && grep -q '"onair.node":"nginx-rtmp:127.0.0.1"' <<<"$started" ||
  fail "the manager did not log a broadcast of studio from nginx-rtmp: $started"

decode_clean "$NGX_HLS/studio/index.m3u8" 4
si=$(stream_info "$NGX_HLS/studio/index.m3u8")
[[ $si == *video=h264/High/1280x720* && $si == *audio=aac/LC/48000/2ch* ]] || fail "HLS streams: $si"
ok "ffmpeg decodes 4 s of the HLS: $si"

# on_update is the heartbeat: past the manager's 5 s timeout the broadcast
# is still live and the publisher still connected.
sleep 7
alive "$PUB_PID" || fail "the publisher was dropped while live: $(tail -3 "$T/pub.err")"
[[ -z $(log_lines "broadcast ended") ]] || fail "the broadcast ended while live: $(log_lines "broadcast ended")"
ok "7 s later still live (on_update heartbeats)"

# The same key again while it is live: nginx-rtmp would refuse it itself
# ("already publishing"), but only after on_publish, so the hook refuses it
# without a takeover and the first publisher keeps the stream.
expect_publish_refused "$NGX_LIVE/$KEY" second-publisher
seq0=$(grep -m1 '^#EXT-X-MEDIA-SEQUENCE' "$WWW/hls/studio/index.m3u8")
last0=$(last_uri "$WWW/hls/studio/index.m3u8")
sleep 4
alive "$PUB_PID" || fail "the first publisher was dropped after a second one tried the key: $(tail -3 "$T/pub.err")"
[[ -z $(log_lines "broadcast ended") ]] || fail "a second publisher ended the live broadcast: $(log_lines "broadcast ended")"
[[ $(last_uri "$WWW/hls/studio/index.m3u8") != "$last0" ]] || fail "HLS stopped after the second publisher ($seq0, $last0)"
ok "a second publisher of the live key refused in $REFUSED_MS ms; the first keeps the stream"

# No name or URL under the HLS directory holds the key; only the channel's
# directory exists.
hls_files >"$T/hls-files.txt"
assert_no_secret "$KEY" "HLS file names" "$T/hls-files.txt"
outside=$(grep -v -e '^hls/studio$' -e '^hls/studio/' "$T/hls-files.txt" || true)
[[ -z $outside ]] || fail "HLS outside hls/studio/: $(head -3 <<<"$outside")"
grep -q '^hls/studio/index.m3u8$' "$T/hls-files.txt" || fail "no hls/studio/index.m3u8 in: $(head -5 "$T/hls-files.txt")"
mapfile -t playlists < <(find "$WWW" -name '*.m3u8')
assert_no_secret "$KEY" "HLS playlists" "${playlists[@]}" "$T/ngx-pl.body"
assert_no_secret "$BAD" "HLS file names" "$T/hls-files.txt"
ok "HLS has $(grep -c . "$T/hls-files.txt") entries, all in hls/studio/, none naming the key"

# The publisher stops: on_publish_done ends the broadcast.
stop_pid "$PUB_PID" TERM 5
wait_until "$(scaled 10)" "on_publish_done to end the broadcast" test -n "$(log_lines "broadcast ended")"
ended=$(log_lines "broadcast ended")
grep -q '"event.reason":"publisher_closed"' <<<"$ended" || fail "broadcast ended, but not as publisher_closed: $ended"
ok "on_publish_done ended the broadcast: publisher_closed"

stop_pid "$NGINX_PID" QUIT 10
stop_onair TERM
for key in "$KEY" "$BAD"; do
  assert_no_secret "$key" "the onair log" "$ONAIR_LOG"
  assert_no_secret "$key" "nginx's RTMP access log" "$T/nginx-rtmp-access.log"
  [[ $NGINX_LOG_LEVEL != crit ]] || assert_no_secret "$key" "nginx's error log (at crit)" "$T/nginx-error.log"
done
ok "no key in the onair log or nginx's logs"
