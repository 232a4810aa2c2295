// Charts of values per day, drawn with uPlot (vendor/uplot, the console's one library). Each chart
// comes with its numbers as a table (under "Show the numbers") for those who cannot see a canvas.

import uPlot from '../vendor/uplot/uPlot.esm.js';
import { h, uid } from './dom.js';

const DAY = 86400;

/** lastDays lists the UTC dates "YYYY-MM-DD" of the last n days, oldest first, today last. */
export function lastDays(n) {
  const today = Math.floor(Date.now() / 1000 / DAY) * DAY;
  const days = [];
  for (let i = n - 1; i >= 0; i -= 1) days.push(new Date((today - i * DAY) * 1000).toISOString().slice(0, 10));
  return days;
}

/**
 * byDay spreads rows { date, … } over days (the API lists only days that have something), with
 * pick(row) for each series and 0 on days without a row.
 */
export function byDay(days, rows, picks) {
  const index = new Map(rows.map((r) => [r.date, r]));
  return picks.map((pick) => days.map((d) => (index.has(d) ? Number(pick(index.get(d))) : 0)));
}

/**
 * dayChart draws series over days: { title, days, series: [{ label, values, color, kind, axis }],
 * axes: [{ label, format }] }. kind 'bars' draws bars, else a line; axis 1 is the right-hand axis.
 * It returns a figure whose canvas resizes with the page.
 */
export function dayChart({ title, description, days, series, axes }) {
  const titleId = uid('chart');
  const plot = h('div', { class: 'chart-plot', role: 'img', 'aria-labelledby': titleId, 'aria-describedby': `${titleId}-desc` });
  const legend = h(
    'ul',
    { class: 'chart-legend' },
    series.map((s) => h('li', {}, h('span', { class: `swatch swatch-${s.swatch}`, 'aria-hidden': 'true' }), s.label)),
  );
  const numbers = h(
    'details',
    { class: 'chart-numbers' },
    h('summary', {}, 'Show the numbers'),
    h(
      'div',
      { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': `${title}: numbers` },
      h(
        'table',
        { class: 'data compact' },
        h('caption', {}, title),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Day (UTC)'), series.map((s) => h('th', { scope: 'col' }, s.label)))),
        h(
          'tbody',
          {},
          days
            .map((d, i) => [d, i])
            .filter(([, i]) => series.some((s) => s.values[i]))
            .reverse()
            .map(([d, i]) => h('tr', {}, h('th', { scope: 'row' }, d), series.map((s) => h('td', {}, s.format ? s.format(s.values[i]) : String(s.values[i]))))),
        ),
      ),
    ),
  );
  const figure = h(
    'figure',
    { class: 'chart' },
    h('figcaption', { id: titleId }, title),
    h('p', { class: 'visually-hidden', id: `${titleId}-desc` }, description),
    plot,
    legend,
    numbers,
  );

  const xs = days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
  const opts = {
    width: 600,
    height: 220,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { size: 6 } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] }, y2: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [
      { stroke: '#3e4c59', grid: { stroke: '#e4e7eb' }, ticks: { stroke: '#cbd2d9' } },
      { stroke: '#3e4c59', grid: { stroke: '#e4e7eb' }, ticks: { stroke: '#cbd2d9' }, size: 56, values: (u, v) => v.map(axes[0].format) },
      ...(axes[1] ? [{ side: 1, scale: 'y2', stroke: '#3e4c59', grid: { show: false }, size: 64, values: (u, v) => v.map(axes[1].format) }] : []),
    ],
    series: [
      {},
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 2,
        fill: s.kind === 'bars' ? s.fill || s.color : s.fill,
        scale: s.axis === 1 ? 'y2' : 'y',
        points: { show: days.length <= 31 },
        paths: s.kind === 'bars' ? uPlot.paths.bars({ size: [0.7, 24] }) : undefined,
        dash: s.dash,
      })),
    ],
  };
  const chart = new uPlot(opts, [xs, ...series.map((s) => s.values)], plot);
  const fit = () => {
    const width = Math.max(260, Math.floor(plot.clientWidth));
    if (width && width !== chart.width) chart.setSize({ width, height: 220 });
  };
  new ResizeObserver(fit).observe(plot);
  return figure;
}
