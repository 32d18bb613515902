#!/usr/bin/env bash
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
  esac
done
