#!/usr/bin/env bash
# Digest benchmark (issue: Compare-BlockDigest). Prints a markdown report and keeps it under bench/results/.
#   1. Compare-BlockDigest -Repair over loopback (`clusterbackup digest compare --remote ... --repair`)
#      against `rsync --no-whole-file --inplace -B 4096` on a 2 GiB file pair with 1% of 4 KiB blocks changed:
#      wall time, CPU time (both processes of each tool), bytes sent.
#   2. Digest throughput on the same file, one core: ours (SHA-256, XXH3-128) against `openssl dgst -sha256`
#      and `xxhsum -H3`; and ours on all cores.
# Everything runs in one session with the page cache warm (each file is read once before it is timed).
# Environment: DIGEST_BENCH_SIZE_MIB (2048), DIGEST_BENCH_TRIALS (3), DIGEST_BENCH_DIR (/var/tmp), CLUSTERBACKUP_CLI.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CLI=${CLUSTERBACKUP_CLI:-$ROOT/src/ClusterBackup.Cli/bin/Release/net8.0/clusterbackup}
SIZE_MIB=${DIGEST_BENCH_SIZE_MIB:-2048}
TRIALS=${DIGEST_BENCH_TRIALS:-3}
for tool in rsync openssl xxhsum python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "digest benchmark: '$tool' is missing (build.sh installs rsync and xxhash)" >&2; exit 2; }
done
[ -x "$CLI" ] || { echo "digest benchmark: build first (./build.sh bench builds); no $CLI" >&2; exit 2; }

WORK=$(mktemp -d "${DIGEST_BENCH_DIR:-/var/tmp}/cb-bench-digests.XXXXXX")
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"
mkdir -p srv results
log() { printf '==> %s\n' "$*" >&2; }

log "generating a ${SIZE_MIB} MiB primary and a copy with 1% of its 4 KiB blocks changed in $WORK"
head -c "${SIZE_MIB}M" /dev/urandom > primary.img
cp primary.img backup.orig
python3 - backup.orig > changed.txt <<'PY'
import os, random, sys
random.seed(20261121)
path = sys.argv[1]
blocks = os.path.getsize(path) // 4096
chosen = random.sample(range(blocks), blocks // 100)
with open(path, 'r+b') as f:
    for b in chosen:
        f.seek(b * 4096 + random.randrange(4096))
        old = f.read(1)[0]
        f.seek(-1, 1)
        f.write(bytes([old ^ 0xA5]))   # always a real change
print(len(chosen))
PY
"$CLI" digest new-key --out key
warm() { cat "$@" > /dev/null; }
# timed NAME CMD...: wall, user and sys seconds of CMD (and its children) into results/NAME.time
timed() { local name=$1; shift; /usr/bin/time -f "%e %U %S" -o "results/$name.time" "$@"; }

for trial in $(seq 1 "$TRIALS"); do
  log "trial $trial of $TRIALS: Compare-BlockDigest -Repair over loopback"
  cp backup.orig srv/backup.img
  cp backup.orig rsync.img
  touch -d "2000-01-01 00:00:00" rsync.img   # a different time stamp, so rsync's quick check never skips the file
  warm primary.img srv/backup.img rsync.img
  /usr/bin/time -f "%e %U %S" -o "results/server-$trial.time" \
    "$CLI" digest serve --root "$WORK/srv" --key-file key --port 0 --max-sessions 1 > "results/serve-$trial.out" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do grep -q "listening on" "results/serve-$trial.out" 2>/dev/null && break; sleep 0.1; done
  port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "results/serve-$trial.out")
  timed "ours-$trial" "$CLI" digest compare primary.img --remote "127.0.0.1:$port" --remote-path "$WORK/srv/backup.img" \
    --key-file key --repair --block-size 4096 --group-blocks 16 --algorithm xxh3 -o json > "results/ours-$trial.json"
  wait "$SERVER_PID"; SERVER_PID=""
  cmp -s primary.img srv/backup.img || { echo "digest benchmark: the repaired copy differs from the primary" >&2; exit 1; }

  log "trial $trial of $TRIALS: rsync --no-whole-file --inplace -B 4096"
  timed "rsync-$trial" rsync --no-whole-file --inplace -B 4096 --stats primary.img rsync.img > "results/rsync-$trial.out"
  cmp -s primary.img rsync.img || { echo "digest benchmark: rsync's copy differs from the primary" >&2; exit 1; }
done

log "digest throughput, one core, same file"
warm primary.img
for trial in $(seq 1 "$TRIALS"); do
  timed "openssl-$trial" openssl dgst -sha256 primary.img > /dev/null
  timed "xxhsum-$trial" xxhsum -H3 primary.img > /dev/null
  for algorithm in sha256 xxh3; do
    for block in 65536 4096; do
      timed "digest-$algorithm-$block-1-$trial" "$CLI" digest compute primary.img --out "$WORK/p.cbdigest" --algorithm "$algorithm" --block-size "$block" --parallelism 1 -o json > "results/digest-$algorithm-$block-1-$trial.json"
    done
    timed "digest-$algorithm-65536-all-$trial" "$CLI" digest compute primary.img --out "$WORK/p.cbdigest" --algorithm "$algorithm" --block-size 65536 -o json > "results/digest-$algorithm-65536-all-$trial.json"
  done
done

mkdir -p "$ROOT/bench/results"
REPORT="$ROOT/bench/results/digests-$(date -u +%Y%m%dT%H%M%SZ).md"
python3 - "$WORK/results" "$TRIALS" "$SIZE_MIB" "$(cat changed.txt)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY' | tee "$REPORT"
import json, os, re, statistics, sys
results, trials, size_mib, changed, cores, load = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
def t(name):
    wall, user, system = open(os.path.join(results, name + '.time')).read().split()[-3:]
    return float(wall), float(user) + float(system)
def med(values): return statistics.median(values)
ours, rsync = [], []
for i in range(1, trials + 1):
    r = json.load(open(os.path.join(results, f'ours-{i}.json')))[0]
    wall, cpu = t(f'ours-{i}')
    _, server_cpu = t(f'server-{i}')
    ours.append(dict(wall=wall, cpu=cpu + server_cpu, sent=r['BytesSent'], digests=r['DigestBytes'], changed=r['DifferingBytes'], blocks=r['DifferingBlocks']))
    text = open(os.path.join(results, f'rsync-{i}.out')).read()
    sent = int(re.search(r'Total bytes sent: ([\d,]+)', text).group(1).replace(',', ''))
    received = int(re.search(r'Total bytes received: ([\d,]+)', text).group(1).replace(',', ''))
    wall, cpu = t(f'rsync-{i}')
    rsync.append(dict(wall=wall, cpu=cpu, sent=sent + received))
o = {k: med([x[k] for x in ours]) for k in ours[0]}
r = {k: med([x[k] for x in rsync]) for k in rsync[0]}
mib = size_mib
print(f"### Compare-BlockDigest -Repair vs rsync ({mib} MiB file pair, {changed} of {mib*256} 4 KiB blocks changed; median of {trials} trials)\n")
print(f"Machine: {cores} cores, load average at the end {load} (other work was running: wall times are inflated, CPU times are not).\n")
print("| | wall s | CPU s (all processes) | bytes on the wire |")
print("|---|---:|---:|---:|")
print(f"| `clusterbackup digest compare --remote --repair` (XXH3-128, 4 KiB blocks, groups of 16) | {o['wall']:.2f} | {o['cpu']:.2f} | {o['sent']:,.0f} |")
print(f"| `rsync --no-whole-file --inplace -B 4096` | {r['wall']:.2f} | {r['cpu']:.2f} | {r['sent']:,.0f} |")
print(f"| ratio (goal wall <= 0.33) | {o['wall']/r['wall']:.2f} | {o['cpu']/r['cpu']:.2f} | {o['sent']/r['sent']:.2f} |")
print()
print(f"Bytes: changed blocks {o['changed']:,.0f} + digests {o['digests']:,.0f} = {o['changed']+o['digests']:,.0f}; sent {o['sent']:,.0f} = "
      f"{o['sent']/(o['changed']+o['digests']):.3f} x (goal <= 1.05). Our figure counts both directions (rsync's: sent + received).\n")
def rate(name):
    walls, cpus = zip(*[t(f'{name}-{i}') for i in range(1, trials + 1)])
    engine = ''
    if name.startswith('digest-'):
        engine = f"{max(json.load(open(os.path.join(results, f'{name}-{i}.json')))[0]['BytesPerSecond'] for i in range(1, trials + 1)) / 1048576:,.0f}"
    return mib / min(walls), mib / min(cpus), engine
rows = [("`openssl dgst -sha256` (one core)", rate('openssl')),
        ("ours SHA-256, 64 KiB blocks, one core", rate('digest-sha256-65536-1')),
        ("ours SHA-256, 4 KiB blocks, one core", rate('digest-sha256-4096-1')),
        (f"ours SHA-256, 64 KiB blocks, all {cores} cores", rate('digest-sha256-65536-all')),
        ("`xxhsum -H3` (one core)", rate('xxhsum')),
        ("ours XXH3-128, 64 KiB blocks, one core", rate('digest-xxh3-65536-1')),
        ("ours XXH3-128, 4 KiB blocks, one core", rate('digest-xxh3-4096-1')),
        (f"ours XXH3-128, 64 KiB blocks, all {cores} cores", rate('digest-xxh3-65536-all'))]
print(f"### Digest throughput on the same {mib} MiB file (best of {trials}; whole process, including start-up and writing the digest file)\n")
print("| | MiB/s by wall time | MiB/s per CPU second | MiB/s of the digest pass (engine-measured, no process start) |")
print("|---|---:|---:|---:|")
for label, (wall, cpu, engine) in rows:
    print(f"| {label} | {wall:,.0f} | {cpu:,.0f} | {engine} |")
print()
openssl_cpu, ours_cpu = rows[0][1][1], rows[1][1][1]
print(f"SHA-256 per core (64 KiB blocks) vs openssl: {ours_cpu/openssl_cpu:.2f} x by CPU time, {rows[1][1][0]/rows[0][1][0]:.2f} x by wall time (goal >= 0.9).")
PY
log "report: $REPORT"
