#!/usr/bin/env bash
# ClusterBackup benchmarks: ./build.sh bench [section...]. Each section is bench/<section>/run.sh; it prints its
# figures (always against a reference run in the same session) and writes them to bench/results/<section>.txt.
# Figures worth keeping go to bench/README.md with the date and the machine.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SECTIONS=(
  backup-overhead
  tape
  digests
  hashes
  fuzz
)
selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=("${SECTIONS[@]}")
mkdir -p "$HERE/results"
for section in "${selected[@]}"; do
  [ -f "$HERE/$section/run.sh" ] || { echo "no benchmark section '$section' (have: ${SECTIONS[*]})" >&2; exit 2; }
  printf '\n==> bench: %s\n' "$section"
  bash "$HERE/$section/run.sh" | tee "$HERE/results/$section.txt"
done
