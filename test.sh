#!/usr/bin/env bash
# Runs every test: installs what the tests need when missing, builds, runs each test project against real
# servers, and ends with one line "N passed, N failed, N skipped". Arguments go to dotnet test.
set -uo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The browser tests drive Debian's Chromium (never a downloaded browser).
"$repo_root/scripts/setup.sh" chromium || exit 1

output="$(mktemp)"
trap 'rm -f "$output"' EXIT
# Two test assemblies at a time: each boots whole apps (DCP, servers, five services) on a 2-core machine.
dotnet test "$repo_root/Shop.sln" -c "${SHOP_CONFIGURATION:-Debug}" --no-build -nologo -m:2 "$@" 2>&1 | tee "$output"
status=${PIPESTATUS[0]}

# Each test assembly ends with "Passed!/Failed!  - Failed: N, Passed: N, Skipped: N, Total: N, ...": add them up.
sum() { grep -E "^\s*(Passed|Failed)!\s+- Failed:" "$output" | grep -oE "$1: +[0-9]+" | grep -oE "[0-9]+" | awk '{s+=$1} END {print s+0}'; }
passed=$(sum Passed)
failed=$(sum Failed)
skipped=$(sum Skipped)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # dotnet test failed without a failed test: a test host crashed or a project did not run.
  failed=1
  echo "dotnet test exited with $status without reporting a failed test (a test host crashed?)" >&2
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
