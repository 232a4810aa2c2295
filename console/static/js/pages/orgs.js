// Organizations: the ones the account belongs to, making one, its members, changing it (admins and
// managers) and deleting it (its admin only).

import * as api from '../api.js';
import { h, replace, show, count } from '../dom.js';
import { card, errorBox, notice, field, table, pagedList, confirmDialog, busy, pairs } from '../ui.js';

export async function render(page) {
  const messages = h('div', { class: 'slot', id: 'orgs-status' });
  const detail = h('div', { class: 'slot', id: 'org-detail' });

  const list = pagedList({
    label: 'Organizations',
    params: () => ({ mode: 'orgs', action: 'list' }),
    render: (items) =>
      table({
        caption: 'Organizations you belong to',
        items,
        empty: 'You do not belong to any organization yet.',
        columns: [
          { label: 'Title', value: (o) => show(o.title) },
          { label: 'Path', value: (o) => h('code', {}, show(o.path)) },
          { label: 'Contact', value: (o) => show(o.contact) },
          { label: 'Your role', value: (o) => role(o) },
          {
            label: 'Actions',
            class: 'actions',
            value: (o) => [
              h('button', { type: 'button', class: 'secondary', 'aria-label': `Members of ${o.title}`, onclick: () => showMembers(o) }, 'Members'),
              h('button', { type: 'button', class: 'secondary', 'aria-label': `Edit ${o.title}`, onclick: () => showEdit(o) }, 'Edit'),
              o.isAdmin ? h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${o.title}`, onclick: (e) => remove(e.currentTarget, o) }, 'Delete') : null,
            ],
          },
        ],
      }),
  });

  function focusDetail() {
    const heading = detail.querySelector('h2');
    heading?.setAttribute('tabindex', '-1');
    heading?.focus();
  }

  async function showMembers(org) {
    const info = h('div', { class: 'slot' });
    const members = pagedList({
      label: `Members of ${org.title}`,
      params: () => ({ mode: 'orgs', action: 'members', org_id: org.id }),
      render: (items) =>
        table({
          caption: `Members of ${org.title}`,
          items,
          empty: 'No members.',
          columns: [
            { label: 'Username', value: (m) => show(m.username) },
            { label: 'Email', value: (m) => show(m.email) },
            { label: 'Admin', value: (m) => (m.isAdmin ? 'yes' : 'no') },
            { label: 'Permission level', value: (m) => show(m.permissionlevel) },
          ],
        }),
    });
    replace(detail, card(`Members of ${org.title}`, info, members.root));
    focusDetail();
    try {
      const res = await api.get({ mode: 'orgs', action: 'view', org_id: org.id });
      replace(info, pairs([['Members', count(res.data.member_count)], ['Instances', count(res.data.instance_count)]]));
    } catch (err) {
      replace(info, errorBox(err));
    }
    await members.first();
  }

  function showEdit(org) {
    const formStatus = h('div', { class: 'slot' });
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Save changes');
    const form = h(
      'form',
      { class: 'edit-org', novalidate: true },
      field({ label: 'Title', name: 'title', value: org.title, maxlength: 255 }),
      field({ label: 'Path', name: 'path', value: org.path, maxlength: 64, hint: 'Lowercase letters, digits and hyphens.' }),
      field({ label: 'Contact email', name: 'contact', type: 'email', value: org.contact, maxlength: 255 }),
      formStatus,
      h('div', { class: 'actions' }, submit, h('button', { type: 'button', class: 'secondary', onclick: () => replace(detail) }, 'Cancel')),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const fd = new FormData(form);
      const params = { mode: 'orgs', action: 'update', org_id: org.id };
      for (const name of ['title', 'path', 'contact']) {
        const value = String(fd.get(name) || '').trim();
        if (value !== (org[name] || '')) params[name] = value;
      }
      if (Object.keys(params).length === 3) {
        replace(formStatus, errorBox({ message: 'Nothing was changed.' }));
        return;
      }
      await busy(submit, async () => {
        try {
          const res = await api.post(params);
          replace(detail);
          replace(messages, notice(res.message));
          await list.reload();
        } catch (err) {
          replace(formStatus, errorBox(err));
        }
      });
    });
    replace(detail, card(`Edit ${org.title}`, form));
    focusDetail();
  }

  async function remove(button, org) {
    const ok = await confirmDialog({
      title: `Delete the organization “${org.title}”?`,
      message: 'Its memberships go with it; its instances stay, outside any organization. This cannot be undone.',
      confirmLabel: 'Delete organization',
    });
    if (!ok) return;
    await busy(button, async () => {
      try {
        const res = await api.post({ mode: 'orgs', action: 'delete', org_id: org.id });
        replace(detail);
        replace(messages, notice(res.message));
        await list.reload();
      } catch (err) {
        replace(messages, errorBox(err));
      }
    });
  }

  page.append(h('h1', {}, 'Organizations'), createForm(messages, list), messages, card('Your organizations', list.root), detail);
  await list.first();
}

function role(org) {
  if (org.isAdmin) return 'admin';
  if (org.permissionlevel === undefined) return show(undefined);
  return `member (level ${org.permissionlevel})`;
}

function createForm(messages, list) {
  const formStatus = h('div', { class: 'slot' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create organization');
  const form = h(
    'form',
    { class: 'create-org', id: 'create-org', novalidate: true },
    field({ label: 'Title', name: 'title', placeholder: 'New Organization', maxlength: 255 }),
    field({ label: 'Path', name: 'path', maxlength: 64, hint: 'Optional: made from the title when empty. Lowercase letters, digits and hyphens.' }),
    field({ label: 'Contact email', name: 'contact', type: 'email', maxlength: 255, hint: 'Optional.' }),
    formStatus,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const fd = new FormData(form);
    const params = { mode: 'orgs', action: 'new' };
    for (const name of ['title', 'path', 'contact']) {
      const value = String(fd.get(name) || '').trim();
      if (value) params[name] = value;
    }
    replace(formStatus);
    await busy(submit, async () => {
      try {
        const res = await api.post(params);
        form.reset();
        replace(messages, notice(`${res.message} (ID ${res.data.org_id}).`));
        await list.reload();
      } catch (err) {
        replace(formStatus, errorBox(err));
      }
    });
  });
  return h('details', { class: 'card create', id: 'create-org-panel' }, h('summary', {}, 'Create an organization'), form);
}
