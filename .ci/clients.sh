#!/usr/bin/env bash
# CI: the gateway as its callers see it. Installs what is missing with apt (php-cli, python3-requests,
# chromium, nodejs, curl), then
#  - examples/run-all.sh: the reference's Python, PHP, JavaScript (Node) and cURL examples against a
#    gateway built from this checkout;
#  - .ci/browser.sh: the docs page in headless Chromium (every mode on the page, a screenshot), the
#    docs' cURL lines, and a cross-origin dashboard running the reference's JavaScript through CORS.
# Called by .ci/run. Runs from a fresh clone on a machine that may have only Go.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"

apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
  echo "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
command -v curl >/dev/null || apt_install curl
command -v php >/dev/null || apt_install php-cli
command -v chromium >/dev/null || apt_install chromium
if ! command -v node >/dev/null || ! node -e 'process.exit(typeof fetch === "function" ? 0 : 1)'; then
  apt_install nodejs
fi
# The examples need requests: Debian's python3-requests, for Debian's python3 when the python3 on
# PATH has no requests.
PYTHON=python3
if ! python3 -c 'import requests' 2>/dev/null; then
  /usr/bin/python3 -c 'import requests' 2>/dev/null || apt_install python3-requests
  PYTHON=/usr/bin/python3
fi
export PYTHON
echo "clients: $(php -r 'echo "PHP ", PHP_VERSION;'), $($PYTHON -c 'import requests, sys; print("Python", sys.version.split()[0], "requests", requests.__version__)'), node $(node --version), $(chromium --version 2>/dev/null)"

status=0
# The examples build and start a gateway of their own; SHAREPANEL_BASE_URL must not point elsewhere.
env -u SHAREPANEL_BASE_URL bash examples/run-all.sh || status=1
bash .ci/browser.sh || status=1
exit $status
