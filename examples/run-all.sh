#!/usr/bin/env bash
# Runs the reference's client examples (Python, PHP, JavaScript in Node, cURL) against a gateway and
# checks that every answer has status "success".
#
# With SHAREPANEL_BASE_URL set, against that server (it must have the account user@example.com with
# password "password"). Without it, builds the gateway from this checkout and starts it on a free
# loopback port with a temporary SQLite database and that account.
#
# Needs go (to build), curl, python3 with requests, php-cli and node 18+.
set -uo pipefail
cd "$(dirname "$0")"
PYTHON="${PYTHON:-python3}"

if [ -z "${SHAREPANEL_BASE_URL:-}" ]; then
  source lib/server.sh
  start_server || exit 1
else
  export SHAREPANEL_BASE_URL
  api_key() {
    curl -fsS "$SHAREPANEL_BASE_URL/api?mode=auth&email=user@example.com&password=password" |
      python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["api_key"])'
  }
fi

passed=0 failed=0
# check NAME N CMD...: runs the example and checks its N answers.
check() {
  local name=$1 n=$2 out; shift 2
  echo "== $name: $*"
  if ! out=$("$@" 2>&1); then
    echo "$out"
    echo "FAIL $name: exited with an error"
    failed=$((failed + 1))
    return
  fi
  if python3 lib/check.py "$name" "$n" <<<"$out"; then
    passed=$((passed + 1))
  else
    echo "$out"
    failed=$((failed + 1))
  fi
}

check python 3 "$PYTHON" python/example.py
SHAREPANEL_API_KEY=$(api_key) check php 1 php php/example.php
check javascript 3 node --import ./js/capture.mjs js/example.mjs
check curl 3 bash curl/example.sh

echo
echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
