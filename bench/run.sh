#!/usr/bin/env bash
# The load benchmark, in one command (from anywhere in the repository):
#
#   bash bench/run.sh [runner flags, e.g. -conns 16,64 -duration 10s -only one-key,minimal]
#
# Makes sure MariaDB and Redis are up (.ci/services.sh installs them where missing) and that wrk
# is installed, then runs bench/runner: it builds the gateway and the baselines, seeds the
# databases, loads each server with wrk on 127.0.0.1:391xx and prints the table. About 7 minutes
# with the defaults. See docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

bash .ci/services.sh
if ! command -v wrk >/dev/null; then
  echo "installing wrk"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
exec go run ./bench/runner "$@"
