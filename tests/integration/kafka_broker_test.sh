#!/usr/bin/env bash
# What the test broker (tools/kafka-test-broker: librdkafka 2.0.2's mock
# cluster) really does, probed with kcat and kafka-assign-probe (kcat -C
# without -G is librdkafka's legacy consumer, not rd_kafka_assign). It pins
# the answers the tool's --help lists: when one changes, this fails.
#  0. The tool: bootstrap list on stdout and in the file, N brokers, topics
#     with their partitions, exit 0 on SIGTERM; SIGUSR1/SIGUSR2 on 3 brokers.
#  a. 20 keyed records in two batches 1.5 s apart (CreateTime = now) read
#     back from the beginning; then by time (ListOffsets with a timestamp:
#     kcat -Q, kcat -o s@T) between the batches, before and after them. Real
#     Kafka answers 10, 0 and -1; the mock answers -1 for every time.
#  b. down: a metadata request fails; up: it works again, the records are
#     all there and a consumer that followed through the outage gets new ones.
#  c. An idempotent producer gets a producer id and delivers in order.
#  d. assign without a group join (onair's consumers): reads at once, from
#     the beginning and from an offset; without a group.id librdkafka refuses.
#  e. Producing to an unknown topic creates it with 4 partitions.
# (b runs last.)
source "$(dirname "$0")/lib.sh"

BROKER=$ONAIR_SOURCE_DIR/tests/support/kafka_broker.sh
BROKER_BIN=${ONAIR_KAFKA_BROKER_BIN:-$ONAIR_BUILD_DIR/tools/kafka-test-broker/kafka-test-broker}
PROBE=$(dirname "$BROKER_BIN")/kafka-assign-probe
command -v kcat >/dev/null || fail "kcat missing: run scripts/setup.sh"
[[ -x $BROKER_BIN ]] || fail "$BROKER_BIN missing (build the kafka-test-broker target)"
[[ -x $PROBE ]] || fail "$PROBE missing (build the kafka-assign-probe target)"

metadata_ok() { kcat -L -b "$1" -m 2 >/dev/null 2>&1; }

# --- 0. the tool itself ---------------------------------------------------------
"$BROKER_BIN" --help | grep -q 'SIGUSR1' || fail "--help does not explain SIGUSR1"
bg broker3 "$BROKER_BIN" --brokers 3 --topic t.three:6 --bootstrap-file "$T/boot3"
B3_PID=$BG_PID
wait_until 5 "the 3-broker bootstrap file" test -s "$T/boot3"
BOOT3=$(cat "$T/boot3")
[[ $BOOT3 =~ ^127\.0\.0\.1:[0-9]+(,127\.0\.0\.1:[0-9]+){2}$ ]] || fail "bootstrap list of 3 brokers: '$BOOT3'"
wait_until 5 "the bootstrap on stdout" grep -qxF "$BOOT3" "$T/broker3.out"
kcat -L -b "$BOOT3" -m 5 >"$T/meta3.out" 2>>"$T/kcat.err" || fail "kcat -L on 3 brokers failed"
grep -q '^ 3 brokers:' "$T/meta3.out" || fail "not 3 brokers: $(head -3 "$T/meta3.out")"
grep -q 'topic "t.three" with 6 partitions' "$T/meta3.out" || fail "t.three: $(grep topic "$T/meta3.out")"
kill -USR1 "$B3_PID"
wait_until 5 "'brokers down' in the log" grep -qE '^kafka-test-broker [0-9]+\.[0-9]{3} brokers down$' "$T/broker3.err"
if kcat -L -b "$BOOT3" -m 2 >/dev/null 2>&1; then fail "3 brokers down, yet metadata answered"; fi
kill -USR2 "$B3_PID"
wait_until 5 "'brokers up' in the log" grep -qE '^kafka-test-broker [0-9]+\.[0-9]{3} brokers up$' "$T/broker3.err"
wait_until 5 "metadata from 3 brokers up again" metadata_ok "$BOOT3"
stop_pid "$B3_PID" TERM 5
[[ $STOP_RC -eq 0 ]] || fail "kafka-test-broker exited $STOP_RC after SIGTERM (999: killed)"
ok "3 brokers: bootstrap list on stdout and in the file, 6 partitions, down/up, exit 0 on SIGTERM"

KDIR=$T/kafka
BOOT=$(bash "$BROKER" start "$KDIR" onair.media:8 onair.events:1) || fail "kafka_broker.sh start failed: $(tail -3 "$KDIR/log" 2>/dev/null)"
IT_PIDS+=("$(cat "$KDIR/pid")")
[[ $BOOT =~ ^127\.0\.0\.1:[0-9]+$ && $(cat "$KDIR/bootstrap") == "$BOOT" ]] || fail "bootstrap '$BOOT'"
kcat -L -b "$BOOT" -m 5 >"$T/meta.out" 2>>"$T/kcat.err" || fail "kcat -L failed"
grep -q 'topic "onair.media" with 8 partitions' "$T/meta.out" || fail "onair.media: $(grep topic "$T/meta.out")"
grep -q 'topic "onair.events" with 1 partitions' "$T/meta.out" || fail "onair.events: $(grep topic "$T/meta.out")"
log "test broker at $BOOT (kafka_broker.sh, onair.media:8 onair.events:1)"

# consume TOPIC [KCAT ARGS]: partition 0 up to its end, "OFFSET KEY VALUE TIMESTAMP" a line.
consume() {
  local topic=$1; shift
  kcat -C -b "$BOOT" -m 5 -t "$topic" -p 0 -e -q -X fetch.wait.max.ms=10 -f '%o %k %s %T\n' "$@" 2>>"$T/kcat.err"
}
# produce TOPIC FIRST LAST PREFIX [KCAT ARGS]: records k:PREFIX<i> to partition 0.
produce() {
  local topic=$1 first=$2 last=$3 prefix=$4 i; shift 4
  for (( i = first; i <= last; i++ )); do echo "k:$prefix$i"; done |
    kcat -P -b "$BOOT" -m 5 -t "$topic" -p 0 -K: "$@" 2>>"$T/kcat.err"
}

# --- a. records with timestamps, and the lookup by time ------------------------
A0=$(now_ms); produce onair.media 0 9 m || fail "kcat -P (first batch) failed"; A1=$(now_ms)
sleep 1.5
B0=$(now_ms); produce onair.media 10 19 m || fail "kcat -P (second batch) failed"; B1=$(now_ms)
consume onair.media -o beginning >"$T/all.out" || fail "kcat -C -o beginning failed"
awk -v a0="$A0" -v a1="$A1" -v b0="$B0" -v b1="$B1" '
  { lo = NR <= 10 ? a0 : b0; hi = NR <= 10 ? a1 : b1
    if ($0 != (NR-1) " k m" (NR-1) " " $4 || $4 < lo || $4 > hi) { print "line " NR ": " $0; bad = 1 } }
  END { if (NR != 20) { print NR " records"; bad = 1 }; exit bad }' "$T/all.out" >"$T/all.bad" ||
  fail "records read back: $(head -3 "$T/all.bad") (first batch at $A0..$A1, second at $B0..$B1)"
ok "20 keyed records read back from the beginning, in order, CreateTime = when they were produced"

ts_of() { awk -v n="$1" '$1 == n {print $4}' "$T/all.out"; }
TS0=$(ts_of 0) TS9=$(ts_of 9) TS10=$(ts_of 10) TS19=$(ts_of 19)
T_MID=$(( (TS9 + TS10) / 2 ))
# by_time MS: BY_TIME is the offset ListOffsets with that timestamp (kcat -Q) answers for partition 0.
by_time() {
  local out
  out=$(kcat -Q -b "$BOOT" -m 5 -t "onair.media:0:$1" 2>>"$T/kcat.err") || fail "kcat -Q at $1 failed"
  [[ $out =~ ^onair\.media\ \[0\]\ offset\ (-?[0-9]+)$ ]] || fail "kcat -Q at $1 answered: $out"
  BY_TIME=${BASH_REMATCH[1]}
}
# "time:what Kafka answers" (the first offset whose timestamp is >= the time; -1: none)
answers="" correct=1 minus_one=1
for case in 0:0 "$TS0:0" "$T_MID:10" "$TS10:10" "$((TS19 + 1000)):-1"; do
  by_time "${case%%:*}"
  answers+=" ${case%%:*}→$BY_TIME (Kafka: ${case#*:})"
  [[ $BY_TIME == "${case#*:}" ]] || correct=0
  [[ $BY_TIME == -1 ]] || minus_one=0
done
consume onair.media -o "s@$T_MID" >"$T/by-time.out" || fail "kcat -C -o s@$T_MID failed"
log "ListOffsets by time:$answers; kcat -o s@$T_MID read $(wc -l <"$T/by-time.out") records"
if [[ $correct -eq 1 ]]; then
  fail "the mock now answers by-time lookups like Kafka: update the limits in tools/kafka-test-broker (and this test)"
fi
[[ $minus_one -eq 1 ]] || fail "ListOffsets by time answers neither like Kafka nor -1 throughout:$answers"
[[ ! -s $T/by-time.out ]] || fail "kcat -o s@T read records although the mock answered -1: $(head -2 "$T/by-time.out")"
ok "known limit: ListOffsets by timestamp answers -1 (no error) for every time; kcat -o s@T starts at the end and reads nothing"

# --- c. an idempotent producer ------------------------------------------------
for i in 0 1 2 3 4; do echo "k:i$i"; done |
  kcat -P -b "$BOOT" -m 5 -t onair.events -p 0 -K: -X enable.idempotence=true -d eos 2>"$T/idempotent.err" ||
  fail "the idempotent producer failed: $(grep -v '^%7' "$T/idempotent.err" | tail -3)"
grep -q 'Acquired PID' "$T/idempotent.err" || fail "the idempotent producer got no producer id"
consume onair.events -o beginning | cut -d' ' -f1-3 >"$T/events.out"
diff <(for i in 0 1 2 3 4; do echo "$i k i$i"; done) "$T/events.out" >"$T/events.diff" ||
  fail "idempotent records read back: $(head -4 "$T/events.diff")"
ok "an idempotent producer (enable.idempotence=true) gets a producer id; its 5 records read back in order"

# --- d. assign, no group join ----------------------------------------------------
t0=$(now_ms)
"$PROBE" "$BOOT" onair.media 0 beginning 20 >"$T/assign.out" 2>"$T/assign.err" ||
  fail "assign from the beginning: $(tail -2 "$T/assign.err")"
ASSIGN_MS=$(( $(now_ms) - t0 ))
diff "$T/all.out" "$T/assign.out" >"$T/assign.diff" || fail "assign read other records: $(head -4 "$T/assign.diff")"
# A group join would take session.timeout.ms - 1 s (44 s by default) on the mock.
(( ASSIGN_MS < 3000 )) || fail "assign took $ASSIGN_MS ms: did it join a group?"
"$PROBE" "$BOOT" onair.media 0 10 10 >"$T/assign10.out" 2>"$T/assign10.err" ||
  fail "assign at offset 10: $(tail -2 "$T/assign10.err")"
diff <(tail -n 10 "$T/all.out") "$T/assign10.out" >/dev/null || fail "assign at offset 10 read: $(head -2 "$T/assign10.out")"
if "$PROBE" --no-group-id "$BOOT" onair.media 0 beginning 1 >/dev/null 2>"$T/assign-nogroup.err"; then
  fail "assign without a group.id worked (librdkafka 2.0.2 refuses it)"
fi
grep -q '_UNKNOWN_GROUP' "$T/assign-nogroup.err" || fail "assign without a group.id: $(tail -2 "$T/assign-nogroup.err")"
ok "assign with a group.id and no subscribe reads at once ($ASSIGN_MS ms for 20 records; from offset 10 too); without a group.id: _UNKNOWN_GROUP"

# --- e. topics made by producing ---------------------------------------------------
echo "k:auto" | kcat -P -b "$BOOT" -m 5 -t onair.auto -K: 2>>"$T/kcat.err" || fail "producing to an unknown topic failed"
kcat -L -b "$BOOT" -m 5 -t onair.auto >"$T/meta-auto.out" 2>>"$T/kcat.err" || fail "kcat -L -t onair.auto failed"
grep -q 'topic "onair.auto" with 4 partitions' "$T/meta-auto.out" ||
  fail "an unknown topic produced to: $(grep -A1 topic "$T/meta-auto.out" | head -2)"
ok "producing to an unknown topic creates it with 4 partitions (Metadata auto-creation)"

# --- b. an outage -----------------------------------------------------------------
# A consumer that follows onair.events from its end, through the outage. It
# may not have found the end yet when a record is produced: one "ready"
# record every half second until it reads one.
bg follower kcat -C -u -E -q -b "$BOOT" -t onair.events -p 0 -o end -f '%k %s\n' -X fetch.wait.max.ms=10
end=$(( $(now_ms) + 10000 ))
until grep -q '^k ready$' "$T/follower.out"; do
  (( $(now_ms) < end )) || fail "the follower read nothing in 10 s"
  echo "k:ready" | kcat -P -b "$BOOT" -m 5 -t onair.events -p 0 -K: 2>>"$T/kcat.err" || fail "producing to onair.events failed"
  sleep 0.5
done
consume onair.events -o beginning >"$T/events-before.out" || fail "kcat -C onair.events failed"
bash "$BROKER" down "$KDIR" || fail "kafka_broker.sh down failed"
grep -qE '^kafka-test-broker [0-9]+\.[0-9]{3} brokers down$' "$KDIR/log" || fail "no 'brokers down' in the log"
t0=$(now_ms)
if kcat -L -b "$BOOT" -m 2 >"$T/meta-down.out" 2>"$T/meta-down.err"; then fail "metadata answered during the outage"; fi
grep -q 'Failed to acquire metadata' "$T/meta-down.err" || fail "kcat -L during the outage: $(tail -2 "$T/meta-down.err")"
ok "down: kcat -L -m 2 fails after $(( $(now_ms) - t0 )) ms ($(grep -m1 -o 'Connection refused' "$T/meta-down.err" || echo 'no refusal'))"
bash "$BROKER" up "$KDIR" || fail "kafka_broker.sh up failed"
grep -qE '^kafka-test-broker [0-9]+\.[0-9]{3} brokers up$' "$KDIR/log" || fail "no 'brokers up' in the log"
metadata_ok "$BOOT" || fail "metadata after the outage failed"
consume onair.media -o beginning >"$T/after.out" || fail "kcat -C after the outage failed"
diff "$T/all.out" "$T/after.out" >"$T/after.diff" || fail "onair.media after the outage: $(head -4 "$T/after.diff")"
consume onair.events -o beginning >"$T/events-after.out" || fail "kcat -C onair.events after the outage failed"
diff "$T/events-before.out" "$T/events-after.out" >"$T/events.diff" ||
  fail "onair.events after the outage: $(head -4 "$T/events.diff")"
t0=$(now_ms)
echo "k:after" | kcat -P -b "$BOOT" -m 5 -t onair.events -p 0 -K: 2>>"$T/kcat.err" || fail "producing after the outage failed"
wait_until 15 "the follower to read a record produced after the outage" grep -qx 'k after' "$T/follower.out"
ok "up: metadata answers, every record is still there, the follower read a new one $(( $(now_ms) - t0 )) ms after it was produced"

bash "$BROKER" stop "$KDIR"
[[ ! -f $KDIR/pid ]] || fail "kafka_broker.sh stop left $KDIR/pid"
if kcat -L -b "$BOOT" -m 1 >/dev/null 2>&1; then fail "the broker still answers after kafka_broker.sh stop"; fi
ok "kafka_broker.sh stop"
