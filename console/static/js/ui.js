// The console's building blocks: error and status messages, tables that become cards on a phone,
// paged lists, confirmation dialogs, labelled form fields and meters.

import { getPage } from './api.js';
import { h, replace, uid, count } from './dom.js';

/** retryText says when a refused (429) client may try again. */
export function retryText(retryAt) {
  const seconds = Math.max(1, Math.ceil((retryAt.getTime() - Date.now()) / 1000));
  const at = retryAt.toLocaleTimeString('en-GB', { hour12: false });
  return `Try again in ${seconds} ${seconds === 1 ? 'second' : 'seconds'} (at ${at}).`;
}

/** errorBox shows an API error as the gateway said it: its message and the request ID to quote. */
export function errorBox(err, { retry } = {}) {
  const box = h('div', { class: 'message error', role: 'alert' });
  const message = err && err.message ? err.message : String(err);
  box.append(h('p', { class: 'message-text' }, message));
  if (err && err.retryAt) {
    box.append(h('p', { class: 'retry' }, retryText(err.retryAt), err.local ? ' No request was sent.' : ''));
  }
  const meta = [];
  if (err && err.status) meta.push(`HTTP ${err.status}`);
  if (err && err.code) meta.push(`code ${err.code}`);
  if (err && err.requestId) meta.push(h('span', {}, 'request ID ', h('code', { class: 'request-id' }, err.requestId)));
  if (meta.length) {
    const p = h('p', { class: 'meta' });
    meta.forEach((m, i) => p.append(i ? ' · ' : '', m));
    box.append(p);
  }
  if (retry) box.append(h('button', { type: 'button', class: 'secondary', onclick: retry }, 'Try again'));
  return box;
}

/** notice is a polite status message (a success). */
export function notice(text) {
  return h('div', { class: 'message success', role: 'status' }, h('p', {}, text));
}

/** card is a titled section. */
export function card(title, ...children) {
  const id = uid('card');
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/** pairs shows label/value pairs as a description list. */
export function pairs(list) {
  const dl = h('dl', { class: 'pairs' });
  for (const [label, value] of list) dl.append(h('div', {}, h('dt', {}, label), h('dd', {}, value)));
  return dl;
}

/**
 * table({ caption, columns: [{ label, value: item => node|text, class }], items, empty }) — on a
 * narrow screen each row becomes a card whose cells carry their column's name (data-label).
 */
export function table({ caption, columns, items, empty = 'Nothing here yet.', rowClass }) {
  if (!items.length) return h('p', { class: 'empty' }, empty);
  const t = h('table', { class: 'data' });
  if (caption) t.append(h('caption', {}, caption));
  t.append(h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)))));
  const body = h('tbody');
  for (const item of items) {
    const tr = h('tr', { class: rowClass ? rowClass(item) : null });
    for (const c of columns) {
      // One child per cell, so that on a phone the cell is two columns: its label and its value.
      tr.append(h('td', { 'data-label': c.label, class: c.class }, h('div', { class: 'cell' }, c.value(item))));
    }
    body.append(tr);
  }
  t.append(body);
  return t;
}

/**
 * pagedList shows a list action page by page: { root, reload, first }. params returns the action's
 * parameters (a function, so that filters are read at each load); render turns a page's items into
 * a node. Paging follows the gateway (Link, X-Total-Count) and pages lists it does not page.
 */
export function pagedList({ params, render, limit = 20, label }) {
  const root = h('div', { class: 'paged' });
  const body = h('div', { class: 'paged-body' });
  const status = h('p', { class: 'page-status', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'secondary', onclick: () => show(Math.max(0, offset - limit)) }, 'Previous page');
  const next = h('button', { type: 'button', class: 'secondary', onclick: () => show(offset + limit) }, 'Next page');
  const nav = h('nav', { class: 'pager', 'aria-label': `${label} pages` }, prev, status, next);
  root.append(body, nav);
  let offset = 0;
  let generation = 0;

  async function show(newOffset) {
    const mine = ++generation;
    root.setAttribute('aria-busy', 'true');
    prev.disabled = true;
    next.disabled = true;
    try {
      const page = await getPage(params(), newOffset, limit);
      if (mine !== generation) return;
      if (page.items.length === 0 && newOffset > 0) {
        // The last item of a page went (deleted elsewhere): show the page before.
        show(Math.max(0, newOffset - limit));
        return;
      }
      offset = newOffset;
      replace(body, render(page.items));
      prev.disabled = !page.hasPrev;
      next.disabled = !page.hasNext;
      nav.hidden = !page.hasPrev && !page.hasNext;
      const from = page.items.length ? offset + 1 : 0;
      const to = offset + page.items.length;
      status.textContent = page.total !== null ? `${count(from)}–${count(to)} of ${count(page.total)}` : `${count(from)}–${count(to)}`;
    } catch (err) {
      if (mine !== generation) return;
      replace(body, errorBox(err, { retry: () => show(newOffset) }));
      prev.disabled = offset <= 0;
      next.disabled = true;
    } finally {
      if (mine === generation) root.removeAttribute('aria-busy');
    }
  }
  return { root, reload: () => show(offset), first: () => show(0) };
}

/** confirmDialog asks before something that cannot be undone; it resolves to true or false. */
export function confirmDialog({ title, message, confirmLabel, danger = true }) {
  return new Promise((resolve) => {
    const titleId = uid('dialog-title');
    const textId = uid('dialog-text');
    const cancel = h('button', { type: 'button', class: 'secondary', value: 'cancel' }, 'Cancel');
    const ok = h('button', { type: 'button', class: danger ? 'danger' : 'primary', value: 'ok' }, confirmLabel);
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': titleId, 'aria-describedby': textId },
      h('h2', { id: titleId }, title),
      h('p', { id: textId }, message),
      h('div', { class: 'actions' }, cancel, ok),
    );
    let answer = false;
    cancel.addEventListener('click', () => dialog.close());
    ok.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    const opener = document.activeElement;
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus(); // the safe choice first
  });
}

/** field makes a labelled input (or select/textarea with tag); hint is linked as its description. */
export function field({ label, name, type = 'text', value = '', hint, tag = 'input', options, required, ...rest }) {
  const id = uid(name);
  const hintId = hint ? `${id}-hint` : null;
  let control;
  if (tag === 'select') {
    control = h(
      'select',
      { id, name, 'aria-describedby': hintId, required, ...rest },
      options.map(([v, text]) => h('option', { value: v, selected: String(value) === String(v) }, text)),
    );
  } else if (tag === 'textarea') {
    control = h('textarea', { id, name, 'aria-describedby': hintId, required, rows: 3, ...rest });
    control.value = value ?? '';
  } else {
    control = h('input', { id, name, type, 'aria-describedby': hintId, required, ...rest });
    control.value = value ?? '';
  }
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
  );
}

/** meter shows how much of a limit is left. */
export function meter({ label, value, max, text }) {
  const id = uid('meter');
  return h(
    'div',
    { class: 'meter' },
    h('label', { for: id }, label),
    h('meter', { id, min: 0, max, value, low: Math.ceil(max * 0.2), high: Math.ceil(max * 0.5), optimum: max }),
    h('p', { class: 'meter-text' }, text),
  );
}

/** busy disables a button while work runs, so that one click sends one request. */
export async function busy(button, work) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
