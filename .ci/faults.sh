#!/usr/bin/env bash
# The fault-injection suite (issue 12; docs/RELIABILITY.md): builds the gateway from this checkout
# and runs ./faults, which starts its OWN redis-server and mariadbd on ports 18300-18399 (never the
# shared 6379/3306 instances), injects each fault under load and prints one table; non-zero exit
# when any row fails. About 1.5 minutes on 2 cores, plus the build.
#
#   bash .ci/faults.sh [-only name,name]        # table and logs in $FAULTS_OUT or a temp directory
#
# Runs from a fresh clone on a machine that may have only Go: redis-server and mariadb-server are
# installed with apt where missing. The suite uses only their binaries; whatever service the packages
# start is not touched.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin:/usr/sbin"

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
if ! command -v mariadbd >/dev/null || ! command -v mariadb-install-db >/dev/null; then
  missing+=(mariadb-server)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

out="${FAULTS_OUT:-$(mktemp -d -t sharepanel-faults-out-XXXXXX)}"
mkdir -p "$out"
go run ./faults -out "$out" "$@"
