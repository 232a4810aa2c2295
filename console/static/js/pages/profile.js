// Profile: the account as the gateway has it, its counts, and changing the fields a customer may
// change (only those that changed are sent).

import * as api from '../api.js';
import { h, replace, show, money, count } from '../dom.js';
import { card, errorBox, notice, field, pairs, busy } from '../ui.js';

const FIELDS = [
  { name: 'first_name', label: 'First name', maxlength: 100, autocomplete: 'given-name' },
  { name: 'last_name', label: 'Last name', maxlength: 100, autocomplete: 'family-name' },
  { name: 'phone', label: 'Phone', type: 'tel', maxlength: 32, autocomplete: 'tel', hint: 'Digits, spaces and + - ( ) .' },
  { name: 'address', label: 'Address', maxlength: 255, autocomplete: 'street-address' },
  { name: 'pfp', label: 'Profile picture URL', type: 'url', maxlength: 1024, hint: 'An http or https address.' },
  { name: 'bio', label: 'Bio', tag: 'textarea', maxlength: 1000 },
];

export async function render(page, ctx) {
  const view = h('div', { class: 'slot' }, h('p', { class: 'loading' }, 'Loading…'));
  const stats = h('div', { class: 'slot' });
  const edit = h('div', { class: 'slot' });
  page.append(h('h1', {}, 'Profile'), h('div', { class: 'grid' }, card('Account', view), card('In numbers', stats)), card('Change your profile', edit));

  const [profile, numbers] = await Promise.allSettled([api.get({ mode: 'profile', action: 'view' }), api.get({ mode: 'profile', action: 'stats' })]);
  if (numbers.status === 'fulfilled') {
    const s = numbers.value.data;
    replace(
      stats,
      pairs([
        ['Organizations', count(s.org_count)],
        ['Instances', `${count(s.instance_count)} (${count(s.active_instances)} active)`],
        ['Invoices', count(s.invoice_count)],
        ['Spent in all', money(s.total_spent)],
      ]),
    );
  } else {
    replace(stats, errorBox(numbers.reason));
  }
  if (profile.status === 'rejected') {
    replace(view, errorBox(profile.reason));
    replace(edit, h('p', { class: 'empty' }, 'The profile could not be read, so it cannot be changed now.'));
    return;
  }
  let p = profile.value.data;
  ctx.setWho(p);
  const showProfile = () =>
    replace(
      view,
      pairs([
        ['Username', show(p.username)],
        ['Email', show(p.email)],
        ['Plan', show(p.plan)],
        ['Verified', p.verified ? 'yes' : 'no'],
        ['Balance', money(p.balance)],
        ['Member since', show(p.created_at)],
        ...FIELDS.map((f) => [f.label, show(p[f.name])]),
      ]),
    );
  showProfile();

  const formStatus = h('div', { class: 'slot', id: 'profile-status' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Save profile');
  const form = h('form', { class: 'profile-form', id: 'profile-form', novalidate: true }, FIELDS.map((f) => field({ ...f, value: p[f.name] ?? '' })), formStatus, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const fd = new FormData(form);
    const params = { mode: 'profile', action: 'update' };
    for (const f of FIELDS) {
      const value = String(fd.get(f.name) ?? '');
      if (value !== (p[f.name] ?? '')) params[f.name] = value;
    }
    if (Object.keys(params).length === 2) {
      replace(formStatus, errorBox({ message: 'Nothing was changed.' }));
      return;
    }
    await busy(submit, async () => {
      try {
        const res = await api.post(params);
        p = { ...p, ...params };
        showProfile();
        replace(formStatus, notice(res.message));
      } catch (err) {
        replace(formStatus, errorBox(err));
      }
    });
  });
  replace(edit, form);
}
