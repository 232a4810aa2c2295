#!/usr/bin/env bash
# The history benchmark (issue 11), in one command (from anywhere in the repository):
#
#   bash bench/history.sh [flags of bench/history, e.g. -samples 200 -scale 0.1 -reuse]
#
# Makes sure MariaDB is up (.ci/services.sh installs it where missing), builds the gateway from
# this checkout, then runs bench/history: it recreates the database sp_history_bench, lets the
# gateway migrate it and make the demo account, seeds a one-year account with set-based SQL,
# measures every read endpoint of the user API on both accounts and prints the table.
# See docs/BENCHMARKS.md, "History benchmark".
set -euo pipefail
cd "$(dirname "$0")/.."

bash .ci/services.sh
work="${TMPDIR:-/tmp}/sharepanel-history"
mkdir -p "$work/bin"
echo "building the gateway"
go build -o "$work/bin/sharepanel" .
go build -o "$work/bin/history" ./bench/history
exec "$work/bin/history" -gateway "$work/bin/sharepanel" -work "$work" "$@"
