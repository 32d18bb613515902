#!/usr/bin/env bash
# Compare-BlockDigest end to end on one machine: a digest endpoint on loopback serves a backup copy,
# the primary compares with it and repairs it, then a changed-block backup chain is made and restored.
# Run from the repository after ./build.sh test (or set CLUSTERBACKUP_CLI).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLI=${CLUSTERBACKUP_CLI:-$ROOT/src/ClusterBackup.Cli/bin/Release/net8.0/clusterbackup}
WORK=$(mktemp -d)
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/backup"
export CLUSTERBACKUP_CATALOG="$WORK/catalog.db"

head -c 64M /dev/urandom > "$WORK/primary.img"
cp "$WORK/primary.img" "$WORK/backup/primary.img"
printf 'changed' | dd of="$WORK/primary.img" bs=1 seek=5000000 conv=notrunc status=none

"$CLI" digest new-key --out "$WORK/digest.key"
"$CLI" digest serve --root "$WORK/backup" --key-file "$WORK/digest.key" --port 0 --max-sessions 2 > "$WORK/serve.out" &
SERVER=$!
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$WORK/serve.out")

echo "== compare only (exit code 3: differences found)"
"$CLI" digest compare "$WORK/primary.img" --remote "127.0.0.1:$PORT" --remote-path "$WORK/backup/primary.img" \
  --key-file "$WORK/digest.key" --block-size 4096 || [ $? -eq 3 ]
echo "== repair"
"$CLI" digest compare "$WORK/primary.img" --remote "127.0.0.1:$PORT" --remote-path "$WORK/backup/primary.img" \
  --key-file "$WORK/digest.key" --block-size 4096 --repair
cmp "$WORK/primary.img" "$WORK/backup/primary.img" && echo "backup is identical"
wait "$SERVER"; SERVER=""

echo "== changed-block backups (this file system may not clone: the copy is marked InconsistentCopy)"
"$CLI" blocks backup "$WORK/primary.img" --store "$WORK/store" --allow-inconsistent-copy
printf 'again' | dd of="$WORK/primary.img" bs=1 seek=9000000 conv=notrunc status=none
"$CLI" blocks backup "$WORK/primary.img" --store "$WORK/store" --allow-inconsistent-copy
"$CLI" blocks list --store "$WORK/store"
"$CLI" blocks restore --store "$WORK/store" --generation 2 --destination "$WORK/restored.img"
cmp "$WORK/primary.img" "$WORK/restored.img" && echo "generation 2 restored byte-identical"
