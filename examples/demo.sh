#!/usr/bin/env bash
# The main job end to end, through `clusterbackup` commands only: a clustered PostgreSQL (primary + streaming
# standby on loopback, described by a Static topology) -> a backup-share folder, with a failover in the middle.
#   full backup with init -> two log backups -> failover (promote the standby) -> log backup -> verify
#   -> catalog list -> restore to a point in time.
# Run it with ./build.sh demo (which installs PostgreSQL with apt when missing and builds first).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONFIGURATION=${CONFIGURATION:-Release}
CLI="$ROOT/src/ClusterBackup.Cli/bin/$CONFIGURATION/net8.0/clusterbackup.dll"
[ -f "$CLI" ] || dotnet build "$ROOT/src/ClusterBackup.Cli" -c "$CONFIGURATION" -nologo -clp:ErrorsOnly
source "$ROOT/examples/pg-loopback.sh"

step() { printf '\n==> %s\n' "$*"; }
pg_setup demo
trap pg_cleanup EXIT
clusterbackup() { echo "\$ clusterbackup $*"; dotnet "$CLI" "$@"; }

export CLUSTERBACKUP_CATALOG="$WORK/backupserver/catalog.db"
export CLUSTERBACKUP_CONFIG="$WORK/backupserver/clusterbackup.json"
SHARE="$WORK/backupserver/share"
mkdir -p "$SHARE"
NODE1_PORT=$(free_port); NODE2_PORT=$(free_port)
while [ "$NODE2_PORT" = "$NODE1_PORT" ]; do NODE2_PORT=$(free_port); done

step "Starting PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'): node1 primary on 127.0.0.1:$NODE1_PORT, node2 streaming standby on 127.0.0.1:$NODE2_PORT"
pg_primary "$WORK/node1" "$NODE1_PORT"
psql_at "$NODE1_PORT" -d postgres -c "CREATE DATABASE appdb"
psql_at "$NODE1_PORT" -d appdb -c "CREATE TABLE orders (id int PRIMARY KEY, placed timestamptz DEFAULT clock_timestamp())"
pg_standby "$WORK/node2" "$NODE2_PORT" "$NODE1_PORT"
echo "both nodes archive completed WAL into $WORK/wal-archive (archive_command)"

step "Writing the configuration: cluster pgclu (Static topology), virtual server pgvs (PostgreSql)"
cat >"$WORK/backupserver/topology.json" <<JSON
{
  "version": 1,
  "cluster": "pgclu",
  "nodes": [
    { "name": "node1", "address": "127.0.0.1:$NODE1_PORT", "state": "Online" },
    { "name": "node2", "address": "127.0.0.1:$NODE2_PORT", "state": "Online" }
  ],
  "groups": [ { "name": "pgvs", "owner": "node1", "state": "Online" } ]
}
JSON
cat >"$CLUSTERBACKUP_CONFIG" <<JSON
{
  "version": 1,
  "clusters": [ { "name": "pgclu", "provider": "Static", "settings": { "topologyFile": "topology.json" } } ],
  "servers": [ { "name": "pgvs", "cluster": "pgclu", "engine": "PostgreSql",
                 "settings": { "walArchive": "$WORK/wal-archive", "toolDirectory": "$PGBIN" } } ]
}
JSON
cat "$CLUSTERBACKUP_CONFIG"

step "The share gets its identity (a marker that every backup checks: nothing is written into an unmounted mount point)"
clusterbackup share init "$SHARE"

step "Full backup with init (new media set)"
psql_at "$NODE1_PORT" -d appdb -c "INSERT INTO orders (id) SELECT generate_series(1, 1000)"
clusterbackup backup --server pgvs --database appdb --type Full --init --share "$SHARE" --checksum --verify

step "Two log backups, with new orders in between"
psql_at "$NODE1_PORT" -d appdb -c "INSERT INTO orders (id) SELECT generate_series(1001, 2000)"
clusterbackup backup --server pgvs --database appdb --type Log --share "$SHARE"
psql_at "$NODE1_PORT" -d appdb -c "INSERT INTO orders (id) SELECT generate_series(2001, 3000)"
clusterbackup backup --server pgvs --database appdb --type Log --share "$SHARE"

step "Failover: node1 stops, node2 is promoted (the topology file is not touched)"
pg_stop "$WORK/node1"
as_pg "$PGBIN/pg_ctl" -D "$WORK/node2" -w promote >/dev/null
until [ "$(psql_at "$NODE2_PORT" -d postgres -tAc 'SELECT pg_is_in_recovery()')" = "f" ]; do sleep 0.1; done
echo "node2 is primary, writing WAL file $(psql_at "$NODE2_PORT" -d postgres -tAc "SELECT pg_walfile_name(pg_current_wal_lsn())") (timeline 2)"
psql_at "$NODE2_PORT" -d appdb -c "INSERT INTO orders (id) SELECT generate_series(3001, 4000)"
POINT_IN_TIME=$(psql_at "$NODE2_PORT" -d postgres -tAc "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
sleep 0.2
psql_at "$NODE2_PORT" -d appdb -c "INSERT INTO orders (id) SELECT generate_series(4001, 5000)"

step "Log backup after the failover: same chain, same media set, now from node2"
clusterbackup backup --server pgvs --database appdb --type Log --share "$SHARE" --verbose

step "Verify every backup (SHA-256 of each file, pg_verifybackup, WAL continuity across the failover)"
clusterbackup verify --server pgvs --database appdb --all

step "The catalog"
clusterbackup catalog list --server pgvs

step "The share: paths use the virtual server name, so they are the same before and after the failover"
(cd "$SHARE" && find . -maxdepth 5 -mindepth 5 -type d | sort)

step "Restore to $POINT_IN_TIME (after order 4000, before order 4001) into a new data directory"
clusterbackup restore --server pgvs --database appdb --target "$WORK/restored" --point-in-time "$POINT_IN_TIME"
RESTORED_PORT=$(free_port)
as_pg "$PGBIN/pg_ctl" -D "$WORK/restored" -l "$WORK/restored.log" -w -o "-c port=$RESTORED_PORT -c listen_addresses='127.0.0.1' -c unix_socket_directories='$WORK/sock'" start >/dev/null
PG_RUNNING+=("$WORK/restored")
ROWS=$(psql_at "$RESTORED_PORT" -d appdb -tAc "SELECT count(*) || ' orders, last ' || max(id) FROM orders")
echo "restored copy holds: $ROWS"
[ "$ROWS" = "4000 orders, last 4000" ] || { echo "unexpected restore result" >&2; exit 1; }

step "Done: servers stopped and $WORK removed"
