#!/usr/bin/env bash
# Installs what Shop needs on a fresh Debian 12 machine and builds the solution. Idempotent: a machine that
# has everything only builds. Sourced by run.sh and test.sh; safe to run on its own.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages and the binary that shows each one is installed.
declare -A required=(
  [redis-server]=/usr/bin/redis-server
  [postgresql]=/usr/lib/postgresql
  [rabbitmq-server]=/usr/lib/rabbitmq/bin/rabbitmq-server
  # Monitoring (docs/monitoring.md): the AppHost runs both; promtool (in prometheus) tests the alert rules.
  [prometheus]=/usr/bin/promtool
  [prometheus-alertmanager]=/usr/bin/prometheus-alertmanager
)
for extra in "$@"; do
  case "$extra" in
    # The browser tests: Debian's Chromium, and npm for axe-core (tests/Shop.IntegrationTests/package.json).
    chromium) required[chromium]=/usr/bin/chromium; command -v npm > /dev/null || required[npm]=/usr/bin/npm ;;
  esac
done
# setpriv (util-linux) runs Postgres as the postgres user when the AppHost is root.
required[util-linux]=/usr/bin/setpriv

missing=()
for package in "${!required[@]}"; do
  [ -e "${required[$package]}" ] || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Shop needs these Debian packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing ${missing[*]} ..."
  # The servers are started by the AppHost, not as system services: keep apt from starting them.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" > /tmp/shop-apt.log 2>&1 || { cat /tmp/shop-apt.log >&2; exit 1; }
  [ "$created_policy" = 1 ] && rm -f "$policy"
fi

if ! command -v dotnet > /dev/null; then
  echo "The .NET 10 SDK is not on PATH: install it first (https://dotnet.microsoft.com/download)." >&2
  exit 1
fi

for extra in "$@"; do
  if [ "$extra" = chromium ] && [ ! -e "$repo_root/tests/Shop.IntegrationTests/node_modules/axe-core/axe.min.js" ]; then
    echo "Installing axe-core for the browser tests ..."
    (cd "$repo_root/tests/Shop.IntegrationTests" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

echo "Building Shop ..."
dotnet build "$repo_root/Shop.sln" -c "${SHOP_CONFIGURATION:-Debug}" -nologo -v quiet -clp:ErrorsOnly
