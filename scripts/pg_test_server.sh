#!/bin/sh
# Starts (or stops) a throwaway PostgreSQL server for the store and server
# tests, from Debian's postgresql package: a fresh cluster in a temporary
# directory, listening on 127.0.0.1 only, trust authentication, no effect on
# the system's own cluster. Prints the URL to export as HOLOBIONT_TEST_POSTGRES.
#
#   url=$(sh scripts/pg_test_server.sh start)   # apt-get install postgresql first
#   HOLOBIONT_TEST_POSTGRES=$url go test ./store/ ./server/
#   sh scripts/pg_test_server.sh stop
#
# Runs as root (initdb and postgres then run as the postgres user) or as an
# ordinary user. PGTEST_DIR and PGTEST_PORT choose the directory and port.
set -eu
dir=${PGTEST_DIR:-/tmp/holobiont-pgtest}
port=${PGTEST_PORT:-54329}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  echo "pg_test_server: PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi
as_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}
case "${1:-}" in
start)
  if [ ! -f "$dir/PG_VERSION" ]; then
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_pg "'$bin/initdb' -D '$dir' -A trust -U holobiont --no-sync >'$dir.initdb.log' 2>&1" || { cat "$dir.initdb.log" >&2; exit 1; }
  fi
  if ! as_pg "'$bin/pg_ctl' -D '$dir' status" >/dev/null 2>&1; then
    as_pg "'$bin/pg_ctl' -D '$dir' -w -l '$dir/server.log' -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off\" start" >/dev/null
  fi
  echo "postgres://holobiont@127.0.0.1:$port/postgres?sslmode=disable"
  ;;
stop)
  as_pg "'$bin/pg_ctl' -D '$dir' -m fast stop" >/dev/null 2>&1 || true
  ;;
*)
  echo "usage: pg_test_server.sh start|stop" >&2
  exit 2
  ;;
esac
