#!/usr/bin/env bash
# Fuzzing tier: the format fuzzers of the test suite (tests/ClusterBackup.Engine.Tests/Fuzzing), each fed
# FUZZ_BENCH_INPUTS inputs (default 1,000,000) from a seed chosen here and printed, on every core.
#   FUZZ_BENCH_INPUTS   inputs per format
#   FUZZ_BENCH_SEED     replay a run's seed
#   FUZZ_BENCH_FORMATS  a test-name filter (default every fuzzer), e.g. "JsonFormatFuzzTests|DigestFileFuzzTests"
set -euo pipefail
cd "$(dirname "$0")/../.."
inputs=${FUZZ_BENCH_INPUTS:-1000000}
seed=${FUZZ_BENCH_SEED:-$(( (RANDOM << 15) | RANDOM ))}
results=bench/results; mkdir -p "$results"
log="$results/fuzz-$(date -u +%Y%m%dT%H%M%SZ).log"
filter="Category=Fuzz"
if [ -n "${FUZZ_BENCH_FORMATS:-}" ]; then
  filter="Category=Fuzz&(FullyQualifiedName~$(sed 's/|/|FullyQualifiedName~/g' <<<"$FUZZ_BENCH_FORMATS"))"
fi
echo "fuzzing: $inputs inputs per format, seed $seed (FUZZ_BENCH_SEED=$seed replays it); log $log"
dotnet build tests/ClusterBackup.Engine.Tests -c Release -nologo -clp:ErrorsOnly >/dev/null
CLUSTERBACKUP_LAB=skip CLUSTERBACKUP_TEST_FUZZ_INPUTS=$inputs CLUSTERBACKUP_TEST_FUZZ_SEED=$seed \
  dotnet test tests/ClusterBackup.Engine.Tests -c Release --no-build --nologo --filter "$filter" \
  --logger "console;verbosity=detailed" >"$log" 2>&1 || status=$?
grep -E ": [0-9]+ inputs from seed|refused with an error|broke the reader|Passed!|Failed!" "$log" | sed 's/^ *//' | sort -u
exit "${status:-0}"
