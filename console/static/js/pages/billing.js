// Billing: the balance, and one list at a time — invoices (by status, each one viewable),
// transactions, purchases, plans.

import * as api from '../api.js';
import { h, replace, show, when, money, count } from '../dom.js';
import { card, errorBox, field, table, pagedList, pairs, busy } from '../ui.js';

const TABS = [
  ['invoices', 'Invoices'],
  ['transactions', 'Transactions'],
  ['purchases', 'Purchases'],
  ['plans', 'Plans'],
];
const INVOICE_STATUSES = [
  ['', 'Any status'],
  ['pending', 'Pending'],
  ['paid', 'Paid'],
  ['overdue', 'Overdue'],
];

export async function render(page, ctx) {
  const tab = TABS.some(([t]) => t === ctx.sub[0]) ? ctx.sub[0] : 'invoices';
  const balance = h('p', { class: 'big-number', id: 'billing-balance' }, '…');
  let currency = '';
  const tabs = h(
    'nav',
    { class: 'tabs', 'aria-label': 'Billing' },
    h('ul', {}, TABS.map(([t, label]) => h('li', {}, h('a', { href: `#/billing/${t}`, 'aria-current': t === tab ? 'page' : null }, label)))),
  );
  const section = h('div', { class: 'slot' });
  page.append(h('h1', {}, 'Billing'), card('Balance', balance), tabs, section);

  try {
    const res = await api.get({ mode: 'billing', action: 'balance' });
    currency = res.data.currency || '';
    balance.textContent = money(res.data.balance, currency);
  } catch (err) {
    replace(balance, errorBox(err));
  }

  const lists = { invoices, transactions, purchases, plans };
  await lists[tab](section, ctx, currency);
}

async function invoices(section, ctx, currency) {
  const status = INVOICE_STATUSES.some(([s]) => s === ctx.query.get('status')) ? ctx.query.get('status') : '';
  const detail = h('div', { class: 'slot', id: 'invoice-detail' });
  const list = pagedList({
    label: 'Invoices',
    params: () => ({ mode: 'billing', action: 'invoices', status: status || undefined }),
    render: (items) =>
      table({
        caption: 'Invoices, newest first',
        items,
        empty: 'No invoice matches.',
        columns: [
          { label: 'Number', value: (i) => h('button', { type: 'button', class: 'link', 'aria-label': `Invoice ${i.invoice_number}`, onclick: (e) => view(e.currentTarget, i.id) }, show(i.invoice_number)) },
          { label: 'Amount', class: 'num', value: (i) => money(i.total_amount, currency) },
          { label: 'Status', value: (i) => h('span', { class: `status status-${i.status}` }, show(i.status)) },
          { label: 'Created', value: (i) => when(i.created_at) },
          { label: 'Paid', value: (i) => when(i.paid_at, 'not paid') },
        ],
      }),
  });
  async function view(button, id) {
    await busy(button, async () => {
      try {
        const res = await api.get({ mode: 'billing', action: 'invoice', invoice_id: id });
        const i = res.data;
        replace(
          detail,
          card(
            `Invoice ${i.invoice_number}`,
            pairs([
              ['Amount', money(i.total_amount, currency)],
              ['Status', show(i.status)],
              ['Created', when(i.created_at)],
              ['Paid', when(i.paid_at, 'not paid')],
            ]),
          ),
        );
        detail.querySelector('h2').setAttribute('tabindex', '-1');
        detail.querySelector('h2').focus();
      } catch (err) {
        replace(detail, errorBox(err));
      }
    });
  }
  const filter = h('form', { class: 'filters', 'aria-label': 'Filter invoices' }, field({ label: 'Status', name: 'status', tag: 'select', value: status, options: INVOICE_STATUSES }), h('button', { type: 'submit', class: 'secondary' }, 'Filter'));
  filter.addEventListener('submit', (e) => {
    e.preventDefault();
    const s = new FormData(filter).get('status');
    ctx.navigate(`#/billing/invoices${s ? `?status=${s}` : ''}`);
  });
  replace(section, card('Invoices', filter, list.root), detail);
  await list.first();
}

async function transactions(section, ctx, currency) {
  const list = pagedList({
    label: 'Transactions',
    params: () => ({ mode: 'billing', action: 'transactions' }),
    render: (items) =>
      table({
        caption: 'Transactions, newest first',
        items,
        empty: 'No transactions.',
        columns: [
          { label: 'Transaction', value: (t) => h('code', {}, show(t.transaction_id)) },
          { label: 'Amount', class: 'num', value: (t) => money(t.amount, currency) },
          { label: 'Type', value: (t) => show(t.type) },
          { label: 'Status', value: (t) => show(t.status) },
          { label: 'Date', value: (t) => when(t.date) },
        ],
      }),
  });
  replace(section, card('Transactions', list.root));
  await list.first();
}

async function purchases(section, ctx, currency) {
  const list = pagedList({
    label: 'Purchases',
    params: () => ({ mode: 'billing', action: 'purchases' }),
    render: (items) =>
      table({
        caption: 'Purchases, newest first',
        items,
        empty: 'No purchases.',
        columns: [
          { label: 'Item', value: (p) => h('code', {}, show(p.item_id)) },
          { label: 'Item type', value: (p) => show(p.item_type) },
          { label: 'Purchase', value: (p) => show(p.purchase_type) },
          { label: 'Price', class: 'num', value: (p) => money(p.price, currency) },
          { label: 'Tokens paid', class: 'num', value: (p) => money(p.tokens_paid) },
          { label: 'Date', value: (p) => when(p.created_at) },
        ],
      }),
  });
  replace(section, card('Purchases', list.root));
  await list.first();
}

async function plans(section, ctx, currency) {
  const list = pagedList({
    label: 'Plans',
    params: () => ({ mode: 'billing', action: 'plans' }),
    render: (items) =>
      table({
        caption: 'Plans',
        items,
        empty: 'No plans.',
        columns: [
          { label: 'Plan', value: (p) => h('strong', {}, show(p.name)) },
          { label: 'Price', class: 'num', value: (p) => money(p.price, currency) },
          { label: 'Organizations', class: 'num', value: (p) => count(p.org_limit) },
          { label: 'Instances', class: 'num', value: (p) => count(p.instance_limit) },
          { label: 'Files', class: 'num', value: (p) => count(p.filelimit) },
          { label: 'Storage', class: 'num', value: (p) => count(p.storagelimit) },
          { label: 'Description', value: (p) => show(p.description) },
          { label: 'Features', value: (p) => show(p.features) },
        ],
      }),
  });
  replace(section, card('Plans', list.root));
  await list.first();
}
