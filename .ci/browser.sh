#!/usr/bin/env bash
# Headless Chromium against a real gateway (built from this checkout, temporary SQLite):
#  1. /docs/index.html renders the OpenAPI document with every mode and action, and every admin API
#     operation, on the page (DOM dumped after Redoc rendered), and a screenshot is kept;
#  2. every action's cURL line from the document runs against the server;
#  3. a page served from another origin runs the reference's JavaScript example and reads the
#     X-RateLimit-* headers through CORS; the same page from an origin that is not allowed cannot.
# Outputs (DOM dumps, screenshot, openapi.json) go to $SHAREPANEL_CI_OUT, default a new temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${SHAREPANEL_CI_OUT:-$(mktemp -d /tmp/sharepanel-ci.XXXXXX)}"
mkdir -p "$OUT"

source examples/lib/server.sh
PAGE_PORT=$(free_port)
PAGE_ORIGIN="http://127.0.0.1:$PAGE_PORT"
OTHER_ORIGIN="http://localhost:$PAGE_PORT" # same page, another origin: not allowed
export SHAREPANEL_CORS_ORIGINS="$PAGE_ORIGIN"
PAGE_PID=""
trap '[ -n "$PAGE_PID" ] && kill "$PAGE_PID" 2>/dev/null; sp_cleanup' EXIT
start_server

chrome() {
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --user-data-dir="$(mktemp -d -p "$SP_WORK")" --virtual-time-budget=30000 \
    "$@" 2>>"$OUT/chromium.log"
}
failed=0 passed=0
result() { if [ "$1" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi; }
# check CMD...: runs a check and counts it, without stopping the script when it fails.
check() { if "$@"; then result 0; else result 1; fi; }

echo "== docs page"
curl -fsS "$SHAREPANEL_BASE_URL/docs/openapi.json" -o "$OUT/openapi.json"
chrome --dump-dom "$SHAREPANEL_BASE_URL/docs/index.html" >"$OUT/docs.html"
check python3 .ci/browser/check.py docs "$OUT/docs.html" "$OUT/openapi.json"
chrome --window-size=1400,2200 --screenshot="$OUT/docs.png" "$SHAREPANEL_BASE_URL/docs/index.html" >/dev/null
echo "screenshot of the docs page: $OUT/docs.png"

echo "== the docs' cURL lines"
api_key >/dev/null # key 1 is a throwaway: the api_keys delete example deletes key_id=1
export SHAREPANEL_API_KEY
SHAREPANEL_API_KEY=$(api_key)
curl_failed=0
while IFS= read -r -d '' line; do
  code=$(bash -c "$line -s -o /dev/null -w '%{http_code}'") || code=000
  case $code in
    2?? | 404) echo "ok   $code ${line:0:120}" ;;
    *) echo "FAIL $code $line"; curl_failed=1 ;;
  esac
done < <(python3 .ci/browser/check.py curl "$OUT/openapi.json")
result $curl_failed

echo "== cross-origin dashboard ($PAGE_ORIGIN -> $SHAREPANEL_BASE_URL)"
PAGE_DIR="$SP_WORK/page"
mkdir -p "$PAGE_DIR"
cp .ci/browser/cors.html .ci/browser/cors-check.js "$PAGE_DIR/"
cp examples/js/example.mjs "$PAGE_DIR/example.js" # served as .js: a MIME type every server knows
python3 -m http.server "$PAGE_PORT" --bind 127.0.0.1 --directory "$PAGE_DIR" >"$SP_WORK/page.log" 2>&1 &
PAGE_PID=$!
for _ in $(seq 100); do curl -fsS "$PAGE_ORIGIN/cors.html" >/dev/null 2>&1 && break; sleep 0.1; done
chrome --dump-dom "$PAGE_ORIGIN/cors.html?api=$SHAREPANEL_BASE_URL" >"$OUT/cors.html"
check python3 .ci/browser/check.py cors "$OUT/cors.html"

echo "== the same page from $OTHER_ORIGIN, which SHAREPANEL_CORS_ORIGINS does not allow"
chrome --dump-dom "$OTHER_ORIGIN/cors.html?api=$SHAREPANEL_BASE_URL" >"$OUT/cors-refused.html"
if python3 .ci/browser/check.py cors "$OUT/cors-refused.html" >/dev/null 2>&1; then
  echo "FAIL the browser let a page from an origin that is not allowed read the answers"; result 1
elif grep -q 'Failed to fetch' "$OUT/cors-refused.html"; then
  echo "ok   refused by the browser (Failed to fetch)"; result 0
else
  echo "FAIL unexpected outcome:"; tail -c 1500 "$OUT/cors-refused.html"; result 1
fi

echo "== metrics"
# Read the whole body first: with pipefail, grep -q closing the pipe at the
# first match makes curl fail with "Failed writing body".
metrics_body=$(curl -fsS "$SP_METRICS_URL/metrics" || true)
if grep -q '^sharepanel_http_requests_total{api="user",route="profile.view",status="200"}' <<<"$metrics_body"; then
  echo "ok   /metrics counts the requests"; result 0
else
  echo "FAIL /metrics has no request counts"; result 1
fi

echo
echo "outputs: $OUT"
echo "browser: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
