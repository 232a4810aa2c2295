# The reference's Python example, as written, with the base URL taken from SHAREPANEL_BASE_URL
# (default: the reference's https://api.sharepanel.host). Needs `requests`.
import json
import os

import requests

BASE_URL = os.environ.get("SHAREPANEL_BASE_URL", "https://api.sharepanel.host")

# Authenticate
email = "user@example.com"
password = "password"
auth_url = f"{BASE_URL}/api?mode=auth&email={email}&password={password}"
response = requests.get(auth_url)
data = response.json()
api_key = data['data']['api_key']
# Get profile
profile_url = f"{BASE_URL}/api?mode=profile&api_key={api_key}&action=view"
response = requests.get(profile_url)
profile = response.json()
# Create organization (POST with JSON)
org_data = {
    'mode': 'orgs',
    'api_key': api_key,
    'action': 'new',
    'title': 'My Organization',
    'contact': 'contact@example.com'
}
response = requests.post(f'{BASE_URL}/api', json=org_data)
result = response.json()

# Added so that examples/run-all.sh can check the answers: one JSON envelope per line.
for answer in (data, profile, result):
    print(json.dumps(answer))
