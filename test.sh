#!/usr/bin/env bash
# Runs every test: installs what the tests need when missing, builds, runs every test project against real servers,
# and ends with one line "N passed, N failed, N skipped". Arguments go to each dotnet test (e.g. --filter ...).
#
# Two lanes run side by side, each one test project at a time (docs/testing.md): "services" (unit tests, and the
# tests of one service, which start only that service's servers) and "apps" (the tests that need the whole app).
# So at most one whole app starts at a time on a 2-core machine, and never two whole-app starts compete.
set -uo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
configuration="${SHOP_CONFIGURATION:-Debug}"
# The browser tests drive Debian's Chromium (never a downloaded browser).
"$repo_root/scripts/setup.sh" chromium || exit 1

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

# Every test project names its lane (<TestLane> in its .csproj); one that does not is an error, not a skipped project.
lane_projects() { grep -l "<TestLane>$1</TestLane>" "$repo_root"/tests/*/*.csproj | sort; }
# (tests/Directory.Build.props makes every project under tests/ a test project, but the shared libraries Shop.Testing
# and Shop.TestTokens.)
unassigned=$(grep -L "<TestLane>" $(ls "$repo_root"/tests/*/*.csproj | grep -v -e "/Shop.Testing/" -e "/Shop.TestTokens/"))
if [ -n "$unassigned" ]; then
  echo "These test projects name no <TestLane> (services or apps): $unassigned" >&2
  exit 1
fi

run_lane() {
  local lane=$1 status=0 project
  for project in $(lane_projects "$lane"); do
    echo "$(basename "$project" .csproj) started at $(date +%T)"
    dotnet test "$project" -c "$configuration" --no-build -nologo "${@:2}" || status=1
    echo "$(basename "$project" .csproj) ended at $(date +%T)"
  done
  return $status
}

started=$(date +%s)
# Both lanes at once; their output as it comes, each line marked with its lane, and kept for the count below.
for lane in services apps; do
  { run_lane "$lane" "$@"; echo $? > "$logs/$lane.status"; } 2>&1 | tee "$logs/$lane.log" | sed -u "s/^/[$lane] /" &
done
wait

# Each test assembly ends with "Passed!/Failed!  - Failed: N, Passed: N, Skipped: N, Total: N, ...": add them up.
sum() { cat "$logs"/*.log | grep -E "^\s*(Passed|Failed)!\s+- Failed:" | grep -oE "$1: +[0-9]+" | grep -oE "[0-9]+" | awk '{s+=$1} END {print s+0}'; }
passed=$(sum Passed)
failed=$(sum Failed)
skipped=$(sum Skipped)
status=0
if [ "$(cat "$logs"/*.status | sort -u)" != "0" ]; then
  status=1
  if [ "$failed" -eq 0 ]; then
    # dotnet test failed without a failed test: a test host crashed or a project did not run.
    failed=1
    echo "dotnet test failed without reporting a failed test (a test host crashed?)" >&2
  fi
fi
echo "Tests took $(( $(date +%s) - started )) s."
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
