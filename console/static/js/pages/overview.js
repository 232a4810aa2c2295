// Overview: who is signed in, the plan and its limits, the balance, the rate limits as meters (read
// from the headers of the last answer, so they follow every request the console makes), and the
// last 30 days of requests.

import * as api from '../api.js';
import { h, replace, show, money, count, plural } from '../dom.js';
import { card, errorBox, pairs, meter } from '../ui.js';
import { dayChart, lastDays, byDay } from '../chart.js';

const WINDOW_NAMES = { minute: 'this minute', day: 'today (UTC)', tightest: 'in the tightest window' };

export async function render(page, ctx) {
  const account = h('div', { class: 'slot' }, h('p', { class: 'loading' }, 'Loading…'));
  const limits = h('div', { class: 'slot' });
  const balance = h('div', { class: 'slot' });
  const meters = h('div', { class: 'meters', id: 'rate-meters' });
  const usage = h('div', { class: 'slot' });
  page.append(
    h('h1', {}, 'Overview'),
    h(
      'div',
      { class: 'grid' },
      card('Account', account),
      card('Plan and limits', limits),
      card('Balance', balance),
      card('Rate limits', meters, h('p', { class: 'hint' }, 'Requests left, as the gateway reported with its last answer. All keys of the account share them.')),
    ),
    card('Requests, last 30 days', usage),
  );
  const drawMeters = () => replace(meters, rateMeters(api.rateLimits.windows));
  drawMeters();
  const stop = api.on('limits', () => {
    if (!meters.isConnected) stop();
    else drawMeters();
  });

  const [profile, stats, bal] = await Promise.allSettled([
    api.get({ mode: 'profile', action: 'view' }),
    api.get({ mode: 'stats', type: 'overview' }),
    api.get({ mode: 'billing', action: 'balance' }),
  ]);
  ctx.refreshBadge();

  if (profile.status === 'fulfilled') {
    const p = profile.value.data;
    ctx.setWho(p);
    const name = [p.first_name, p.last_name].filter(Boolean).join(' ');
    replace(
      account,
      pairs([
        ['Username', show(p.username)],
        ['Name', show(name)],
        ['Email', show(p.email)],
        ['Verified', p.verified ? 'yes' : 'no'],
        ['Member since', show(p.created_at)],
      ]),
    );
  } else {
    replace(account, errorBox(profile.reason));
  }

  const s = stats.status === 'fulfilled' ? stats.value.data : null;
  if (profile.status === 'fulfilled') {
    const p = profile.value.data;
    const policy = Object.fromEntries(api.rateLimits.windows.map((w) => [w.name, w.limit]));
    replace(
      limits,
      h('p', { class: 'plan' }, h('span', { class: 'plan-name', id: 'plan-name' }, show(p.plan)), ' plan'),
      pairs([
        ['Organizations', s ? `${count(s.orgs)} of ${count(p.org_limit)}` : `up to ${count(p.org_limit)}`],
        ['Instances', s ? `${count(s.total_instances)} of ${count(p.instance_limit)}` : `up to ${count(p.instance_limit)}`],
        ['Files', count(p.filelimit)],
        ['Storage', count(p.storagelimit)],
        ['Requests a minute', policy.minute !== undefined ? count(policy.minute) : show(null)],
        ['Requests a day', policy.day !== undefined ? count(policy.day) : show(null)],
      ]),
      stats.status === 'rejected' ? errorBox(stats.reason) : null,
    );
  } else {
    replace(limits, errorBox(profile.reason));
  }

  if (bal.status === 'fulfilled') {
    const b = bal.value.data;
    replace(
      balance,
      h('p', { class: 'big-number', id: 'balance' }, money(b.balance, b.currency)),
      s ? pairs([
        ['Spent in all', money(s.total_spent, b.currency)],
        ['Invoices', `${count(s.total_invoices)} (${count(s.paid_invoices)} paid, ${count(s.pending_invoices)} pending)`],
        ['Active API keys', count(s.api_keys)],
      ]) : null,
      h('p', {}, h('a', { href: '#/billing' }, 'Invoices and transactions')),
    );
  } else {
    replace(balance, errorBox(bal.reason));
  }

  try {
    const res = await api.get({ mode: 'analytics', action: 'usage', period: 30 });
    const rows = res.data || [];
    const days = lastDays(30);
    const [ok, failed] = byDay(days, rows, [(r) => r.success_count, (r) => r.error_count]);
    const total = rows.reduce((n, r) => n + Number(r.request_count), 0);
    replace(
      usage,
      dayChart({
        title: 'Requests per day',
        description: `${plural(total, 'request')} in the last 30 days.`,
        days,
        series: [
          { label: 'Successful', values: ok, color: '#1d7a46', fill: 'rgba(29, 122, 70, 0.12)', swatch: 'success' },
          { label: 'Errors', values: failed, color: '#b91c1c', swatch: 'error' },
        ],
        axes: [{ format: (v) => count(v) }],
      }),
      h('p', {}, h('a', { href: '#/usage' }, 'More about usage')),
    );
  } catch (err) {
    replace(usage, errorBox(err));
  }
}

// rateMeters shows one meter per window of the last answer's rate-limit headers.
function rateMeters(windows) {
  if (!windows.length) return h('p', { class: 'empty' }, 'Not known yet.');
  return windows.map((w) => {
    const left = w.remaining ?? w.limit;
    const reset = w.resetIn !== null && w.resetIn !== undefined ? `; whole again in ${duration(w.resetIn)}` : '';
    return meter({
      label: `Requests left ${WINDOW_NAMES[w.name] || w.name}`,
      value: left,
      max: w.limit,
      text: `${count(left)} of ${count(w.limit)}${reset}`,
    });
  });
}

function duration(seconds) {
  if (seconds < 90) return plural(seconds, 'second');
  if (seconds < 5400) return plural(Math.round(seconds / 60), 'minute');
  return plural(Math.round(seconds / 3600), 'hour');
}
