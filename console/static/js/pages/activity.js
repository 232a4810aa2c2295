// Activity: what happened on the account (keys made, organizations changed, logins…), newest first.

import { h, show, when } from '../dom.js';
import { card, table, pagedList } from '../ui.js';

export async function render(page) {
  const list = pagedList({
    label: 'Activity',
    params: () => ({ mode: 'analytics', action: 'activity' }),
    render: (items) =>
      table({
        caption: 'Activity, newest first',
        items,
        empty: 'No activity yet.',
        columns: [
          { label: 'When', value: (a) => when(a.created_at) },
          { label: 'What', value: (a) => h('code', {}, show(a.action)) },
          { label: 'On', value: (a) => (a.resource_type ? `${a.resource_type}${a.resource_id ? ` #${a.resource_id}` : ''}` : show(null)) },
          { label: 'Details', value: (a) => details(a.details) },
          { label: 'IP address', value: (a) => show(a.ip_address) },
        ],
      }),
  });
  page.append(h('h1', {}, 'Activity'), card('Account activity', list.root));
  await list.first();
}

function details(d) {
  if (d === null || d === undefined || typeof d !== 'object') return show(d);
  const entries = Object.entries(d);
  if (!entries.length) return show(null);
  return h('dl', { class: 'inline' }, entries.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v)))));
}
