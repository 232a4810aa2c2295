// The reference's JavaScript example (fetch; Node 18+ or a browser). The base URL comes from
// SHAREPANEL_BASE_URL (Node) or globalThis.SHAREPANEL_BASE_URL (a page), default the reference's.
//
// The reference has a bug: `apiKey` is declared inside the first .then, so the "Create
// organization" block, which runs at once at the top level, throws "apiKey is not defined" (and
// would run before the key exists anyway). Fixed with the smallest change: apiKey is declared
// before the chain, and the organization is created in a .then after the profile. Marked FIX.
const BASE_URL = globalThis.process?.env?.SHAREPANEL_BASE_URL ?? globalThis.SHAREPANEL_BASE_URL ?? "https://api.sharepanel.host";

// Authenticate
const email = "user@example.com";
const password = "password";
let apiKey; // FIX: was `const apiKey` inside the first .then, out of scope for the last fetch
const authUrl = `${BASE_URL}/api?mode=auth&email=${encodeURIComponent(email)}&password=${encodeURIComponent(password)}`;
fetch(authUrl)
  .then(response => response.json())
  .then(data => {
    apiKey = data.data.api_key; // FIX: assigns the variable above
    // Get profile
    const profileUrl = `${BASE_URL}/api?mode=profile&api_key=${encodeURIComponent(apiKey)}&action=view`;
    return fetch(profileUrl);
  })
  .then(response => response.json())
  .then(profile => {
    console.log(profile);
  })
  .then(() => { // FIX: the block below ran at once; now it runs once the key is known
    // Create organization (POST with JSON)
    const orgData = {
      mode: 'orgs',
      api_key: apiKey,
      action: 'new',
      title: 'My Organization',
      contact: 'contact@example.com'
    };
    return fetch(`${BASE_URL}/api`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(orgData)
    })
      .then(response => response.json())
      .then(result => {
        console.log(result);
      });
  });
