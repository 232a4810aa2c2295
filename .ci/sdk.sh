#!/usr/bin/env bash
# CI: the SDKs under sdk/ (see sdk/README.md).
#  1. Regenerating them from the dispatch table (go generate ./sdk/...) must change nothing.
#  2. Each SDK's own suite — Python unittest, PHPUnit, node --test after tsc — runs against a
#     gateway built from this checkout. Every suite gets a gateway of its own on a free loopback
#     port, with a fresh SQLite file, the demo account (sharepanel demo, with its second account
#     demo-member) and a free-plan account for the rate-limit test.
# Installs what is missing with apt (php-cli, php-curl, phpunit, python3, nodejs, npm). Runs from a
# fresh clone on a machine that may have only Go. Set SDK_PORTS=18500-18599 to keep the gateways'
# ports in a range (shared machines); by default the system picks free ones.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"
began=$SECONDS

log() { printf '\n== %s\n' "$*"; }

log "sdk: the generated code is current"
go generate ./sdk/... || exit 1
if ! git diff --quiet -- sdk || [ -n "$(git status --porcelain --untracked-files=all -- sdk)" ]; then
  echo "go generate ./sdk/... changed the SDKs; regenerate and commit:"
  git status --short --untracked-files=all -- sdk
  git diff --stat -- sdk
  exit 1
fi
echo "unchanged"

apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
  echo "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
command -v curl >/dev/null || apt_install curl
command -v python3 >/dev/null || apt_install python3
command -v php >/dev/null || apt_install php-cli
php -r 'exit(function_exists("curl_init") ? 0 : 1);' || apt_install php-curl
command -v phpunit >/dev/null || apt_install phpunit
if ! command -v node >/dev/null || ! node -e 'process.exit(typeof fetch === "function" ? 0 : 1)'; then
  apt_install nodejs
fi
command -v npm >/dev/null || apt_install npm
echo "runners: $(python3 --version), $(phpunit --version | head -n 1), node $(node --version), npm $(npm --version)"

source examples/lib/server.sh
if [ -n "${SDK_PORTS:-}" ]; then
  # server.sh asks free_port for each listener, in a subshell: take them from the range, each
  # after the last one handed out (remembered in a file), so that the three listeners differ.
  free_port() {
    python3 - "${SDK_PORTS%-*}" "${SDK_PORTS#*-}" "$SP_WORK/last_port" <<'PY'
import os, socket, sys
low, high, memo = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
last = int(open(memo).read()) if os.path.exists(memo) else high
for i in range(1, high - low + 2):
    port = low + (last - low + i) % (high - low + 1)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    open(memo, "w").write(str(port))
    print(port)
    break
else:
    sys.exit("no free port in %d-%d" % (low, high))
PY
  }
fi

# The accounts each gateway gets; the passwords are throwaway ones of a temporary database.
DEMO_EMAIL=demo@sdk.test
FREE_EMAIL=free@sdk.test
PASSWORD=sdk-suite-password

# fresh_gateway stops the previous gateway, starts one on an empty database and creates the
# accounts, exporting what the suites read (the demo account's key is never printed).
fresh_gateway() {
  sp_stop
  rm -f "$SP_WORK"/sharepanel.db*
  start_server || return 1
  local out
  if ! out=$("$SP_WORK/sharepanel" demo --email "$DEMO_EMAIL" --password "$PASSWORD" 2>&1); then
    echo "sharepanel demo failed"
    return 1
  fi
  SHAREPANEL_API_KEY=$(sed -n 's/^ *API key: *\([^ ]*\).*/\1/p' <<<"$out")
  SHAREPANEL_SDK_MEMBER_EMAIL=$(sed -n 's/^ *member: *\([^ ]*\).*/\1/p' <<<"$out")
  "$SP_WORK/sharepanel" user add --email "$FREE_EMAIL" --password "$PASSWORD" --plan free || return 1
  export SHAREPANEL_API_KEY SHAREPANEL_SDK_MEMBER_EMAIL
  export SHAREPANEL_SDK_DEMO_EMAIL=$DEMO_EMAIL SHAREPANEL_SDK_DEMO_PASSWORD=$PASSWORD
  export SHAREPANEL_SDK_FREE_EMAIL=$FREE_EMAIL SHAREPANEL_SDK_FREE_PASSWORD=$PASSWORD
  export SHAREPANEL_SDK_REQUIRE_GATEWAY=1
  [ -n "$SHAREPANEL_API_KEY" ] && [ -n "$SHAREPANEL_SDK_MEMBER_EMAIL" ]
}

status=0
summary=()
# suite NAME DIR CMD...: runs one SDK's suite in DIR against a fresh gateway.
suite() {
  local name=$1 dir=$2 t0=$SECONDS result=passed
  shift 2
  log "sdk: $name"
  if ! fresh_gateway; then
    echo "the gateway did not start; its log:"
    cat "$SP_WORK/server.log" 2>/dev/null
    result=FAILED
  elif ! (cd "$dir" && "$@"); then
    echo "the gateway's log:"
    tail -n 50 "$SP_WORK/server.log"
    result=FAILED
  fi
  [ "$result" = passed ] || status=1
  summary+=("$name: $result in $((SECONDS - t0))s")
}

suite python sdk/python python3 -m unittest discover -s tests -t . -v
suite php sdk/php phpunit -c phpunit.xml
suite typescript sdk/typescript sh -c 'npm ci --no-audit --no-fund && npm test'

log "sdk: summary"
printf '%s\n' "${summary[@]}"
echo "total: $((SECONDS - began))s"
exit $status
