#!/usr/bin/env bash
# Backup overhead: `clusterbackup backup --type Full` (what Start-ClusterDbBackup runs) against pg_basebackup alone
# with the same options (-Ft -z -X stream -c fast), on the same database in the same run, runs interleaved.
# The difference is ClusterBackup's own work: process start, resolving the cluster and the active server,
# the free-space check, SHA-256 of every file, the catalog transaction.
#   SCALE=10 (pgbench scale; 10 is about 160 MB)  RUNS=5
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CONFIGURATION=${CONFIGURATION:-Release}
CLI="$ROOT/src/ClusterBackup.Cli/bin/$CONFIGURATION/net8.0/clusterbackup.dll"
[ -f "$CLI" ] || dotnet build "$ROOT/src/ClusterBackup.Cli" -c "$CONFIGURATION" -nologo -clp:ErrorsOnly
SCALE=${SCALE:-10}
RUNS=${RUNS:-5}
source "$ROOT/examples/pg-loopback.sh"
pg_setup bench
trap pg_cleanup EXIT

PORT=$(free_port)
pg_primary "$WORK/node1" "$PORT"
psql_at "$PORT" -d postgres -c "CREATE DATABASE bench"
"$PGBIN/pgbench" -h 127.0.0.1 -p "$PORT" -U postgres -i -q -s "$SCALE" bench >/dev/null 2>&1
SIZE=$(psql_at "$PORT" -d postgres -tAc "SELECT pg_size_pretty(sum(pg_database_size(oid))) FROM pg_database")
export CLUSTERBACKUP_CATALOG="$WORK/catalog.db" CLUSTERBACKUP_CONFIG="$WORK/clusterbackup.json"
mkdir -p "$WORK/share" "$WORK/reference"
cat >"$WORK/topology.json" <<JSON
{ "version": 1, "nodes": [ { "name": "node1", "address": "127.0.0.1:$PORT" } ], "groups": [ { "name": "benchvs", "owner": "node1" } ] }
JSON
cat >"$CLUSTERBACKUP_CONFIG" <<JSON
{ "version": 1,
  "clusters": [ { "name": "benchclu", "provider": "Static", "settings": { "topologyFile": "topology.json" } } ],
  "servers": [ { "name": "benchvs", "cluster": "benchclu", "engine": "PostgreSql", "settings": { "walArchive": "$WORK/wal-archive", "toolDirectory": "$PGBIN" } } ] }
JSON

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.6f\", $* }"; }
reference=(); clusterbackup=()
for i in $(seq 1 "$RUNS"); do
  start=$(now)
  "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PORT" -U postgres -w -D "$WORK/reference/$i" -Ft -z -X stream -c fast
  reference+=("$(calc "$(now) - $start")")
  rm -rf "$WORK/reference/$i"

  start=$(now)
  dotnet "$CLI" backup --server benchvs --database bench --type Full --init --share "$WORK/share" >/dev/null
  clusterbackup+=("$(calc "$(now) - $start")")
  rm -rf "$WORK/share/benchvs"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ref=$(median "${reference[@]}")
cb=$(median "${clusterbackup[@]}")
printf 'database: pgbench scale %s, %s on the server; %s runs each, interleaved\n' "$SCALE" "$SIZE" "$RUNS"
printf 'pg_basebackup -Ft -z -X stream -c fast   median %6.2f s   (runs: %s)\n' "$ref" "$(printf '%.2f ' "${reference[@]}")"
printf 'clusterbackup backup --type Full --init  median %6.2f s   (runs: %s)\n' "$cb" "$(printf '%.2f ' "${clusterbackup[@]}")"
printf 'ratio clusterbackup / pg_basebackup: %.3f (overhead %.2f s)\n' "$(calc "$cb / $ref")" "$(calc "$cb - $ref")"
