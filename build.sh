#!/usr/bin/env bash
# ClusterBackup build for machines without PowerShell (build.ps1 is the same for pwsh).
#   ./build.sh test     install what the tests need (pinned pwsh and Pester in .tools/ included), build,
#                       syntax-check PowerShell, run xunit, stage the module and run the Pester suite in pwsh
#   ./build.sh demo     the main job end to end in pwsh through the cmdlets (examples/Invoke-MainJobDemo.ps1): PostgreSQL
#                       primary + standby -> share, failover, tape with cascaded mirrors, retention, restore, estate checks
#   ./build.sh demo-cli the same job through `clusterbackup` commands only (examples/demo.sh), for shells without PowerShell
#   ./build.sh bench    benchmarks; figures go to bench/README.md
#   ./build.sh help     regenerate the MAML help from the cmdlets' doc comments
#   ./build.sh package  stage the module under out/ClusterBackup/<version>/ and the CLI under out/cli/
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
CONFIGURATION=${CONFIGURATION:-Release}
VERSION=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props)
# The pinned PowerShell and Pester, installed into .tools/ (owned by the build) when missing.
TEST_TOOLS=tests/Pester/Tools/PowerShellTestTools.csproj
PWSH_VERSION=$(sed -n 's:.*<PowerShellVersion>\(.*\)</PowerShellVersion>.*:\1:p' "$TEST_TOOLS")
PESTER_VERSION=$(sed -n 's:.*<PesterVersion>\(.*\)</PesterVersion>.*:\1:p' "$TEST_TOOLS")
PWSH="$ROOT/.tools/pwsh/pwsh"
PESTER="$ROOT/.tools/nuget/pester/$PESTER_VERSION/tools/Pester.psd1"
STAGE="$ROOT/out/ClusterBackup/$VERSION"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Debian packages the tests and the demo use, each checked before anything is installed.
# systemd provides systemd-analyze, which checks the exported timers and units; installing the package
# where PID 1 is not systemd only adds the tools (nothing is started; see the service loop below).
# sqlite3 lets the estate-check tests craft a catalog with a gap in its log chain.
# qemu-system-x86, debootstrap and openssh-client build and reach the lab guest (tests/lab, README "Lab tier").
APT_PACKAGES=(postgresql pacemaker corosync crmsh iproute2 util-linux xfsprogs btrfs-progs rsync xxhash systemd sqlite3
  qemu-system-x86 debootstrap openssh-client)

log() { printf '==> %s\n' "$*" >&2; }

ensure_packages() {
  local missing=()
  for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
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

# pwsh (the .NET tool) and Pester (the NuGet package, whose tools/ folder is the module), pinned.
ensure_powershell() {
  if [ ! -x "$PWSH" ] || [ "$("$PWSH" -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()' 2>/dev/null)" != "$PWSH_VERSION" ]; then
    log "installing PowerShell $PWSH_VERSION into .tools/pwsh"
    rm -rf "$ROOT/.tools/pwsh"
    dotnet tool install PowerShell --version "$PWSH_VERSION" --tool-path "$ROOT/.tools/pwsh" >/dev/null
  fi
  if [ ! -f "$PESTER" ]; then
    log "installing Pester $PESTER_VERSION into .tools/nuget"
    dotnet restore "$TEST_TOOLS" --packages "$ROOT/.tools/nuget" -nologo -v quiet >/dev/null
  fi
}

check_powershell_syntax() {
  mapfile -t files < <(git ls-files -co --exclude-standard -- '*.ps1' '*.psd1' '*.psm1')
  log "syntax-checking ${#files[@]} PowerShell files with PowerShell's parser"
  "$PWSH" -NoProfile -NonInteractive -File tests/Syntax/Test-PowerShellSyntax.ps1 "${files[@]}"
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
  stage_module
  log "Pester $PESTER_VERSION in pwsh $PWSH_VERSION against $STAGE"
  CLUSTERBACKUP_CLI="$ROOT/src/ClusterBackup.Cli/bin/$CONFIGURATION/net8.0/clusterbackup" \
  "$PWSH" -NoProfile -NonInteractive -File tests/Pester/Invoke-PesterSuite.ps1 \
    -Pester "$PESTER" -Module "$STAGE/ClusterBackup.psd1" -ResultFile "$results/pester.xml" || status=1
  summarize "$results"
  return $status
}

# The closing lines: xunit (every .trx) and Pester (its NUnit XML) apart, then together as
# "Tests: N passed, N failed, N skipped".
summarize() {
  local xunit pester
  xunit=$(summarize_trx "$1")
  pester=$(summarize_nunit "$1/pester.xml")
  read -r xp xf xs <<<"$xunit"
  read -r pp pf ps <<<"$pester"
  echo
  echo "xunit: $xp passed, $xf failed, $xs skipped; Pester: $pp passed, $pf failed, $ps skipped"
  echo "Tests: $((xp + pp)) passed, $((xf + pf)) failed, $((xs + ps)) skipped"
  list_failed "$1"
}

# The failed tests by name, so the closing lines of a long run say what to look at.
list_failed() {
  local trx
  for trx in "$1"/*.trx; do
    [ -e "$trx" ] || continue
    grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$trx" | sed -n 's/.* testName="\([^"]*\)".*/  failed (xunit): \1/p' || true
  done
  [ -f "$1/pester.xml" ] || return 0
  grep -o '<test-case [^>]*result="Failure"[^>]*>' "$1/pester.xml" | sed -n 's/.* name="\([^"]*\)".*/  failed (Pester): \1/p' | cut -c1-300 || true
}

# Pester's NUnit 2.5 result: "passed failed skipped". A missing file (pwsh or Pester could not run)
# counts as one failure.
summarize_nunit() {
  [ -f "$1" ] || { echo "0 1 0"; return; }
  local root attr total failures errors skipped=0 name
  root=$(grep -o '<test-results [^>]*>' "$1" | head -1)
  attr() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$root"; }
  total=$(attr total); failures=$(attr failures); errors=$(attr errors)
  for name in not-run inconclusive ignored skipped invalid; do skipped=$((skipped + $(attr "$name"))); done
  echo "$((total - failures - errors - skipped)) $((failures + errors)) $skipped"
}

summarize_trx() {
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
  echo "$passed $failed $skipped"
}

# The module exactly as it ships: out/ClusterBackup/<version>/ with the cmdlets, the loader, the
# manifest, views and help at the top and the engine with its libraries in dependencies/.
stage_module() {
  log "staging the module in $STAGE"
  rm -rf "$STAGE"
  dotnet publish src/ClusterBackup.PowerShell -c "$CONFIGURATION" -o "$STAGE" -nologo -clp:ErrorsOnly --no-build
  cp ClusterBackup.psd1 "$STAGE/"
  cp module/*.ps1xml "$STAGE/"
  [ -d module/en-US ] && cp -r module/en-US "$STAGE/"
  # The estate checks Invoke-ClusterBackupEstateCheck runs (Checks/ClusterBackup.Estate.Tests.ps1).
  cp -r module/Checks "$STAGE/"
  return 0
}

package() {
  stage_module
  dotnet publish src/ClusterBackup.Cli -c "$CONFIGURATION" -o "$ROOT/out/cli" -nologo -clp:ErrorsOnly
  log "module: $STAGE; CLI: $ROOT/out/cli/clusterbackup"
}

case "${1:-test}" in
  test)
    ensure_packages
    ensure_powershell
    build
    check_powershell_syntax
    run_tests
    ;;
  demo)
    ensure_packages
    ensure_powershell
    build
    stage_module
    exec "$PWSH" -NoProfile -NonInteractive -File examples/Invoke-MainJobDemo.ps1 -Module "$STAGE/ClusterBackup.psd1" -Pester "$PESTER"
    ;;
  demo-cli)
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
    echo "usage: $0 test|demo|demo-cli|bench|package|help" >&2
    exit 2
    ;;
esac
