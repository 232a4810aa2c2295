// Instances: the list filtered by type and status, putting one to sleep or waking it, and the bulk
// actions (wake all, sleep all, delete the dead ones), each confirmed first.

import * as api from '../api.js';
import { h, replace, show, when } from '../dom.js';
import { card, errorBox, notice, field, table, pagedList, confirmDialog, busy } from '../ui.js';

const TYPES = [
  ['all', 'All types'],
  ['SNCS', 'SNCS'],
  ['SMS', 'SMS'],
];
const STATUSES = [
  ['', 'Any status'],
  ['active', 'Active'],
  ['sleep', 'Asleep'],
  ['dead', 'Dead'],
];

const BULK = [
  { action: 'awaken_all', label: 'Wake all', title: 'Wake every sleeping instance?', message: 'Every instance that is asleep becomes active.' },
  { action: 'sleep_all', label: 'Put all to sleep', title: 'Put every active instance to sleep?', message: 'Every active instance goes to sleep until it is woken.' },
  { action: 'delete_dead', label: 'Delete dead instances', title: 'Delete every dead instance?', message: 'Dead instances are deleted for good. This cannot be undone.' },
];

export async function render(page, ctx) {
  const type = TYPES.some(([t]) => t === ctx.query.get('type')) ? ctx.query.get('type') : 'all';
  const status = STATUSES.some(([s]) => s === ctx.query.get('status')) ? ctx.query.get('status') : '';
  const messages = h('div', { class: 'slot', id: 'instances-status' });

  const list = pagedList({
    label: 'Instances',
    params: () => ({ mode: 'instances', action: 'list', type, status: status || undefined }),
    render: (items) =>
      table({
        caption: 'Your instances',
        items,
        empty: 'No instance matches.',
        columns: [
          { label: 'Name', value: (i) => show(i.instance_name) },
          { label: 'Path', value: (i) => h('code', {}, show(i.instance_path)) },
          { label: 'Type', value: (i) => show(i.type) },
          { label: 'Status', value: (i) => h('span', { class: `status status-${i.status}` }, show(i.status)) },
          { label: 'Created', value: (i) => when(i.created_at) },
          { label: 'Actions', class: 'actions', value: (i) => toggle(i) },
        ],
      }),
  });

  function toggle(instance) {
    if (instance.status === 'dead') return h('span', { class: 'muted' }, 'none');
    const to = instance.status === 'active' ? 'sleep' : 'active';
    const label = to === 'sleep' ? 'Sleep' : 'Wake';
    return h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'aria-label': `${label} ${instance.instance_name}`,
        onclick: (e) =>
          busy(e.currentTarget, async () => {
            try {
              await api.post({ mode: 'instances', action: 'update_status', instance_id: instance.id, status: to });
              replace(messages, notice(`${instance.instance_name} is ${to === 'sleep' ? 'asleep' : 'active'}.`));
              await list.reload();
            } catch (err) {
              replace(messages, errorBox(err));
            }
          }),
      },
      label,
    );
  }

  const filters = h(
    'form',
    { class: 'filters', 'aria-label': 'Filter instances' },
    field({ label: 'Type', name: 'type', tag: 'select', value: type, options: TYPES }),
    field({ label: 'Status', name: 'status', tag: 'select', value: status, options: STATUSES }),
    h('button', { type: 'submit', class: 'secondary' }, 'Filter'),
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    const fd = new FormData(filters);
    if (fd.get('type') !== 'all') q.set('type', fd.get('type'));
    if (fd.get('status')) q.set('status', fd.get('status'));
    ctx.navigate(`#/instances${q.toString() ? `?${q}` : ''}`);
  });

  const bulk = h(
    'div',
    { class: 'bulk' },
    BULK.map((b) =>
      h(
        'button',
        {
          type: 'button',
          class: b.action === 'delete_dead' ? 'danger' : 'secondary',
          onclick: async (e) => {
            const button = e.currentTarget;
            if (!(await confirmDialog({ title: b.title, message: b.message, confirmLabel: b.label, danger: b.action === 'delete_dead' }))) return;
            await busy(button, async () => {
              try {
                const res = await api.post({ mode: 'instances', action: b.action });
                replace(messages, notice(res.message));
                await list.reload();
              } catch (err) {
                replace(messages, errorBox(err));
              }
            });
          },
        },
        b.label,
      ),
    ),
  );

  page.append(h('h1', {}, 'Instances'), filters, card('All at once', bulk), messages, card('Instances', list.root));
  await list.first();
}
