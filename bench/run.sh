#!/usr/bin/env bash
# ClusterBackup benchmarks: ./build.sh bench [section...]. Each section is bench/<section>/run.sh; it prints its
# figures (always against a reference run in the same session) and writes them to bench/results/<section>.txt.
# Figures worth keeping go to bench/README.md with the date and the machine.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SECTIONS=(
  backup-overhead
)
selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=("${SECTIONS[@]}")
mkdir -p "$HERE/results"
for section in "${selected[@]}"; do
  [ -f "$HERE/$section/run.sh" ] || { echo "no benchmark section '$section' (have: ${SECTIONS[*]})" >&2; exit 2; }
  printf '\n==> bench: %s\n' "$section"
  bash "$HERE/$section/run.sh" | tee "$HERE/results/$section.txt"
# Benchmarks. Each capability has a section; figures go to bench/README.md.
#   bench/run.sh [section...]   sections: tape (default: all)
set -euo pipefail
cd "$(dirname "$0")"
sections=("$@")
((${#sections[@]})) || sections=(tape)
for section in "${sections[@]}"; do
  case "$section" in
    tape) bash tape/run.sh ;;
    *) echo "unknown benchmark section: $section" >&2; exit 2 ;;
# Benchmarks: ./build.sh bench [section...] builds and runs them; figures go to bench/README.md.
# Each section is a script under bench/<section>/run.sh that prints a markdown report.
set -euo pipefail
cd "$(dirname "$0")"
sections=("$@")
((${#sections[@]})) || sections=(digests)
for section in "${sections[@]}"; do
  case "$section" in
    digests) bash digests/run.sh ;;
    *) echo "bench: unknown section '$section'" >&2; exit 2 ;;
  esac
done
