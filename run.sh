#!/usr/bin/env bash
# Runs the shop: installs the servers it needs when missing, builds, and starts the AppHost, which prints the
# dashboard and store addresses. Ctrl+C stops everything. Extra arguments go to the AppHost.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$repo_root/scripts/setup.sh"
cd "$repo_root/AppHost"
exec dotnet "bin/${SHOP_CONFIGURATION:-Debug}/net10.0/AppHost.dll" "$@"
