#!/usr/bin/env bash
# A throwaway PostgreSQL server for the store tests.
#   tests/support/postgres.sh start DIR   initdb + pg_ctl start on 127.0.0.1 at a free
#                                         port; creates database "onair"; prints its URL
#                                         and writes it to DIR/url
#   tests/support/postgres.sh stop DIR    stops that server and removes its files
# The cluster lives in a temporary directory owned by the server's user (DIR/pgroot
# names it), unix socket included: initdb refuses to run as root, so as root the
# server runs as user postgres (Debian's postgresql package creates it). Durability
# is off (fsync, synchronous_commit): the data is thrown away.
# PG_BIN overrides the binaries' directory (default: the newest /usr/lib/postgresql/*/bin).
set -euo pipefail
usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
CMD=$1
DIR=$2
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}

as_server_user() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_server() {
  [[ -f $DIR/pgroot ]] || return 0
  local root
  root=$(cat "$DIR/pgroot")
  if [[ -n $root && -f $root/data/postmaster.pid ]]; then
    as_server_user "$PG_BIN/pg_ctl" -D "$root/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      as_server_user "$PG_BIN/pg_ctl" -D "$root/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [[ $root == /tmp/onair-pg.* ]] && rm -rf "$root"
  rm -f "$DIR/pgroot" "$DIR/url"
}

start_server() {
  if [[ -z $PG_BIN || ! -x $PG_BIN/initdb || ! -x $PG_BIN/pg_ctl ]]; then
    echo "postgres.sh: no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql)" >&2
    exit 1
  fi
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    echo "postgres.sh: running as root and there is no user 'postgres' to run the server as" >&2
    exit 1
  fi
  stop_server  # a server left over by an interrupted run
  mkdir -p "$DIR"
  local root port url started=0 try
  root=$(mktemp -d /tmp/onair-pg.XXXXXX)
  echo "$root" >"$DIR/pgroot"
  mkdir "$root/socket"
  [[ $(id -u) -eq 0 ]] && chown -R postgres: "$root"
  if ! as_server_user "$PG_BIN/initdb" -D "$root/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
      >"$root/initdb.log" 2>&1; then
    cat "$root/initdb.log" >&2
    echo "postgres.sh: initdb failed" >&2
    exit 1
  fi
  for try in 1 2 3; do  # the free port may be taken before the server binds it
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if as_server_user "$PG_BIN/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $root/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null; then
      started=1
      break
    fi
  done
  if [[ $started -ne 1 ]]; then
    tail -20 "$root/server.log" >&2 || true
    echo "postgres.sh: the server did not start" >&2
    exit 1
  fi
  as_server_user "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres onair
  url="postgres://postgres@127.0.0.1:$port/onair"
  echo "$url" >"$DIR/url"
  echo "$url"
}

case "$CMD" in
  start) start_server ;;
  stop) stop_server ;;
  *) usage ;;
esac
