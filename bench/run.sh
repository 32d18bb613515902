#!/usr/bin/env bash
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
