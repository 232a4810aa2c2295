#!/usr/bin/env bash
# The reference's three cURL lines, with the base URL from SHAREPANEL_BASE_URL (default the
# reference's https://api.sharepanel.host) and YOUR_API_KEY filled in from the first answer.
set -euo pipefail
BASE_URL="${SHAREPANEL_BASE_URL:-https://api.sharepanel.host}"

# Authenticate
AUTH=$(curl -s "$BASE_URL/api?mode=auth&email=user@example.com&password=password")
echo "$AUTH"
YOUR_API_KEY=$(printf '%s' "$AUTH" | sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p')

# Get profile
curl -s "$BASE_URL/api?mode=profile&api_key=$YOUR_API_KEY&action=view"
echo

# Create organization (POST)
curl -s -X POST "$BASE_URL/api" \
  -H "Content-Type: application/json" \
  -d '{ "mode": "orgs", "api_key": "'"$YOUR_API_KEY"'", "action": "new", "title": "My Organization", "contact": "contact@example.com" }'
echo
