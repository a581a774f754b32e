#!/usr/bin/env bash
# A throwaway Kafka-protocol broker for tests (tools/kafka-test-broker:
# librdkafka's mock cluster), on loopback, random ports.
#
#   kafka_broker.sh start DIR [TOPIC:PARTITIONS...]   prints the bootstrap address
#                      (default topics: onair.media:4 onair.events:1)
#   kafka_broker.sh down DIR | up DIR                  an outage, and the end of it
#   kafka_broker.sh stop DIR
#
# DIR holds pid, bootstrap and log. The binary: $ONAIR_KAFKA_BROKER_BIN, else
# $ONAIR_BUILD_DIR/tools/kafka-test-broker/kafka-test-broker.
set -euo pipefail
cmd=${1:?usage: kafka_broker.sh start|down|up|stop DIR [TOPIC:PARTITIONS...]}
dir=${2:?usage: kafka_broker.sh start|down|up|stop DIR}
shift 2

# signal SIG WHAT: sends SIG and waits until the broker logs WHAT ("brokers
# down" / "brokers up"), which it does after the mock calls.
signal() {
  local before
  [[ -f $dir/pid ]] || { echo "kafka_broker.sh: no broker in $dir" >&2; exit 1; }
  before=$(grep -c " $2\$" "$dir/log" || true)
  kill -s "$1" "$(cat "$dir/pid")"
  for _ in $(seq 1 50); do
    (( $(grep -c " $2\$" "$dir/log" || true) > before )) && return 0
    sleep 0.1
  done
  echo "kafka_broker.sh: the broker did not log '$2' within 5 s" >&2
  exit 1
}

# Ends the broker named by DIR/pid, if that pid is still a kafka-test-broker
# (not a process that reused the pid of one long gone).
stop() {
  [[ -f $dir/pid ]] || return 0
  local pid
  pid=$(cat "$dir/pid")
  # (readlink says "... (deleted)" once the binary was rebuilt)
  if [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == */kafka-test-broker* ]]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/pid"
}

case $cmd in
  start)
    bin=${ONAIR_KAFKA_BROKER_BIN:-${ONAIR_BUILD_DIR:-build}/tools/kafka-test-broker/kafka-test-broker}
    [[ -x $bin ]] || { echo "kafka_broker.sh: $bin missing (build the kafka-test-broker target)" >&2; exit 1; }
    command -v kcat >/dev/null || { echo "kafka_broker.sh: kcat missing (scripts/setup.sh)" >&2; exit 1; }
    stop  # a broker left over by an interrupted run
    mkdir -p "$dir"
    rm -f "$dir/bootstrap"
    args=()
    [[ $# -gt 0 ]] || set -- onair.media:4 onair.events:1
    for t in "$@"; do args+=(--topic "$t"); done
    "$bin" "${args[@]}" --bootstrap-file "$dir/bootstrap" </dev/null >/dev/null 2>"$dir/log" &
    echo $! >"$dir/pid"
    for _ in $(seq 1 100); do
      if [[ -s $dir/bootstrap ]] && kcat -L -b "$(cat "$dir/bootstrap")" -m 2 >/dev/null 2>&1; then
        cat "$dir/bootstrap"
        exit 0
      fi
      kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
      sleep 0.1
    done
    echo "kafka_broker.sh: the broker did not come up: $(tail -3 "$dir/log")" >&2
    exit 1
    ;;
  down) signal USR1 "brokers down" ;;
  up) signal USR2 "brokers up" ;;
  stop) stop ;;
  *) echo "kafka_broker.sh: unknown command $cmd" >&2; exit 2 ;;
esac
