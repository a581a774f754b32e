#!/usr/bin/env bash
# Without manager.admin_token, the first start generates an admin token and
# prints it once (stderr, not the log); it works for the API, a restart does
# not print it again and it still works; it is never in the JSON log. With
# ONAIR_MANAGER_ADMIN_TOKEN set, that token is the one accepted.
source "$(dirname "$0")/lib.sh"
unset ONAIR_MANAGER_ADMIN_TOKEN

check() {  # TOKEN -> HTTP status of /api/v1/auth/check
  curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $1" "$(http_base)/api/v1/auth/check"
}
start_onair
TOKEN=$(grep -oE 'oat_[A-Za-z0-9_-]{40}' "$ONAIR_LOG" | head -1)
[[ -n $TOKEN ]] || fail "no generated admin token printed at the first start"
[[ $(grep -c 'oat_' "$ONAIR_LOG") -eq 1 ]] || fail "the token is printed more than once"
! grep -F -- "$TOKEN" "$ONAIR_LOG" | grep -q '^{' || fail "the token is in a JSON log line"
[[ $(check "$TOKEN") == 200 ]] || fail "the generated token is refused"
[[ $(check "${TOKEN}x") == 401 ]] || fail "a wrong token is accepted"
ok "first start: a token was generated, printed once, accepted"
stop_onair TERM

: >"$ONAIR_LOG"
start_onair
! grep -q 'oat_' "$ONAIR_LOG" || fail "the token was printed again at the second start"
[[ $(check "$TOKEN") == 200 ]] || fail "the generated token no longer works after a restart"
! grep -rqF -- "$TOKEN" "$DATA_DIR" || fail "the token is stored in plain text in the data dir"
ok "second start: not printed again, still accepted, only its hash stored"
stop_onair TERM

export ONAIR_MANAGER_ADMIN_TOKEN=oat_configured_$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
start_onair
[[ $(check "$ONAIR_MANAGER_ADMIN_TOKEN") == 200 ]] || fail "the configured token is refused"
[[ $(check "$TOKEN") == 401 ]] || fail "the generated token still works when one is configured"
ok "a configured token replaces the generated one"
stop_onair TERM
