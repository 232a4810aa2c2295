#!/usr/bin/env bash
# The OpenAPI document as code generators use it, against a real gateway (built from this checkout,
# temporary SQLite, the demo account):
#  1. Redocly's recommended rules report 0 errors and 0 warnings (.ci/openapi/redocly.yaml; the one
#     ignored problem is explained in .ci/openapi/.redocly.lint-ignore.yaml);
#  2. openapi-typescript generates the types, and .ci/openapi/typed-client.ts, which calls every read
#     action and orgs new through openapi-fetch with typed parameters and typed data, compiles under
#     tsc --strict and runs against the gateway.
set -euo pipefail
cd "$(dirname "$0")/.."
source examples/lib/server.sh
start_server
demo=$("$SP_WORK/sharepanel" demo --email demo@typed-client.example --password typed-client-password)
export SHAREPANEL_API_KEY DEMO_EMAIL=demo@typed-client.example DEMO_PASSWORD=typed-client-password
SHAREPANEL_API_KEY=$(awk '/API key:/{print $3}' <<<"$demo")

cd .ci/openapi
npm ci --no-audit --no-fund --loglevel=error
mkdir -p out generated
curl -fsS "$SHAREPANEL_BASE_URL/docs/openapi.json" -o out/openapi.json

echo "== Redocly lint (recommended rules)"
npx redocly lint out/openapi.json --format json >out/lint.json 2>out/lint.log || true
node -e '
  const r = require("./out/lint.json");
  const t = r.totals || {};
  console.log(`redocly: ${t.errors} errors, ${t.warnings} warnings, ${t.ignored} ignored`);
  for (const p of r.problems || []) console.log(`  ${p.severity} ${p.ruleId}: ${p.message} at ${(p.location[0] || {}).pointer}`);
  process.exit(t.errors === 0 && t.warnings === 0 ? 0 : 1);
'

echo "== a client generated with openapi-typescript, called through openapi-fetch"
npx openapi-typescript out/openapi.json --redocly generate/redocly.yaml -o generated/schema.d.ts
npx tsc -p .
node dist/typed-client.js
