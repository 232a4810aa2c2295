// The account console in a real browser (Debian's Chromium through puppeteer-core), against a
// gateway that .ci/console.sh built from this checkout and started with a demo account. The steps
// run in order, as a customer would: sign in, look around, make and delete things, sign out; then
// an admin's autologin link, a forced 429, and axe-core on every page.
//
// Environment (set by .ci/console.sh): SHAREPANEL_BASE_URL, SP_ADMIN_URL, CONSOLE_EMAIL,
// CONSOLE_PASSWORD, CONSOLE_MEMBER_EMAIL (an account on the free plan, same password),
// CONSOLE_ADMIN_USER, CONSOLE_ADMIN_PASSWORD, CONSOLE_OUT (screenshots), CHROMIUM.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} is not set (run .ci/console.sh)`);
  return v;
};
const BASE = env('SHAREPANEL_BASE_URL').replace(/\/$/, '');
const ADMIN = env('SP_ADMIN_URL').replace(/\/$/, '');
const EMAIL = env('CONSOLE_EMAIL');
const PASSWORD = env('CONSOLE_PASSWORD');
const MEMBER_EMAIL = env('CONSOLE_MEMBER_EMAIL');
const ADMIN_USER = env('CONSOLE_ADMIN_USER');
const ADMIN_PASSWORD = env('CONSOLE_ADMIN_PASSWORD');
const OUT = env('CONSOLE_OUT');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
const ORIGIN = new URL(BASE).origin;
const FIRST_VIEW_BUDGET = 150 * 1024;

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser;
let page; // the demo customer's tab
const requests = []; // every request any page made: { url, at, page }
const problems = []; // CSP violations, uncaught errors, console errors
const axeReport = []; // page → violations (all impacts), printed at the end
const inflight = new Set(); // requests not finished yet, for the message of a wait that timed out

// ---- the user API from outside the browser, to check what the console did ----

async function api(params, { key, method = 'GET' } = {}) {
  const headers = { Accept: 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  let url = `${BASE}/api`;
  let body;
  if (method === 'GET') url += `?${new URLSearchParams(params)}`;
  else {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(params);
  }
  const res = await fetch(url, { method, headers, body });
  return { status: res.status, headers: res.headers, body: await res.json().catch(() => null) };
}

// apiKey is the test's own key of an account, to check what the console did; one per account (a
// login key each time would count against the account's login keys and its 25 active keys).
const checkKeys = new Map();
async function apiKey(email) {
  if (!checkKeys.has(email)) {
    const res = await api({ mode: 'auth', email, password: PASSWORD, name: 'Browser test check' }, { method: 'POST' });
    assert.equal(res.status, 200, `mode=auth for ${email}: ${JSON.stringify(res.body)}`);
    checkKeys.set(email, res.body.data.api_key);
  }
  return checkKeys.get(email);
}

async function allKeys(key) {
  const res = await api({ mode: 'api_keys', action: 'list', limit: 500 }, { key });
  assert.equal(res.status, 200);
  return res.body.data;
}

// ---- browser helpers ----

async function newPage(context, label) {
  const p = await context.newPage();
  await p.setViewport({ width: 1280, height: 900 });
  p.on('request', (r) => {
    requests.push({ url: r.url(), at: Date.now(), page: label });
    inflight.add(r);
  });
  p.on('requestfinished', (r) => inflight.delete(r));
  p.on('requestfailed', (r) => inflight.delete(r));
  p.on('pageerror', (err) => problems.push(`${label}: uncaught ${err.message}`));
  p.on('console', (m) => {
    // A 4xx answer is logged by Chromium as a failed resource; those are the API's answers, on purpose.
    if (m.type() === 'error' && !/status of (4\d\d)/.test(m.text())) problems.push(`${label}: console error ${m.text()}`);
  });
  // Runs before the page's scripts: every CSP violation is kept where the test can read it.
  await p.evaluateOnNewDocument(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return p;
}

async function cspViolations(p) {
  return p.evaluate(() => window.__csp || []);
}

async function axe(p, name) {
  if (!(await p.evaluate(() => typeof window.axe === 'object'))) await p.evaluate(AXE_SOURCE);
  const result = await p.evaluate(() =>
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } }),
  );
  const violations = result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  axeReport.push({ name, violations });
  const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(grave, [], `axe on ${name}: serious or critical violations`);
}

async function shot(p, name) {
  await p.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}

// idle waits until the page has had no request in flight for 300 ms.
async function idle(p) {
  try {
    await p.waitForNetworkIdle({ idleTime: 300, timeout: 15000 });
  } catch (err) {
    throw new Error(`${err.message}; in flight: ${[...inflight].map((r) => r.url()).join(', ') || 'nothing'}`);
  }
}

async function go(p, hash, ready) {
  await p.evaluate((h) => {
    location.hash = h;
  }, hash);
  await p.waitForSelector(ready, { timeout: 15000 });
  await idle(p);
}

const text = (p, selector) => p.$eval(selector, (el) => el.textContent.trim());
const badgeCount = (p) => p.$eval('#unread-badge', (b) => (b.hidden ? 0 : Number(b.dataset.count)));

async function signIn(p, email) {
  await p.waitForSelector('form.signin-form input[name=email]');
  await p.type('input[name=email]', email);
  await p.type('input[name=password]', PASSWORD);
  await Promise.all([p.waitForSelector('main .page h1', { timeout: 15000 }), p.click('form.signin-form button[type=submit]')]);
  await p.waitForNetworkIdle({ idleTime: 300, timeout: 15000 });
}

async function confirm(p) {
  await p.waitForSelector('dialog.confirm[open]');
  await p.click('dialog.confirm button[value=ok]');
  await p.waitForFunction(() => !document.querySelector('dialog.confirm'));
}

const sessionKey = (p) => p.evaluate(() => sessionStorage.getItem('sharepanel.console.key'));

before(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  page = await newPage(browser.defaultBrowserContext(), 'demo');
});

after(async () => {
  console.log('\naxe-core, every impact (serious and critical fail the test):');
  for (const { name, violations } of axeReport) {
    console.log(`  ${name}: ${violations.length ? violations.map((v) => `${v.id} (${v.impact}, ${v.nodes})`).join(', ') : 'none'}`);
  }
  console.log(`screenshots: ${OUT}`);
  await browser?.close();
});

test('/ is served with a strict Content-Security-Policy and may not be framed', async () => {
  const res = await fetch(`${BASE}/`);
  assert.equal(res.status, 200);
  const csp = res.headers.get('content-security-policy');
  for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) {
    assert.ok(csp.includes(directive), `CSP has ${directive}: ${csp}`);
  }
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
});

test('sign in: the overview shows the plan and the limit meters; the first view is under 150 KB compressed', async () => {
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  let bytes = 0;
  const files = new Map();
  const urls = new Map();
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
    files.set(urls.get(e.requestId), e.encodedDataLength);
  });

  await page.goto(`${BASE}/`, { waitUntil: 'networkidle0' });
  await axe(page, 'sign-in');
  await shot(page, 'signin');
  await signIn(page, EMAIL);
  await page.waitForSelector('#plan-name');
  await page.waitForFunction(() => document.querySelector('.chart-plot canvas'));
  await page.waitForNetworkIdle({ idleTime: 500 });
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  await cdp.detach();

  const list = [...files].sort((a, b) => b[1] - a[1]).map(([u, n]) => `${(n / 1024).toFixed(1)} KB ${u.replace(BASE, '')}`);
  console.log(`first view (sign-in form, signing in, overview): ${(bytes / 1024).toFixed(1)} KB over the wire in ${files.size} requests\n  ${list.slice(0, 8).join('\n  ')}`);
  assert.ok(bytes < FIRST_VIEW_BUDGET, `first view is ${bytes} bytes, over ${FIRST_VIEW_BUDGET}`);

  assert.equal(await text(page, '#plan-name'), 'pro');
  const meters = await page.$$eval('#rate-meters meter', (ms) => ms.map((m) => ({ label: m.labels[0]?.textContent, value: m.value, max: m.max })));
  assert.equal(meters.length, 2, JSON.stringify(meters));
  assert.match(meters[0].label, /this minute/);
  assert.equal(meters[0].max, 100); // the pro plan: 100 a minute
  assert.match(meters[1].label, /today/);
  assert.equal(meters[1].max, 10000);
  for (const m of meters) assert.ok(m.value > 0 && m.value < m.max, JSON.stringify(m));
  assert.match(await text(page, '#who'), /^demo · pro plan$/);
  assert.match(await text(page, '#balance'), /^100\.50 USD$/);
  await axe(page, 'overview');
  await shot(page, 'overview');
});

test('usage: the chart has drawn its series; another period', async () => {
  await go(page, '#/usage', '[data-page=usage] .chart-plot canvas');
  // Pixels of the "Successful" series colour (#1d7a46) in the upper half of the canvas: the line
  // of the demo's week of requests, not only axes, grid, or a series of zeros along the bottom.
  // uPlot draws in a frame of its own, so this polls until it has. seriesPixels(min) answers 0
  // below min (a falsy value keeps waitForFunction waiting).
  const seriesPixels = (min) => {
    const c = document.querySelector('[data-page=usage] .chart-plot canvas');
    if (!c || !c.width) return 0;
    const d = c.getContext('2d').getImageData(0, 0, c.width, Math.floor(c.height / 2)).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 29) < 30 && Math.abs(d[i + 1] - 122) < 30 && Math.abs(d[i + 2] - 70) < 30 && d[i + 3] > 200) n += 1;
    return n >= min ? n : 0;
  };
  await page.waitForFunction(seriesPixels, { timeout: 5000 }, 51).catch(() => {});
  const pixels = await page.evaluate(seriesPixels, 0);
  assert.ok(pixels > 50, `the requests chart has ${pixels} pixels of its series in its upper half`);
  assert.equal(await page.$$eval('[data-page=usage] .chart-plot canvas', (cs) => cs.length), 2, 'two charts: requests and spending');
  await axe(page, 'usage');
  await shot(page, 'usage');

  await page.select('[data-page=usage] select[name=period]', '90');
  await page.click('[data-page=usage] form.filters button[type=submit]');
  await page.waitForFunction(() => /in the last 90 days/.test(document.querySelector('[data-page=usage] .chart .visually-hidden')?.textContent || ''));
  assert.equal(await page.evaluate(() => location.hash), '#/usage?period=90');
});

test('API keys: create one with an allowlist and a scope, see it listed, delete it', async () => {
  const checkKey = await apiKey(EMAIL);

  await go(page, '#/keys', '#create-key');
  await page.type('#create-key input[name=name]', 'Browser test key');
  await page.click('#create-key details.scopes summary');
  await page.select('#scope-orgs', 'read');
  await page.type('#create-key textarea[name=allowed_ips]', '127.0.0.1, 10.0.0.0/8');
  await page.click('#create-key button[type=submit]');
  await page.waitForSelector('#new-key-secret');
  const secret = await text(page, '#new-key-secret');
  assert.match(secret, /^sp_/);
  const prefix = secret.slice(0, 10);
  await page.waitForFunction((p) => [...document.querySelectorAll('table.data tbody tr')].some((tr) => tr.textContent.includes(p)), {}, prefix);
  await page.waitForNetworkIdle({ idleTime: 300 });

  const made = (await allKeys(checkKey)).find((k) => k.key_prefix === prefix);
  assert.ok(made, 'the new key is in api_keys list');
  assert.equal(made.name, 'Browser test key');
  assert.equal(made.permissions, 'read,write');
  const row = await page.$$eval('table.data tbody tr', (trs, p) => trs.find((tr) => tr.textContent.includes(p))?.innerText, prefix);
  // The gateway applies both (issue 13): the list and the console's row show them, and the
  // console does not warn that they were ignored.
  assert.equal(made.allowed_ips, '127.0.0.1,10.0.0.0/8');
  assert.equal(made.scopes, 'orgs:read');
  assert.match(row, /127\.0\.0\.1/);
  assert.match(row, /10\.0\.0\.0\/8/);
  assert.match(row, /orgs:read/);
  assert.doesNotMatch(await text(page, '#new-key'), /did not apply/);
  // The key works as made: orgs may be read (from 127.0.0.1, the test's address), nothing else.
  assert.equal((await api({ mode: 'orgs', action: 'list' }, { key: secret })).status, 200);
  assert.equal((await api({ mode: 'profile', action: 'view' }, { key: secret })).body.message, 'This API key may not use profile');

  // Per-key usage: the demo key has a week of requests.
  await page.$$eval('table.data tbody tr', (trs) => trs.find((tr) => tr.querySelector('td').textContent === 'Demo key').querySelector('td.actions button').click());
  await page.waitForFunction(() => document.querySelector('#key-usage h2')?.textContent === 'Usage of Demo key');
  const requestsLine = await page.$eval('#key-usage dl div', (d) => d.innerText);
  assert.match(requestsLine, /^Requests\s+[1-9][\d,]*$/);

  await page.click('#new-key button.secondary'); // "I have saved it": the secret leaves the page
  assert.equal(await page.$('#new-key-secret'), null);
  await axe(page, 'keys');
  await shot(page, 'keys');

  await page.$$eval('table.data tbody tr', (trs, p) => trs.find((tr) => tr.textContent.includes(p)).querySelector('button.danger').click(), prefix);
  await page.waitForSelector('dialog.confirm[open]');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Cancel', 'the dialog starts on the safe choice');
  await axe(page, 'confirm dialog');
  await confirm(page);
  await page.waitForFunction((p) => ![...document.querySelectorAll('table.data tbody tr')].some((tr) => tr.textContent.includes(p)), {}, prefix);
  assert.equal((await allKeys(checkKey)).find((k) => k.key_prefix === prefix), undefined, 'deleted from the account');
  const refused = await api({ mode: 'profile', action: 'view' }, { key: secret });
  assert.equal(refused.status, 401);
});

test('organizations: create one, see its members, delete it', async () => {
  const title = `Browser Test Org ${Date.now()}`;
  await go(page, '#/orgs', '#create-org');
  await page.click('#create-org-panel summary');
  await page.type('#create-org input[name=title]', title);
  await page.type('#create-org input[name=contact]', 'ci@example.com');
  await page.click('#create-org button[type=submit]');
  await page.waitForFunction((t) => [...document.querySelectorAll('table.data tbody tr')].some((tr) => tr.textContent.includes(t)), {}, title);
  assert.match(await text(page, '#orgs-status'), /Organization created successfully \(ID \d+\)/);

  await page.$$eval('table.data tbody tr', (trs, t) => trs.find((tr) => tr.textContent.includes(t)).querySelector('button').click(), title);
  await page.waitForFunction((t) => document.querySelector('#org-detail h2')?.textContent === `Members of ${t}`, {}, title);
  await page.waitForFunction(() => document.querySelectorAll('#org-detail table.data tbody tr').length === 1);
  await page.waitForNetworkIdle({ idleTime: 300 });
  await axe(page, 'organizations');
  await shot(page, 'organizations');

  await page.$$eval('table.data tbody tr', (trs, t) => trs.find((tr) => tr.textContent.includes(t)).querySelector('button[aria-label^="Edit"]').click(), title);
  await page.waitForSelector('#org-detail form.edit-org');
  await page.$eval('#org-detail input[name=contact]', (i) => {
    i.value = '';
  });
  await page.type('#org-detail input[name=contact]', 'billing@example.com');
  await page.click('#org-detail form.edit-org button[type=submit]');
  await page.waitForFunction(() => /Organization updated successfully/.test(document.querySelector('#orgs-status')?.textContent || ''));
  await page.waitForFunction(() => [...document.querySelectorAll('table.data tbody tr')].some((tr) => tr.textContent.includes('billing@example.com')));

  await page.$$eval('table.data tbody tr', (trs, t) => trs.find((tr) => tr.textContent.includes(t)).querySelector('button.danger').click(), title);
  await confirm(page);
  await page.waitForFunction((t) => ![...document.querySelectorAll('table.data tbody tr')].some((tr) => tr.textContent.includes(t)), {}, title);
  assert.match(await text(page, '#orgs-status'), /Organization deleted successfully/);
  const key = await apiKey(EMAIL);
  const orgs = await api({ mode: 'orgs', action: 'list' }, { key });
  assert.ok(!orgs.body.data.some((o) => o.title === title), 'gone from orgs list');
  const activity = (await api({ mode: 'analytics', action: 'activity', limit: 10 }, { key })).body.data.map((a) => a.action);
  assert.ok(activity.includes('organization_updated'), `the update is in the activity: ${activity}`);
});

test('notifications: marking one read makes the badge fall', async () => {
  await go(page, '#/notifications', '[data-page=notifications] .notification');
  const before = await badgeCount(page);
  assert.ok(before > 0, `the demo account has unread notifications (badge ${before})`);
  await page.click('.notification.unread button.secondary');
  await page.waitForFunction((n) => Number(document.querySelector('#unread-badge').dataset.count) === n - 1, {}, before);
  await page.waitForNetworkIdle({ idleTime: 300 });
  assert.equal(await badgeCount(page), before - 1);
  await axe(page, 'notifications');
  await shot(page, 'notifications');

  const count = await page.$$eval('.notification', (ns) => ns.length);
  await page.click('.notification button.danger');
  await confirm(page);
  await page.waitForFunction(() => /Notification deleted successfully/.test(document.querySelector('#notifications-status')?.textContent || ''));
  await page.waitForFunction((n) => document.querySelectorAll('.notification').length === n - 1, {}, count);

  await page.click('#mark-all-read');
  await page.waitForFunction(() => document.querySelector('#unread-badge').dataset.count === '0');
  await page.waitForFunction(() => !document.querySelector('.notification.unread'));
  assert.equal(await page.$eval('#unread-badge', (b) => getComputedStyle(b).display), 'none', 'no badge for 0');
  const key = await apiKey(EMAIL);
  assert.equal((await api({ mode: 'notifications', action: 'unread_count' }, { key })).body.data.count, 0);
});

test('instances: filter, put one to sleep and wake it', async () => {
  await go(page, '#/instances?status=active', '[data-page=instances] table.data tbody tr');
  const name = await page.$eval('[data-page=instances] table.data tbody tr td', (td) => td.textContent);
  await page.click('[data-page=instances] table.data tbody tr td.actions button');
  await page.waitForFunction((n) => document.querySelector('#instances-status')?.textContent.includes(`${n} is asleep`), {}, name);
  await go(page, '#/instances?status=sleep', '[data-page=instances] table.data tbody tr');
  await page.$$eval('[data-page=instances] table.data tbody tr', (trs, n) => trs.find((tr) => tr.querySelector('td').textContent === n).querySelector('td.actions button').click(), name);
  await page.waitForFunction((n) => document.querySelector('#instances-status')?.textContent.includes(`${n} is active`), {}, name);
  await go(page, '#/instances', '[data-page=instances] table.data tbody tr');
  const asleep = await page.$$eval('[data-page=instances] .status-sleep', (els) => els.length);
  assert.ok(asleep > 0, 'the demo has sleeping instances');
  const wakeAll = await page.$$('[data-page=instances] .bulk button');
  await wakeAll[0].click();
  await page.waitForSelector('dialog.confirm[open]');
  assert.match(await text(page, 'dialog.confirm h2'), /Wake every sleeping instance\?/);
  await confirm(page);
  await page.waitForFunction((n) => document.querySelector('#instances-status')?.textContent.includes(`${n} instances awakened successfully`), {}, asleep);
  await page.waitForFunction(() => !document.querySelector('[data-page=instances] .status-sleep'));
  await axe(page, 'instances');
  await shot(page, 'instances');
});

test('billing: invoices, one invoice, transactions, purchases, plans', async () => {
  await go(page, '#/billing', '[data-page=billing] table.data tbody tr');
  await page.click('[data-page=billing] table.data tbody tr button.link');
  await page.waitForFunction(() => /^Invoice INV-/.test(document.querySelector('#invoice-detail h2')?.textContent || ''));
  await axe(page, 'billing');
  await shot(page, 'billing');
  for (const tab of ['transactions', 'purchases', 'plans']) {
    await go(page, `#/billing/${tab}`, '[data-page=billing] table.data tbody tr');
    await axe(page, `billing ${tab}`);
  }
  assert.equal(await page.$$eval('[data-page=billing] table.data tbody tr', (trs) => trs.length), 4, 'four plans');
});

test('activity, search and profile', async () => {
  await go(page, '#/activity', '[data-page=activity] table.data tbody tr');
  await axe(page, 'activity');
  await shot(page, 'activity');
  await go(page, '#/search?q=demo&type=all', '[data-page=search] table.data tbody tr');
  await axe(page, 'search');
  await go(page, '#/profile', '#profile-form');
  await page.$eval('#profile-form input[name=phone]', (i) => {
    i.value = '';
  });
  await page.type('#profile-form input[name=phone]', '+1 555 0199');
  await page.click('#profile-form button[type=submit]');
  await page.waitForFunction(() => /Profile updated successfully/.test(document.querySelector('#profile-status')?.textContent || ''));
  const key = await apiKey(EMAIL);
  assert.equal((await api({ mode: 'profile', action: 'view' }, { key })).body.data.phone, '+1 555 0199');
  await axe(page, 'profile');
  await shot(page, 'profile');
});

test('paging: a list longer than a page pages', async () => {
  const key = await apiKey(EMAIL);
  const all = (await api({ mode: 'analytics', action: 'activity', limit: 500 }, { key })).body.data.length;
  assert.ok(all > 20, `the demo account has more than a page of activity (${all})`);
  await go(page, '#/activity', '[data-page=activity] table.data tbody tr');
  assert.equal(await page.$$eval('[data-page=activity] table.data tbody tr', (trs) => trs.length), 20);
  await page.click('[data-page=activity] .pager button:last-child');
  await page.waitForFunction(() => /^21–/.test(document.querySelector('[data-page=activity] .page-status')?.textContent || ''));
  const second = await page.$$eval('[data-page=activity] table.data tbody tr', (trs) => trs.length);
  assert.equal(second, Math.min(20, all - 20));
});

test('keyboard: the skip link comes first and focus is visible', async () => {
  // A fresh load of the overview (a goto that changes only the hash would not reload). The page
  // settles first: requests cut short by a reload stay "in flight" in puppeteer's bookkeeping.
  await go(page, '#/', '#plan-name');
  await page.reload({ waitUntil: 'networkidle0' });
  await page.waitForSelector('#plan-name');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
  await page.keyboard.press('Tab'); // the brand
  await page.keyboard.press('Tab'); // the sign-out button
  await page.keyboard.press('Tab'); // the first navigation link
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { text: el.textContent, outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });
  assert.equal(focused.text, 'Overview');
  assert.notEqual(focused.outline, 'none');
  assert.ok(focused.width >= 2, JSON.stringify(focused));
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter'); // Usage, by keyboard
  await page.waitForSelector('[data-page=usage] h1');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Usage', 'focus moves to the new page heading');
});

test('a phone, 360 px wide: nothing wider than the screen, and accessible', async () => {
  // Only the size: isMobile would make puppeteer reload the page.
  await page.setViewport({ width: 360, height: 740 });
  for (const [hash, ready, name] of [
    ['#/', '#plan-name', 'overview-360px'],
    ['#/keys', '[data-page=keys] table.data tbody tr', 'keys-360px'],
    ['#/billing', '[data-page=billing] table.data tbody tr', 'billing-360px'],
  ]) {
    await go(page, hash, ready);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `${name}: the page is ${width}px wide`);
    await axe(page, name);
    await shot(page, name);
  }
  await page.setViewport({ width: 1280, height: 900 });
});

test('a key that stops working returns to the sign-in form with the message', async () => {
  const key = await sessionKey(page);
  const prefix = key.slice(0, 10);
  const check = await apiKey(EMAIL);
  const id = (await allKeys(check)).find((k) => k.key_prefix === prefix).id;
  assert.equal((await api({ mode: 'api_keys', action: 'delete', key_id: id }, { key: check, method: 'POST' })).status, 200);
  await page.evaluate(() => {
    location.hash = '#/profile';
  });
  await page.waitForSelector('form.signin-form');
  assert.match(await text(page, '.signin-status'), /Your session has ended: Invalid or expired API key/);
  assert.match(await text(page, '.signin-status'), /request ID [0-9a-f-]{36}/);
  assert.equal(await sessionKey(page), null);
});

test('sign out deletes the session key from the account', async () => {
  await signIn(page, EMAIL);
  const key = await sessionKey(page);
  assert.match(key, /^sp_/);
  const prefix = key.slice(0, 10);
  const check = await apiKey(EMAIL);
  const mine = (await allKeys(check)).find((k) => k.key_prefix === prefix);
  assert.equal(mine?.name, 'Console session');
  await page.click('button.sign-out');
  await page.waitForSelector('form.signin-form');
  assert.match(await text(page, '.signin-status'), /You are signed out\. The session key was deleted\./);
  assert.equal(await sessionKey(page), null);
  assert.equal((await allKeys(check)).find((k) => k.key_prefix === prefix), undefined, 'the key is gone from api_keys list');
  assert.equal((await api({ mode: 'profile', action: 'view' }, { key })).status, 401);
});

test("an admin's autologin link opens the console signed in as that customer", async () => {
  const login = await fetch(`${ADMIN}/api/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: ADMIN_USER, password: ADMIN_PASSWORD }),
  });
  assert.equal(login.status, 200);
  const jwt = (await login.json()).access_token;
  const res = await fetch(`${ADMIN}/api/users/demo/autologin`, { method: 'POST', headers: { Authorization: `Bearer ${jwt}` } });
  assert.equal(res.status, 200);
  const answer = (await res.json()).response;
  assert.equal(answer.autologin_url, `${BASE}/?autologin_token=${encodeURIComponent(answer.autologin_token)}`);

  const context = await browser.createBrowserContext();
  const admin = await newPage(context, 'autologin');
  await admin.goto(answer.autologin_url);
  await admin.waitForSelector('#plan-name', { timeout: 15000 });
  await admin.waitForNetworkIdle({ idleTime: 300 });
  assert.equal(await text(admin, '#who'), 'demo · pro plan');
  const url = admin.url();
  assert.ok(!url.includes('autologin_token'), `the token left the address: ${url}`);
  const key = await sessionKey(admin);
  const check = await apiKey(EMAIL);
  assert.equal((await allKeys(check)).find((k) => k.key_prefix === key.slice(0, 10))?.name, 'Console session');
  // The link is single-use.
  const again = await api({ mode: 'auth', autologin_token: answer.autologin_token }, { method: 'POST' });
  assert.equal(again.status, 401);
  assert.deepEqual(await cspViolations(admin), []);
  await context.close();
});

test('a forced 429 shows when to retry, and the console does not hammer the API', async () => {
  const context = await browser.createBrowserContext();
  const member = await newPage(context, 'free plan');
  await member.goto(`${BASE}/`);
  await signIn(member, MEMBER_EMAIL);
  await member.waitForSelector('#plan-name');
  assert.equal(await text(member, '#plan-name'), 'free');

  // Spend what is left of the account's minute (10 a minute on the free plan) with another key:
  // every key of an account shares its limits.
  const key = await apiKey(MEMBER_EMAIL);
  let refused = null;
  for (let i = 0; i < 15 && !refused; i += 1) {
    const res = await api({ mode: 'profile', action: 'view' }, { key });
    if (res.status === 429) refused = res;
  }
  assert.ok(refused, 'the free plan refused within 15 requests');
  assert.ok(Number(refused.headers.get('retry-after')) >= 1);

  const sentBefore = requests.filter((r) => r.page === 'free plan' && r.url.includes('/api')).length;
  await member.evaluate(() => {
    location.hash = '#/profile';
  });
  await member.waitForSelector('#banner .message.warning');
  const banner = await text(member, '#banner');
  assert.match(banner, /Rate limit reached/);
  assert.match(banner, /Try again in \d+ seconds? \(at \d\d:\d\d:\d\d\)/);
  const pageError = await text(member, '[data-page=profile] .message.error');
  assert.match(pageError, /Rate limit exceeded\. Please try again later\./);
  assert.match(pageError, /HTTP 429/);
  assert.match(pageError, /request ID [0-9a-f-]{36}/);
  const sentFor429 = requests.filter((r) => r.page === 'free plan' && r.url.includes('/api')).length - sentBefore;
  assert.ok(sentFor429 >= 1 && sentFor429 <= 2, `the profile page sent ${sentFor429} requests`);
  await shot(member, 'rate-limited');

  // While it waits, going elsewhere sends nothing and says so.
  const sentAfter429 = requests.filter((r) => r.page === 'free plan' && r.url.includes('/api')).length;
  await member.evaluate(() => {
    location.hash = '#/billing';
  });
  await member.waitForSelector('[data-page=billing] .message.error .retry');
  assert.match(await text(member, '[data-page=billing] .message.error'), /No request was sent\./);
  assert.equal(requests.filter((r) => r.page === 'free plan' && r.url.includes('/api')).length, sentAfter429, 'no request while waiting');
  await axe(member, 'rate-limited');
  await context.close();
});

test('the console asked no other origin, and broke no Content-Security-Policy rule', async () => {
  const foreign = requests.filter((r) => !r.url.startsWith(`${ORIGIN}/`) && !r.url.startsWith('data:'));
  assert.deepEqual(foreign.map((r) => r.url), []);
  assert.ok(requests.length > 50, `${requests.length} requests seen`);
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, []);
});
