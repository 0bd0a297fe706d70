#!/usr/bin/env bash
# Runs the shop: installs the servers it needs when missing, builds, and starts the Aspire AppHost, which prints
# the dashboard's login URL and, once everything is healthy, the store's address. Ctrl+C stops everything.
# Extra arguments go to the AppHost (e.g. --publisher manifest --output-path ./aspire-manifest.json).
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$repo_root/scripts/setup.sh"
cd "$repo_root/AppHost"
# What `dotnet run` would take from Properties/launchSettings.json: the dashboard on plain http, on loopback.
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Development}"
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://localhost:18888}"
export ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="${ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL:-http://localhost:18889}"
export ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="${ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL:-http://localhost:18887}"
export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true
exec dotnet "bin/${SHOP_CONFIGURATION:-Debug}/net10.0/AppHost.dll" "$@"
