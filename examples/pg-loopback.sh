# Shell functions that start throwaway PostgreSQL servers on loopback for the demo and the benchmark.
# Source it; call pg_setup first. Servers run as the postgres user when the caller is root (initdb refuses root).
# pg_cleanup (also run on exit by the caller's trap) stops every server started and removes the work folder.

pg_setup() {
  PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
  [ -x "$PGBIN/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; return 1; }
  WORK=$(mktemp -d "/tmp/cb-${1:-work}-XXXXXX")
  chmod 755 "$WORK"
  mkdir -p "$WORK/sock" "$WORK/wal-archive"
  PG_RUNNING=()
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$WORK"; fi
}

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    ss -Hltn "sport = :$port" 2>/dev/null | grep -q . || { echo "$port"; return; }
  done
}

# pg_primary DIR PORT: a new primary archiving into $WORK/wal-archive.
pg_primary() {
  local dir=$1 port=$2
  as_pg "$PGBIN/initdb" -D "$dir" -A trust -U postgres --no-sync >/dev/null
  cat >>"$dir/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK/sock'
wal_level = replica
archive_mode = on
archive_command = 'test -f $WORK/wal-archive/%f || (cp %p $WORK/wal-archive/%f.tmp && mv $WORK/wal-archive/%f.tmp $WORK/wal-archive/%f)'
max_wal_senders = 10
hot_standby = on
CONF
  pg_start "$dir"
}

# pg_standby DIR PORT PRIMARY_PORT: a streaming standby of the primary.
pg_standby() {
  local dir=$1 port=$2 primary=$3
  as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$primary" -U postgres -D "$dir" -R -X stream -c fast
  echo "port = $port" >>"$dir/postgresql.auto.conf"
  pg_start "$dir"
}

pg_start() {
  as_pg "$PGBIN/pg_ctl" -D "$1" -l "$1.log" -w -t 60 start >/dev/null
  PG_RUNNING+=("$1")
}

pg_stop() {
  as_pg "$PGBIN/pg_ctl" -D "$1" -m fast -w stop >/dev/null
  local kept=() d
  for d in "${PG_RUNNING[@]}"; do [ "$d" = "$1" ] || kept+=("$d"); done
  PG_RUNNING=("${kept[@]}")
}

pg_cleanup() {
  local d
  for d in "${PG_RUNNING[@]}"; do
    as_pg "$PGBIN/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1 || true
  done
  PG_RUNNING=()
  [ -n "${WORK:-}" ] && rm -rf "$WORK"
}

psql_at() {
  local port=$1; shift
  "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres "$@"
}
