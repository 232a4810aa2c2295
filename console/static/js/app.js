// The console's shell: signing in (password or an admin's autologin link) and out, the navigation,
// the unread badge, the rate-limit banner, and a page module per route (#/keys → pages/keys.js).

import * as api from './api.js';
import { h, replace } from './dom.js';
import { errorBox, retryText } from './ui.js';
import { signInForm, SESSION_KEY_NAME } from './signin.js';

// Route → page module. import() with literal paths: only the pages visited are fetched.
const pages = {
  '': { label: 'Overview', load: () => import('./pages/overview.js') },
  usage: { label: 'Usage', load: () => import('./pages/usage.js') },
  keys: { label: 'API keys', load: () => import('./pages/keys.js') },
  instances: { label: 'Instances', load: () => import('./pages/instances.js') },
  orgs: { label: 'Organizations', load: () => import('./pages/orgs.js') },
  billing: { label: 'Billing', load: () => import('./pages/billing.js') },
  notifications: { label: 'Notifications', load: () => import('./pages/notifications.js') },
  activity: { label: 'Activity', load: () => import('./pages/activity.js') },
  search: { label: 'Search', load: () => import('./pages/search.js') },
  profile: { label: 'Profile', load: () => import('./pages/profile.js') },
};

const root = document.getElementById('app');
let shell = null; // { main, banner, badge, nav } while signed in
let renderGeneration = 0;

// route reads "#/billing/invoices?status=paid" as { page: 'billing', sub: ['invoices'], query }.
function route() {
  const hash = location.hash.startsWith('#/') ? location.hash.slice(2) : '';
  const [path, search = ''] = hash.split('?');
  const [page = '', ...sub] = path.split('/').filter(Boolean);
  return { page: page in pages ? page : '', sub, query: new URLSearchParams(search), known: page === '' || page in pages };
}

/** navigate goes to a console route such as '#/keys'. */
export function navigate(hash) {
  if (location.hash === hash) render(true);
  else location.hash = hash;
}

function showSignIn(message) {
  shell = null;
  document.title = 'Sign in · SharePanel console';
  replace(root, signInForm({ message, onSignedIn: showApp }));
  root.querySelector('input')?.focus();
}

function showApp() {
  const badge = h('span', { class: 'badge', hidden: true, id: 'unread-badge' });
  const links = Object.entries(pages).map(([name, p]) =>
    h('li', {}, h('a', { href: `#/${name}`, 'data-page': name }, p.label, name === 'notifications' ? badge : null)),
  );
  const signOutButton = h('button', { type: 'button', class: 'secondary sign-out', onclick: () => signOut(signOutButton) }, 'Sign out');
  const banner = h('div', { class: 'banner', id: 'banner', role: 'status', 'aria-live': 'polite' });
  const main = h('main', { id: 'main', tabindex: '-1' });
  const nav = h('nav', { class: 'site-nav', 'aria-label': 'Console' }, h('ul', {}, links));
  replace(
    root,
    h('header', { class: 'site-header' }, h('a', { class: 'brand', href: '#/' }, 'SharePanel'), h('span', { class: 'who', id: 'who' }), signOutButton),
    h('div', { class: 'layout' }, nav, h('div', { class: 'content' }, banner, main)),
  );
  shell = { main, banner, badge, nav };
  refreshBadge();
  render();
}

/** refreshBadge asks for the unread count and shows it on the Notifications link. */
export async function refreshBadge() {
  if (!shell) return;
  try {
    const res = await api.get({ mode: 'notifications', action: 'unread_count' });
    setBadge(res.data?.count ?? 0);
  } catch {
    // The page shows its own errors; a badge that could not be read stays as it was.
  }
}

/** setBadge shows n unread notifications (nothing for 0). */
export function setBadge(n) {
  if (!shell) return;
  shell.badge.hidden = !n;
  replace(shell.badge, String(n), h('span', { class: 'visually-hidden' }, ' unread'));
  shell.badge.dataset.count = String(n);
}

/** setWho shows who is signed in, once the profile is known. */
export function setWho(profile) {
  const who = document.getElementById('who');
  if (who && profile) who.textContent = `${profile.username} · ${profile.plan} plan`;
}

// render shows the route's page. moveFocus (after a navigation in the console) puts the focus on
// the new page's heading; on a fresh load it stays at the top, where the skip link is.
async function render(moveFocus = false) {
  if (!shell) return;
  const r = route();
  const mine = ++renderGeneration;
  for (const a of shell.nav.querySelectorAll('a')) {
    if (a.dataset.page === r.page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const page = pages[r.page];
  document.title = `${page.label} · SharePanel console`;
  const container = h('div', { class: 'page', 'data-page': r.page || 'overview' });
  replace(shell.main, container);
  let mod;
  try {
    mod = await page.load();
  } catch (err) {
    replace(container, h('h1', {}, page.label), errorBox(new Error(`This page could not be loaded: ${err.message}`)));
    return;
  }
  if (mine !== renderGeneration) return;
  const done = mod.render(container, { ...r, navigate, refreshBadge, setBadge, setWho });
  // Keyboard and screen-reader users land on the new page's heading (pages write it first).
  const heading = container.querySelector('h1');
  if (heading && moveFocus === true) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
  await done;
}

/**
 * signOut deletes the session's own key (found by its prefix in api_keys list), then forgets it.
 * The key is forgotten here even when the gateway cannot be asked; then the message says so.
 */
async function signOut(button) {
  button.disabled = true;
  let message = 'You are signed out. The session key was deleted.';
  try {
    const id = await ownKeyId(api.session.key);
    if (id !== null) await api.post({ mode: 'api_keys', action: 'delete', key_id: id });
    else message = 'You are signed out. The session key was no longer listed.';
  } catch (err) {
    if (err.status !== 401) {
      message = `You are signed out here, but the session key could not be deleted: ${err.message}` +
        (err.retryAt ? ` ${retryText(err.retryAt)}` : '') + ' Delete it under API keys.';
    }
  }
  api.session.clear();
  showSignIn({ text: message, kind: 'success' });
}

/** ownKeyId finds the id of the key whose secret is key: its key_prefix is the first 10 characters. */
export async function ownKeyId(key) {
  const prefix = key.slice(0, 10);
  for (let offset = 0, asked = 0; asked < 20; asked += 1) {
    const page = await api.getPage({ mode: 'api_keys', action: 'list' }, offset, 100);
    const mine = page.items.find((k) => k.key_prefix === prefix);
    if (mine) return mine.id;
    if (!page.hasNext) return null;
    offset += 100;
  }
  return null;
}

// The banner says when a refused console may try again, and clears itself when it may.
let bannerTimer = 0;
api.on('blocked', (err) => {
  if (!shell) return;
  clearTimeout(bannerTimer);
  replace(
    shell.banner,
    h('div', { class: 'message warning', role: 'alert' }, h('p', {}, 'Rate limit reached: the console waits before it asks the gateway again. ', retryText(err.retryAt))),
  );
  bannerTimer = setTimeout(() => {
    if (shell) replace(shell.banner, h('p', { class: 'message info' }, 'You can send requests again.'));
  }, err.retryAt.getTime() - Date.now() + 250);
});

// A key that stopped working (deleted, expired, account suspended…) ends the session.
api.on('unauthorized', (err) => {
  if (!shell) return;
  api.session.clear();
  showSignIn({ text: `Your session has ended: ${err.message}. Please sign in again.`, kind: 'error', requestId: err.requestId, status: err.status });
});

window.addEventListener('hashchange', () => render(true));

// The skip link moves focus to the page without changing the route.
document.addEventListener('click', (event) => {
  const skip = event.target.closest?.('.skip-link');
  if (!skip) return;
  event.preventDefault();
  document.getElementById('main')?.focus();
});

async function start() {
  const url = new URL(location.href);
  const token = url.searchParams.get('autologin_token');
  if (token !== null) {
    // Nothing secret stays in the address bar or the history once the page has read it.
    url.searchParams.delete('autologin_token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    if (api.session.key) {
      // Another session in this tab: end it before taking the new one.
      try {
        const id = await ownKeyId(api.session.key);
        if (id !== null) await api.post({ mode: 'api_keys', action: 'delete', key_id: id });
      } catch {
        // Its key may be gone already; the new session matters.
      }
      api.session.clear();
    }
    replace(root, h('p', { class: 'loading', role: 'status' }, 'Signing you in…'));
    try {
      const res = await api.post({ mode: 'auth', autologin_token: token, name: SESSION_KEY_NAME });
      api.session.set(res.data.api_key);
    } catch (err) {
      showSignIn({ text: `The sign-in link did not work: ${err.message}`, kind: 'error', requestId: err.requestId, status: err.status });
      return;
    }
  }
  if (api.session.key) showApp();
  else showSignIn();
}

start();
