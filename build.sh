#!/usr/bin/env bash
# ClusterBackup build for machines without PowerShell (build.ps1 is the same for pwsh).
#   ./build.sh test     install what the tests need, build, syntax-check PowerShell, run every test
#   ./build.sh demo     the main job end to end: PostgreSQL primary + standby -> backup share, failover, verify
#   ./build.sh bench    benchmarks; figures go to bench/README.md
#   ./build.sh help     regenerate the MAML help from the cmdlets' doc comments
#   ./build.sh package  stage the module under out/ClusterBackup/<version>/ and the CLI under out/cli/
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
CONFIGURATION=${CONFIGURATION:-Release}
VERSION=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Debian packages the tests and the demo use, each checked before anything is installed.
# systemd provides systemd-analyze, which checks the exported timers and units; installing the package
# where PID 1 is not systemd only adds the tools (nothing is started; see the service loop below).
# qemu-system-x86, debootstrap and openssh-client build and reach the lab guest (tests/lab, README "Lab tier").
APT_PACKAGES=(postgresql pacemaker corosync crmsh iproute2 util-linux xfsprogs btrfs-progs rsync xxhash systemd
  qemu-system-x86 debootstrap openssh-client)

log() { printf '==> %s\n' "$*" >&2; }

ensure_packages() {
  local missing=()
  for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  # Node.js may come from another packaging that bundles npm; only a missing command asks apt.
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  if ((${#missing[@]})); then
    log "installing: ${missing[*]}"
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # Debian starts services it installs where a service manager runs; the tests start their own.
  for service in corosync pacemaker postgresql; do
    if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
      systemctl stop "$service" 2>/dev/null || true
    fi
  done
}

build() {
  log "building ($CONFIGURATION)"
  dotnet build ClusterBackup.sln -c "$CONFIGURATION" -nologo -clp:ErrorsOnly
}

check_powershell_syntax() {
  local tools="$ROOT/.tools/ps-syntax"
  if [ ! -d "$tools/node_modules/tree-sitter-powershell" ]; then
    log "installing the tree-sitter PowerShell grammar"
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error tree-sitter@0.25.0 tree-sitter-powershell@0.26.4 >/dev/null
  fi
  cp tests/Syntax/check-powershell.mjs "$tools/"
  mapfile -t files < <(git ls-files -co --exclude-standard -- '*.ps1' '*.psd1' '*.psm1')
  log "syntax-checking ${#files[@]} PowerShell files"
  node --no-deprecation "$tools/check-powershell.mjs" "${files[@]}"
}

run_tests() {
  local results="$ROOT/out/test-results"
  rm -rf "$results"; mkdir -p "$results"
  local status=0
  for project in tests/*/*.csproj; do
    log "testing $(basename "$project" .csproj)"
    dotnet test "$project" -c "$CONFIGURATION" --no-build --nologo \
      --logger "trx;LogFilePrefix=$(basename "$project" .csproj)" --logger "console;verbosity=minimal" \
      --results-directory "$results" || status=1
  done
  summarize "$results"
  return $status
}

# One closing line over every test project: "Tests: N passed, N failed, N skipped".
summarize() {
  local passed=0 failed=0 skipped=0 total
  for trx in "$1"/*.trx; do
    [ -e "$trx" ] || continue
    local counters
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    total=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
    local p f
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
    f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + total - p - f))
  done
  echo
  echo "Tests: $passed passed, $failed failed, $skipped skipped"
}

package() {
  local stage="$ROOT/out/ClusterBackup/$VERSION"
  log "staging the module in $stage"
  rm -rf "$stage"
  dotnet publish src/ClusterBackup.PowerShell -c "$CONFIGURATION" -o "$stage" -nologo -clp:ErrorsOnly
  cp ClusterBackup.psd1 "$stage/"
  cp module/*.ps1xml "$stage/"
  [ -d module/en-US ] && cp -r module/en-US "$stage/"
  dotnet publish src/ClusterBackup.Cli -c "$CONFIGURATION" -o "$ROOT/out/cli" -nologo -clp:ErrorsOnly
  log "module: $stage; CLI: $ROOT/out/cli/clusterbackup"
}

case "${1:-test}" in
  test)
    ensure_packages
    build
    check_powershell_syntax
    run_tests
    ;;
  demo)
    ensure_packages
    build
    exec bash examples/demo.sh
    ;;
  bench)
    ensure_packages
    build
    exec bash bench/run.sh "${@:2}"
    ;;
  package)
    build
    package
    ;;
  help)
    # Rewrites module/en-US/ClusterBackup.PowerShell.dll-Help.xml from the cmdlets' doc comments.
    build
    CLUSTERBACKUP_UPDATE_HELP=1 dotnet test tests/ClusterBackup.PowerShell.Tests -c "$CONFIGURATION" --no-build --nologo \
      --filter "FullyQualifiedName~HelpFileTests" --logger "console;verbosity=minimal"
    ;;
  *)
    echo "usage: $0 test|demo|bench|package|help" >&2
    exit 2
    ;;
esac
