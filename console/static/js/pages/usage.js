// Usage: requests per day (successes and errors) with the mean response time, and spending per day,
// over the last 30, 90 or 366 days. Per-key usage is on the API keys page.

import * as api from '../api.js';
import { h, replace, count, money, plural } from '../dom.js';
import { card, errorBox, field } from '../ui.js';
import { dayChart, lastDays, byDay } from '../chart.js';

const PERIODS = [
  ['30', 'Last 30 days'],
  ['90', 'Last 90 days'],
  ['366', 'Last 366 days'],
];

export async function render(page, ctx) {
  const period = PERIODS.some(([p]) => p === ctx.query.get('period')) ? ctx.query.get('period') : '30';
  const requests = h('div', { class: 'slot' }, h('p', { class: 'loading' }, 'Loading…'));
  const spending = h('div', { class: 'slot' }, h('p', { class: 'loading' }, 'Loading…'));
  // A button, not the select's change event: moving through the options with the arrow keys must
  // not load a period at each step.
  const filter = h(
    'form',
    { class: 'filters', 'aria-label': 'Period' },
    field({ label: 'Period', name: 'period', tag: 'select', value: period, options: PERIODS }),
    h('button', { type: 'submit', class: 'secondary' }, 'Show'),
  );
  filter.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.navigate(`#/usage?period=${new FormData(filter).get('period')}`);
  });
  page.append(
    h('h1', {}, 'Usage'),
    filter,
    card('Requests', requests),
    card('Spending', spending),
    h('p', { class: 'hint' }, 'Usage per key: ', h('a', { href: '#/keys' }, 'API keys'), '. Days are UTC days; usage is written within a second or so of each request.'),
  );

  const days = lastDays(Number(period));
  const [usage, spent] = await Promise.allSettled([
    api.get({ mode: 'analytics', action: 'usage', period }),
    api.get({ mode: 'analytics', action: 'spending', period }),
  ]);

  if (usage.status === 'fulfilled') {
    const rows = usage.value.data || [];
    const [ok, failed, ms] = byDay(days, rows, [(r) => r.success_count, (r) => r.error_count, (r) => Number(r.avg_response_time) * 1000]);
    const total = rows.reduce((n, r) => n + Number(r.request_count), 0);
    const errors = rows.reduce((n, r) => n + Number(r.error_count), 0);
    replace(
      requests,
      h('p', {}, `${plural(total, 'request')}, ${plural(errors, 'error')}, on ${plural(rows.length, 'day')} with requests.`),
      dayChart({
        title: 'Requests per day and mean response time',
        description: `${plural(total, 'request')} and ${plural(errors, 'error')} in the last ${period} days.`,
        days,
        series: [
          { label: 'Successful', values: ok, color: '#1d7a46', fill: 'rgba(29, 122, 70, 0.12)', swatch: 'success' },
          { label: 'Errors', values: failed, color: '#b91c1c', swatch: 'error' },
          { label: 'Mean response time (ms)', values: ms, color: '#1d4ed8', axis: 1, dash: [6, 4], swatch: 'time', format: (v) => v.toFixed(2) },
        ],
        axes: [{ format: (v) => count(v) }, { format: (v) => `${v.toFixed(v < 10 ? 1 : 0)} ms` }],
      }),
    );
  } else {
    replace(requests, errorBox(usage.reason));
  }

  if (spent.status === 'fulfilled') {
    const rows = spent.value.data || [];
    const [amounts] = byDay(days, rows, [(r) => r.total_spent]);
    const total = rows.reduce((n, r) => n + Number(r.total_spent), 0);
    const invoices = rows.reduce((n, r) => n + Number(r.invoice_count), 0);
    replace(
      spending,
      h('p', {}, `${money(total)} spent on ${plural(invoices, 'paid invoice')}.`),
      dayChart({
        title: 'Spending per day',
        description: `${money(total)} spent in the last ${period} days.`,
        days,
        series: [{ label: 'Spent', values: amounts, color: '#7c3aed', fill: 'rgba(124, 58, 237, 0.55)', kind: 'bars', swatch: 'spent', format: (v) => money(v) }],
        axes: [{ format: (v) => money(v) }],
      }),
    );
  } else {
    replace(spending, errorBox(spent.reason));
  }
}
