// Notifications: all or only the unread ones, marking one or all as read, deleting one. The unread
// badge in the navigation follows.

import * as api from '../api.js';
import { h, replace, show, when } from '../dom.js';
import { card, errorBox, notice, pagedList, confirmDialog, busy } from '../ui.js';

export async function render(page, ctx) {
  const unreadOnly = ctx.query.get('unread') === '1';
  const messages = h('div', { class: 'slot', id: 'notifications-status' });

  const list = pagedList({
    label: 'Notifications',
    params: () => ({ mode: 'notifications', action: 'list', unread_only: unreadOnly ? 'true' : undefined }),
    render: (items) =>
      items.length
        ? h('ul', { class: 'notifications' }, items.map(item))
        : h('p', { class: 'empty' }, unreadOnly ? 'No unread notifications.' : 'No notifications.'),
  });

  function item(n) {
    const unread = !n.is_read;
    return h(
      'li',
      { class: `notification ${unread ? 'unread' : 'read'} type-${n.type}`, 'data-id': n.id },
      h('h3', {}, unread ? h('span', { class: 'tag' }, 'unread') : null, ' ', show(n.title)),
      h('p', {}, show(n.message)),
      h('p', { class: 'meta' }, `${show(n.type)} · ${when(n.created_at)}`, n.link ? [' · ', h('code', {}, n.link)] : null),
      h(
        'div',
        { class: 'actions' },
        unread
          ? h('button', { type: 'button', class: 'secondary', 'aria-label': `Mark as read: ${n.title}`, onclick: (e) => markRead(e.currentTarget, n.id) }, 'Mark as read')
          : null,
        h('button', { type: 'button', class: 'danger', 'aria-label': `Delete: ${n.title}`, onclick: (e) => remove(e.currentTarget, n) }, 'Delete'),
      ),
    );
  }

  async function after(res) {
    replace(messages, notice(res.message));
    await Promise.all([list.reload(), ctx.refreshBadge()]);
  }

  async function markRead(button, id) {
    await busy(button, async () => {
      try {
        await after(await api.post({ mode: 'notifications', action: 'mark_read', notification_id: id }));
      } catch (err) {
        replace(messages, errorBox(err));
      }
    });
  }

  async function remove(button, n) {
    if (!(await confirmDialog({ title: `Delete “${n.title}”?`, message: 'The notification is deleted for good.', confirmLabel: 'Delete' }))) return;
    await busy(button, async () => {
      try {
        await after(await api.post({ mode: 'notifications', action: 'delete', notification_id: n.id }));
      } catch (err) {
        replace(messages, errorBox(err));
      }
    });
  }

  const markAll = h('button', { type: 'button', class: 'secondary', id: 'mark-all-read' }, 'Mark all as read');
  markAll.addEventListener('click', () =>
    busy(markAll, async () => {
      try {
        await after(await api.post({ mode: 'notifications', action: 'mark_read' }));
      } catch (err) {
        replace(messages, errorBox(err));
      }
    }),
  );
  const filter = h(
    'div',
    { class: 'filters' },
    h('a', { href: '#/notifications', 'aria-current': unreadOnly ? null : 'true' }, 'All'),
    h('a', { href: '#/notifications?unread=1', 'aria-current': unreadOnly ? 'true' : null }, 'Unread only'),
    markAll,
  );
  page.append(h('h1', {}, 'Notifications'), filter, messages, card(unreadOnly ? 'Unread notifications' : 'All notifications', list.root));
  await list.first();
}
