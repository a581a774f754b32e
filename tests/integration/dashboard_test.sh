#!/usr/bin/env bash
# The manager's dashboard and the public player page, served by the binary
# itself, in headless Chromium (tests/browser/dashboard.mjs): sign in with the
# admin token, create a channel, publish with ffmpeg to the Server and Stream
# Key the dashboard shows once, live badge without a reload, live stats, the
# embedded player plays, /watch/<channel> plays; rotate the key, kick, publish
# with the new key, stop: offline, and the history lists both broadcasts with
# their end reasons. The key and the token never reach a URL, the console or
# the server's log.
source "$(dirname "$0")/lib.sh"

DRIVER=$ONAIR_SOURCE_DIR/tests/browser/dashboard.mjs
[[ -f $ONAIR_SOURCE_DIR/tests/browser/node_modules/playwright-core/package.json ]] ||
  fail "tests/browser/node_modules missing: run scripts/setup.sh (npm ci in tests/browser)"
[[ -x /usr/bin/chromium ]] || fail "/usr/bin/chromium missing: run scripts/setup.sh"

TOKEN=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
export ONAIR_MANAGER_ADMIN_TOKEN=$TOKEN
start_onair

# check_asset PATH TYPE: 200 with that Content-Type and an ETag, then 304 for
# If-None-Match with it.
check_asset() {
  local path=$1 type=$2 code etag
  code=$(fetch "$(http_base)$path" "$T/asset")
  [[ $code == 200 ]] || fail "GET $path: $code"
  [[ $(header "$T/asset" Content-Type) == "$type"* ]] || fail "GET $path: Content-Type $(header "$T/asset" Content-Type)"
  etag=$(header "$T/asset" ETag)
  [[ -n $etag ]] || fail "GET $path: no ETag"
  code=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$(http_base)$path" 2>>"$T/curl.err")
  [[ $code == 304 ]] || fail "GET $path with If-None-Match: $code, not 304"
}
check_asset /dashboard/ text/html
[[ -n $(header "$T/asset" Content-Security-Policy) ]] || fail "/dashboard/ without a Content-Security-Policy"
check_asset /dashboard/app.js text/javascript
check_asset /assets/style.css text/css
check_asset /watch/some-channel text/html
check_asset /assets/hls.min.js text/javascript
cmp -s "$T/asset.body" "$ONAIR_SOURCE_DIR/web/node_modules/hls.js/dist/hls.min.js" ||
  fail "/assets/hls.min.js is not web/node_modules/hls.js/dist/hls.min.js"
[[ $(fetch "$(http_base)/dashboard/nope.js" "$T/nope") == 404 ]] || fail "/dashboard/nope.js is not a 404"
ok "the pages and hls.js are served by the binary, with ETags"

set +e
ONAIR_TEST_ADMIN_TOKEN=$TOKEN node "$DRIVER" --base "$(http_base)" --slow "$IT_SLOW" \
  --ffmpeg-log "$T/ffmpeg.err" --check-file "$ONAIR_LOG" --check-file "$T/onair.out" \
  ${ONAIR_IT_SCREENSHOTS:+--screenshots "$ONAIR_IT_SCREENSHOTS"} >"$T/dashboard.json" 2>"$T/dashboard.log"
rc=$?
set -e
R=$(cat "$T/dashboard.json")
log "driver: $R"
[[ $rc -eq 0 && $(json_field "$R" ok) == true ]] || fail "dashboard e2e failed (exit $rc): $(json_field "$R" reason)"
ok "dashboard and player page: $(python3 -c 'import json,sys; print(", ".join(s["step"] for s in json.loads(sys.argv[1])["steps"]))' "$R")"
assert_no_secret "$TOKEN" "the onair log" "$ONAIR_LOG" "$T/onair.out"
stop_onair TERM
