// API keys: the account's keys (name, prefix, permissions, scopes, IP allowlist, expiry, last use),
// their usage, making one (its secret shown once) and deleting one.

import * as api from '../api.js';
import { h, replace, show, when, count, uid } from '../dom.js';
import { card, errorBox, notice, field, table, pagedList, confirmDialog, busy, pairs } from '../ui.js';

// The modes a scope can name (mode=auth needs no key).
const SCOPE_MODES = ['profile', 'orgs', 'instances', 'billing', 'analytics', 'notifications', 'api_keys', 'stats', 'search'];
const MAX_ALLOWED_IPS = 20;

export async function render(page) {
  const sessionPrefix = api.session.key.slice(0, 10);
  const status = h('div', { class: 'slot', id: 'keys-status' });
  const usage = h('div', { class: 'slot', id: 'key-usage' });
  const list = pagedList({
    label: 'API keys',
    params: () => ({ mode: 'api_keys', action: 'list' }),
    render: (items) =>
      table({
        caption: 'Your API keys',
        items,
        empty: 'No keys.',
        rowClass: (k) => (k.key_prefix === sessionPrefix ? 'current' : null),
        columns: [
          { label: 'Name', value: (k) => [k.name, k.key_prefix === sessionPrefix ? h('span', { class: 'tag' }, 'this session') : null] },
          { label: 'Prefix', class: 'nowrap', value: (k) => h('code', {}, show(k.key_prefix)) },
          { label: 'Permissions', value: (k) => show(k.permissions) },
          { label: 'Scopes', value: (k) => restriction(k.scopes, 'every mode') },
          { label: 'IP allowlist', value: (k) => restriction(k.allowed_ips, 'any address') },
          { label: 'Expires', value: (k) => when(k.expires_at) },
          { label: 'Last used', value: (k) => when(k.last_used_at) },
          { label: 'Created', value: (k) => when(k.created_at) },
          {
            label: 'Actions',
            class: 'actions',
            value: (k) => [
              h('button', { type: 'button', class: 'secondary', 'aria-label': `Usage of ${k.name}`, onclick: (e) => showUsage(e.currentTarget, k) }, 'Usage'),
              h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${k.name}`, onclick: (e) => remove(e.currentTarget, k) }, 'Delete'),
            ],
          },
        ],
      }),
  });

  async function showUsage(button, key) {
    await busy(button, async () => {
      try {
        const res = await api.get({ mode: 'api_keys', action: 'usage', key_id: key.id });
        const u = res.data;
        replace(
          usage,
          card(
            `Usage of ${key.name}`,
            pairs([
              ['Requests', count(u.total_requests)],
              ['Successful', count(u.success_count)],
              ['Errors', count(u.error_count)],
              ['Days with requests', count(u.active_days)],
              ['Endpoints used', count(u.endpoints_used)],
              ['Mean response time', u.avg_response_time === undefined ? show(null) : `${(Number(u.avg_response_time) * 1000).toFixed(2)} ms`],
              ['Last request', when(u.last_request)],
            ]),
          ),
        );
      } catch (err) {
        replace(usage, errorBox(err));
      }
      usage.querySelector('h2')?.setAttribute('tabindex', '-1');
      usage.querySelector('h2, [role=alert]')?.focus();
    });
  }

  async function remove(button, key) {
    const own = key.key_prefix === sessionPrefix;
    const ok = await confirmDialog({
      title: `Delete the key “${key.name}”?`,
      message: own
        ? 'This is the key of this console session: deleting it signs you out.'
        : `Every program that uses the key ${key.key_prefix}… stops working at once. This cannot be undone.`,
      confirmLabel: 'Delete key',
    });
    if (!ok) return;
    await busy(button, async () => {
      try {
        await api.post({ mode: 'api_keys', action: 'delete', key_id: key.id });
        replace(status, notice(`The key “${key.name}” was deleted.`));
        replace(usage);
        await list.reload();
      } catch (err) {
        replace(status, errorBox(err));
      }
    });
  }

  const secretSlot = h('div', { class: 'slot', id: 'new-key' });
  page.append(
    h('h1', {}, 'API keys'),
    h('p', { class: 'lead' }, 'Keys let programs use the API as you. Give each program its own key, with only the permissions, modes and networks it needs.'),
    secretSlot,
    createForm(secretSlot, list),
    status,
    card('Your keys', list.root),
    usage,
  );
  await list.first();
}

// restriction shows a key's scopes or allowlist: null is unrestricted; a gateway that does not
// have the field yet leaves it out (—).
function restriction(value, none) {
  if (value === undefined) return show(undefined);
  if (value === null || value === '') return h('span', { class: 'muted' }, none);
  return h('span', { class: 'list' }, String(value).split(',').map((v) => h('code', {}, v.trim())));
}

function createForm(secretSlot, list) {
  const formStatus = h('div', { class: 'slot' });
  const scopeRows = SCOPE_MODES.map((mode) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, h('label', { for: `scope-${mode}` }, mode)),
      h(
        'td',
        {},
        h(
          'select',
          { id: `scope-${mode}`, name: `scope-${mode}` },
          h('option', { value: '' }, 'no access'),
          h('option', { value: 'read' }, 'read'),
          h('option', { value: 'write' }, 'read and write'),
        ),
      ),
    ),
  );
  const scopesHelp = uid('scopes-help');
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create key');
  const form = h(
    'form',
    { class: 'create-key', id: 'create-key', novalidate: true },
    field({ label: 'Name', name: 'name', value: '', placeholder: 'New API Key', maxlength: 100, hint: 'So that you can tell your keys apart, e.g. “Backup script on web-1”.' }),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Permissions'),
      h('div', { class: 'check' }, h('input', { type: 'checkbox', id: 'perm-read', name: 'perm-read', checked: true }), h('label', { for: 'perm-read' }, 'Read')),
      h('div', { class: 'check' }, h('input', { type: 'checkbox', id: 'perm-write', name: 'perm-write', checked: true }), h('label', { for: 'perm-write' }, 'Write (change data)')),
    ),
    h(
      'details',
      { class: 'scopes' },
      h('summary', {}, 'Limit to some modes (scopes)'),
      h('p', { class: 'hint', id: scopesHelp }, 'Leave every mode at “no access” for a key that may use every mode. Otherwise the key may use only the modes given, and change data only where it has “read and write”.'),
      h('table', { class: 'data compact scopes-table', 'aria-describedby': scopesHelp }, h('caption', {}, 'Scopes'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Mode'), h('th', { scope: 'col' }, 'Access'))), h('tbody', {}, scopeRows)),
    ),
    field({
      label: 'IP allowlist',
      name: 'allowed_ips',
      tag: 'textarea',
      placeholder: '203.0.113.7, 2001:db8::/32',
      hint: `Optional: the addresses and CIDR blocks (comma-separated, at most ${MAX_ALLOWED_IPS}) the key may be used from. Empty: any address.`,
    }),
    field({ label: 'Expires', name: 'expires_at', type: 'datetime-local', hint: 'Optional, in your local time. Empty: the key never expires.' }),
    formStatus,
    submit,
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(formStatus);
    const fd = new FormData(form);
    const perms = [fd.get('perm-read') && 'read', fd.get('perm-write') && 'write'].filter(Boolean);
    if (!perms.length) {
      replace(formStatus, errorBox({ message: 'Choose at least one permission: read or write.' }));
      return;
    }
    const params = { mode: 'api_keys', action: 'create', permissions: perms.join(',') };
    const name = String(fd.get('name') || '').trim();
    if (name) params.name = name;
    const ips = String(fd.get('allowed_ips') || '').split(/[\s,]+/).filter(Boolean);
    if (ips.length > MAX_ALLOWED_IPS) {
      replace(formStatus, errorBox({ message: `An allowlist holds at most ${MAX_ALLOWED_IPS} entries; this one has ${ips.length}.` }));
      return;
    }
    if (ips.length) params.allowed_ips = ips.join(',');
    const scopes = SCOPE_MODES.filter((m) => fd.get(`scope-${m}`)).map((m) => `${m}:${fd.get(`scope-${m}`)}`);
    if (scopes.length) params.scopes = scopes.join(',');
    const expires = String(fd.get('expires_at') || '');
    if (expires) {
      const t = new Date(expires);
      if (Number.isNaN(t.getTime())) {
        replace(formStatus, errorBox({ message: 'The expiry is not a valid date and time.' }));
        return;
      }
      params.expires_at = t.toISOString().replace(/\.\d{3}Z$/, 'Z');
    }

    await busy(submit, async () => {
      try {
        const res = await api.post(params);
        const secret = res.data.api_key;
        form.reset();
        showSecret(secretSlot, secret, params.name || 'New API Key');
        await list.first();
        await warnIfIgnored(secretSlot, secret, params);
      } catch (err) {
        replace(formStatus, errorBox(err));
      }
    });
  });
  return card('Create a key', form);
}

// showSecret shows a new key's secret, once, with a copy button.
function showSecret(slot, secret, name) {
  const code = h('code', { class: 'secret', id: 'new-key-secret' }, secret);
  const copied = h('span', { class: 'copied', role: 'status' });
  const copy = h('button', { type: 'button', class: 'primary' }, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(secret);
      copied.textContent = 'Copied.';
    } catch {
      // No clipboard (a page not served over HTTPS or from localhost): select it for Ctrl+C.
      const range = document.createRange();
      range.selectNodeContents(code);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      copied.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
    }
  });
  const done = h('button', { type: 'button', class: 'secondary', onclick: () => replace(slot) }, 'I have saved it');
  const heading = h('h2', { tabindex: '-1' }, `Your new key “${name}”`);
  replace(
    slot,
    h(
      'section',
      { class: 'card secret-card', 'aria-label': 'New API key' },
      heading,
      h('p', { class: 'message warning' }, 'Copy it now: this is the only time it is shown. The gateway keeps only a hash of it.'),
      h('div', { class: 'secret-row' }, code, copy, copied),
      done,
    ),
  );
  heading.focus();
}

// warnIfIgnored says so when a gateway without allowlists or scopes made the key anyway (it
// ignores parameters it does not know): the key is then less restricted than asked.
async function warnIfIgnored(slot, secret, params) {
  if (!params.allowed_ips && !params.scopes) return;
  try {
    const page = await api.getPage({ mode: 'api_keys', action: 'list' }, 0, 100);
    const key = page.items.find((k) => k.key_prefix === secret.slice(0, 10));
    if (!key) return;
    const missing = [];
    if (params.allowed_ips && !key.allowed_ips) missing.push('an IP allowlist');
    if (params.scopes && !key.scopes) missing.push('scopes');
    if (missing.length) {
      slot.querySelector('section')?.append(
        h('p', { class: 'message error', role: 'alert' }, `This gateway did not apply ${missing.join(' or ')}: the key works from any address and in every mode. Delete it if that is not what you want.`),
      );
    }
  } catch {
    // The list shows the key as it is.
  }
}
