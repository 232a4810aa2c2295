# Sourced by examples/run-all.sh and .ci/browser.sh: builds the gateway and starts it on a free
# loopback port with a temporary SQLite database and the account the reference's examples use
# (user@example.com, password "password", plan pro). Stops it and removes its files on exit.
#
# After start_server: SHAREPANEL_BASE_URL (exported), SP_ADMIN_URL, SP_METRICS_URL, SP_WORK (its
# directory, with server.log and the sharepanel binary), SERVER_PID. Set SHAREPANEL_CORS_ORIGINS
# before it to restrict CORS. A function sp_before_serve, when defined, runs after the database is
# made and before the gateway starts (to run more sharepanel commands on it).

SP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SP_WORK="$(mktemp -d)"
SERVER_PID=""

sp_stop() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
sp_cleanup() { sp_stop; rm -rf "$SP_WORK"; }
trap sp_cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_server() {
  (cd "$SP_ROOT" && CGO_ENABLED=0 go build -o "$SP_WORK/sharepanel" .)
  export SHAREPANEL_DATABASE_URL="sqlite://$SP_WORK/sharepanel.db"
  "$SP_WORK/sharepanel" user add --email user@example.com --password password --plan pro
  if declare -F sp_before_serve >/dev/null; then sp_before_serve; fi
  local port metrics_port admin_port
  port=$(free_port); metrics_port=$(free_port); admin_port=$(free_port)
  SHAREPANEL_ADDR="127.0.0.1:$port" SHAREPANEL_ADMIN_ADDR="127.0.0.1:$admin_port" \
    SHAREPANEL_METRICS_ADDR="127.0.0.1:$metrics_port" SHAREPANEL_LOG_FORMAT=json \
    "$SP_WORK/sharepanel" serve >"$SP_WORK/server.log" 2>&1 &
  SERVER_PID=$!
  export SHAREPANEL_BASE_URL="http://127.0.0.1:$port"
  SP_METRICS_URL="http://127.0.0.1:$metrics_port"
  SP_ADMIN_URL="http://127.0.0.1:$admin_port"
  local deadline=$((SECONDS + 30))
  until curl -fsS "$SHAREPANEL_BASE_URL/healthz" >/dev/null 2>&1; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      echo "the gateway did not start; its log:" >&2
      cat "$SP_WORK/server.log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "gateway at $SHAREPANEL_BASE_URL (pid $SERVER_PID, metrics $SP_METRICS_URL)"
}

# api_key prints a fresh key of user@example.com.
api_key() {
  curl -fsS "$SHAREPANEL_BASE_URL/api?mode=auth&email=user@example.com&password=password" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["api_key"])'
}
