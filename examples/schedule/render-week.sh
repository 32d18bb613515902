#!/usr/bin/env bash
# Draws the week of a schedule (default: the built-in weekly template in America/New_York, the week of
# Monday 23 November 2026) as text, SVG and HTML, and renders the HTML to PNG with headless Chromium.
#   examples/schedule/render-week.sh [OUTPUT_PREFIX] [SCHEDULE_FILE]
# Regenerates docs/weekly-schedule.{svg,html,png} when run without arguments from the repository root.
set -euo pipefail
cd "$(dirname "$0")/../.."
prefix=${1:-docs/weekly-schedule}
schedule=${2:-}
cli=(dotnet src/ClusterBackup.Cli/bin/Release/net8.0/clusterbackup.dll)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$schedule" ]; then
  schedule="$work/weekly.json"
  "${cli[@]}" schedule new --path "$schedule" --time-zone America/New_York >/dev/null
fi
"${cli[@]}" schedule week --schedule "$schedule" --from 2026-11-23 --svg "$prefix.svg" --html "$prefix.html"
size=$(sed -n 's/^<svg [^>]* width="\([0-9]*\)" height="\([0-9]*\)".*/\1 \2/p' "$prefix.svg" | head -1)
read -r width height <<<"$size"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$work/chromium" \
  --screenshot="$PWD/$prefix.png" --window-size="$((width + 40)),$((height + 40))" "file://$PWD/$prefix.html" >/dev/null 2>&1
echo "wrote $prefix.svg, $prefix.html and $prefix.png"
