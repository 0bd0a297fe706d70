#!/usr/bin/env bash
# The flash-sale benchmark against a freshly started Shop: installs what is missing and builds the solution in
# Release (scripts/setup.sh), then runs FlashSale.Bench, which starts the real AppHost itself (in-process, through
# Aspire.Hosting.Testing: random ports, a data folder of its own, everything stopped at the end, also on Ctrl+C),
# runs the scenarios, audits orderingdb (and baselinedb, the baseline's own database, which the bench adds) and writes bench/results/. Arguments go to FlashSale.Bench, e.g. --quick or --scenario sale.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHOP_CONFIGURATION=Release "$repo_root/scripts/setup.sh"
cd "$repo_root"
exec dotnet "bench/FlashSale.Bench/bin/Release/net10.0/FlashSale.Bench.dll" "$@"
