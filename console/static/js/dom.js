// Building the page from data without HTML strings: text always goes in as text, so nothing an
// account holds (a name, a notification) can become markup. No style attributes either: the
// Content-Security-Policy allows none; looks come from app.css classes.

/**
 * h('button', { class: 'primary', onclick: fn, disabled: true }, 'Save') makes an element.
 * Props starting with "on" are listeners; true/false set or drop boolean attributes; children may
 * be strings, numbers, nodes, arrays, or null/undefined/false (skipped).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'style') {
      throw new Error('style attributes are not allowed by the Content-Security-Policy');
    } else if (name === 'value' || name === 'checked' || name === 'selected') {
      el[name] = value;
      // The attribute too: it is what form.reset() goes back to.
      if (name !== 'value' && value) el.setAttribute(name, '');
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** append adds children as h does. */
export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** replace empties el and adds children. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let idCounter = 0;
/** uid returns an element ID unique in the page, for label/aria links. */
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** Shown for a field that an answer does not carry (a newer gateway's field on an older one). */
export const ABSENT = '—';

/** show formats a value that may be absent. */
export function show(value) {
  if (value === undefined || value === null || value === '') return ABSENT;
  return String(value);
}

/** money formats an amount the API sends as a JSON number. */
export function money(amount, currency = '') {
  if (amount === undefined || amount === null) return ABSENT;
  const n = Number(amount);
  const text = n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return currency ? `${text} ${currency}` : text;
}

/** count formats an integer with separators. */
export function count(n) {
  if (n === undefined || n === null) return ABSENT;
  return Number(n).toLocaleString('en-US');
}

/** when formats the API's "YYYY-MM-DD HH:MM:SS" (UTC) date-times; null is `none`. */
export function when(value, none = 'never') {
  if (value === undefined) return ABSENT;
  if (value === null || value === '') return none;
  return `${value} UTC`;
}

/** plural: plural(3, 'key') is "3 keys". */
export function plural(n, word, many = `${word}s`) {
  return `${count(n)} ${n === 1 ? word : many}`;
}
