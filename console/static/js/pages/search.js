// Search: organizations and instances whose title, path or name holds the text.

import { h, replace, show, when } from '../dom.js';
import { card, field, table, pagedList } from '../ui.js';

const TYPES = [
  ['all', 'Organizations and instances'],
  ['organizations', 'Organizations'],
  ['instances', 'Instances'],
];

export async function render(page, ctx) {
  const query = (ctx.query.get('q') || '').trim();
  const type = TYPES.some(([t]) => t === ctx.query.get('type')) ? ctx.query.get('type') : 'all';
  const form = h(
    'form',
    { class: 'filters', role: 'search' },
    field({ label: 'Search for', name: 'q', type: 'search', value: query, maxlength: 100, required: true }),
    field({ label: 'In', name: 'type', tag: 'select', value: type, options: TYPES }),
    h('button', { type: 'submit', class: 'primary' }, 'Search'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const fd = new FormData(form);
    const q = String(fd.get('q') || '').trim();
    if (!q) return;
    ctx.navigate(`#/search?${new URLSearchParams({ q, type: fd.get('type') })}`);
  });
  const results = h('div', { class: 'slot' });
  page.append(h('h1', {}, 'Search'), form, results);
  if (!query) return;
  const list = pagedList({
    label: 'Search results',
    params: () => ({ mode: 'search', query, type }),
    render: (items) =>
      table({
        caption: `Results for “${query}”`,
        items,
        empty: 'Nothing found.',
        columns: [
          { label: 'Kind', value: (r) => show(r.type) },
          { label: 'Name', value: (r) => h('a', { href: r.type === 'organization' ? '#/orgs' : '#/instances' }, show(r.name)) },
          { label: 'Path', value: (r) => h('code', {}, show(r.path)) },
          { label: 'Status', value: (r) => show(r.status) },
          { label: 'Created', value: (r) => when(r.created_at) },
        ],
      }),
  });
  replace(results, card('Results', list.root));
  await list.first();
}
