// Served from another origin than the gateway by .ci/browser.sh. Runs the reference's JavaScript
// example (examples/js/example.mjs, copied here as example.js) unchanged, recording what each of its
// fetch calls gets back, including the X-RateLimit-* headers, which a page can read only if the
// gateway's CORS answer exposes them. Then one request the way dashboards send keys, in a header,
// which makes the browser send a preflight. The outcome is written into #result as JSON.
const api = new URLSearchParams(location.search).get('api');
globalThis.SHAREPANEL_BASE_URL = api;

const seen = [];
const realFetch = globalThis.fetch.bind(globalThis);
globalThis.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  const answer = await response.clone().json().catch(() => null);
  const h = (name) => response.headers.get(name);
  seen.push({
    request: `${init?.method ?? 'GET'} ${String(input).replace(/(api_key|password)=[^&]*/g, '$1=…')}`,
    http: response.status,
    rateLimit: { limit: h('X-RateLimit-Limit'), remaining: h('X-RateLimit-Remaining'), reset: h('X-RateLimit-Reset') },
    requestId: h('X-Request-ID'),
    answer,
  });
  return response;
};

const out = document.getElementById('result');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
try {
  await import('./example.js');
  for (let i = 0; i < 200 && !(seen.length >= 3 && seen[2].answer); i++) await sleep(50);
  const key = seen[0]?.answer?.data?.api_key;
  await fetch(`${api}/api?mode=profile&action=stats`, { headers: { Authorization: `Bearer ${key}`, 'X-API-Key': key } });
} catch (err) {
  seen.push({ error: String(err) });
}
for (const s of seen) {
  if (s.answer?.data?.api_key) s.answer.data.api_key = s.answer.data.api_key.slice(0, 6) + '…';
}
out.textContent = JSON.stringify({ origin: location.origin, requests: seen });
out.dataset.done = 'true';
