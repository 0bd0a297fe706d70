#!/usr/bin/env bash
# Runs every test: installs what the tests need when missing, builds, runs each test project against real
# servers, and ends with one line "N passed, N failed, N skipped".
set -uo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$repo_root/scripts/setup.sh" || exit 1

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
dotnet test "$repo_root/Shop.sln" -c "${SHOP_CONFIGURATION:-Debug}" --no-build -nologo \
  --logger "trx" --results-directory "$results" "$@" || status=$?

# Count outcomes from the TRX reports: every test project writes one <Counters .../> element.
counter() { grep -ho "<Counters [^>]*" "$results"/*.trx 2>/dev/null | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*" | awk '{s+=$1} END {print s+0}'; }
passed=$(counter passed)
failed=$(( $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted) ))
skipped=$(counter notExecuted)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # dotnet test failed without a failed test: a test host crashed or a project did not run.
  failed=1
  echo "dotnet test exited with $status without reporting a failed test (a test host crashed?)" >&2
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
