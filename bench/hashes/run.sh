#!/usr/bin/env bash
# Hash benchmark: System.IO.Hashing's XxHash128 against the hand-written XXH3-128 the engine used to carry, and the
# engine's CRC32C (BitOperations.Crc32C below 32 KiB, a hand-written three-way split above) against a plain
# BitOperations.Crc32C loop, with System.IO.Hashing's Crc32 (IEEE) as a reference; the same in-memory data, interleaved
# trials, one process, medians. Checks first that both XXH3-128s give byte-identical digests.
#   HASH_BENCH_TOTAL_MIB (1024) bytes per trial   HASH_BENCH_TRIALS (7)   HASH_BENCH_SIZES (4096,16384,65536,262144)
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/hashes/HashBench -c Release -nologo -clp:ErrorsOnly >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
dotnet bench/hashes/HashBench/bin/Release/net8.0/HashBench.dll \
  --total-mib "${HASH_BENCH_TOTAL_MIB:-1024}" --trials "${HASH_BENCH_TRIALS:-7}" --sizes "${HASH_BENCH_SIZES:-4096,16384,65536,262144}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
