#!/usr/bin/env bash
# CI: the account console (console/, served at /) in a real browser. Builds the gateway from this
# checkout and starts it on a free port with a fresh SQLite file (examples/lib/server.sh), with the
# demo account, the admin API switched on and an administrator; then Debian's Chromium, driven by
# puppeteer-core (npm ci from the committed package-lock.json; it downloads no browser), walks the
# console as a customer would and runs axe-core on every page (.ci/console/console.test.mjs).
#
# A screenshot per page goes to "${SHAREPANEL_CI_OUT:-a new temp dir}/console/". Installs Chromium,
# Node.js and npm with apt where missing. Runs from a fresh clone on a machine that may have only Go.
# CONSOLE_PORTS=18110-18119 picks the gateway's ports from that range instead of any free one.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"
started=$SECONDS

OUT_ROOT="${SHAREPANEL_CI_OUT:-$(mktemp -d /tmp/sharepanel-ci.XXXXXX)}"
export CONSOLE_OUT="$OUT_ROOT/console"
mkdir -p "$CONSOLE_OUT"

apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
  echo "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
command -v curl >/dev/null || apt_install curl
command -v python3 >/dev/null || apt_install python3 # examples/lib/server.sh finds free ports with it
command -v chromium >/dev/null || apt_install chromium
# puppeteer-core needs Node 18 or newer (Debian 12's nodejs is 18), and npm for npm ci.
if ! command -v node >/dev/null || ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)'; then
  apt_install nodejs
fi
command -v npm >/dev/null || apt_install npm
export CHROMIUM="${CHROMIUM:-$(command -v chromium)}"
echo "console test: node $(node --version), npm $(npm --version), $("$CHROMIUM" --version 2>/dev/null)"

source examples/lib/server.sh
if [ -n "${CONSOLE_PORTS:-}" ]; then
  # start_server asks for three ports (each in a subshell) before it binds any: a file remembers
  # the ones handed out.
  free_port() {
    local p
    for p in $(seq "${CONSOLE_PORTS%-*}" "${CONSOLE_PORTS#*-}"); do
      grep -qx "$p" "$SP_WORK/ports-used" 2>/dev/null && continue
      if python3 -c 'import socket, sys; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$p" 2>/dev/null; then
        echo "$p" >>"$SP_WORK/ports-used"
        echo "$p"
        return
      fi
    done
    echo "no free port in $CONSOLE_PORTS" >&2
    return 1
  }
fi

export CONSOLE_EMAIL=demo@example.com
export CONSOLE_MEMBER_EMAIL=demo-member@example.com # made by demo, on the free plan, same password
export CONSOLE_PASSWORD=console-demo-password
export CONSOLE_ADMIN_USER=ciadmin
export CONSOLE_ADMIN_PASSWORD=ci-admin-password
sp_before_serve() {
  "$SP_WORK/sharepanel" demo --email "$CONSOLE_EMAIL" --password "$CONSOLE_PASSWORD" >/dev/null
  "$SP_WORK/sharepanel" config update api on >/dev/null
  "$SP_WORK/sharepanel" admin new "$CONSOLE_ADMIN_USER" "$CONSOLE_ADMIN_PASSWORD" >/dev/null
}
start_server
export SP_ADMIN_URL

(cd .ci/console && npm ci --no-audit --no-fund --loglevel=error)
status=0
(cd .ci/console && node --test --test-concurrency=1 --test-reporter=spec console.test.mjs) || status=$?
cp "$SP_WORK/server.log" "$CONSOLE_OUT/gateway.log" # the access log: paths and statuses, never a query string
if [ "$status" -ne 0 ]; then
  echo "the gateway's log (last 40 lines; all of it in $CONSOLE_OUT/gateway.log):"
  tail -n 40 "$SP_WORK/server.log"
fi
echo "console: screenshots in $CONSOLE_OUT; took $((SECONDS - started))s"
exit "$status"
