// The console's only way to the gateway: /api, called exactly as any client calls it. Reads are
// GETs with the parameters in the query string, writes are POSTs with a JSON body, and the key goes
// in the Authorization header (never in a URL). Only the parameters an action declares are sent.
//
// It also keeps what the answers say about the client: the rate-limit state of the last answer
// (for the meters), and, after a 429, the time before which no request is sent at all, so that a
// refused console waits as Retry-After says instead of hammering the API.

const KEY_ITEM = 'sharepanel.console.key';

/** An answer that was not a success: the envelope's message, its code and the request ID. */
export class ApiError extends Error {
  constructor({ status, message, code = '', requestId = '', retryAt = null, local = false }) {
    super(message);
    this.name = 'ApiError';
    this.status = status; // HTTP status; 0 when the gateway could not be reached
    this.code = code;
    this.requestId = requestId;
    this.retryAt = retryAt; // Date: on 429, when the gateway accepts requests again
    this.local = local; // refused here, without a request (still waiting for retryAt)
  }
}

/** The session's API key lives in sessionStorage only: gone when the tab is closed. */
export const session = {
  get key() {
    return sessionStorage.getItem(KEY_ITEM) || '';
  },
  set(key) {
    sessionStorage.setItem(KEY_ITEM, key);
  },
  clear() {
    sessionStorage.removeItem(KEY_ITEM);
  },
};

const listeners = { limits: new Set(), unauthorized: new Set(), blocked: new Set() };

/** on('limits' | 'unauthorized' | 'blocked', fn) subscribes; it returns the unsubscribe function. */
export function on(event, fn) {
  listeners[event].add(fn);
  return () => listeners[event].delete(fn);
}

function emit(event, value) {
  for (const fn of listeners[event]) fn(value);
}

/** The rate-limit state read from the last answer that carried it. */
export const rateLimits = { windows: [], at: null };

let blockedUntil = 0; // ms since the epoch: no request leaves before then

/** When requests may be sent again after a 429, or null. */
export function blockedUntilDate() {
  return blockedUntil > Date.now() ? new Date(blockedUntil) : null;
}

/** GET /api?… for an action that reads. */
export function get(params) {
  return request('GET', params);
}

/** POST /api with a JSON body, for an action that changes data (and for mode=auth). */
export function post(params) {
  return request('POST', params);
}

async function request(method, params) {
  if (Date.now() < blockedUntil) {
    throw new ApiError({
      status: 429,
      message: 'Rate limit exceeded. Please try again later.',
      code: 'rate_limited',
      retryAt: new Date(blockedUntil),
      local: true,
    });
  }
  const clean = {};
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) clean[name] = value;
  }
  const headers = { Accept: 'application/json' };
  const key = session.key;
  if (key && clean.mode !== 'auth') headers.Authorization = `Bearer ${key}`;
  let url = '/api';
  let body;
  if (method === 'GET') {
    url += `?${new URLSearchParams(clean)}`;
  } else {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(clean);
  }
  let res;
  try {
    res = await fetch(url, { method, headers, body, cache: 'no-store', credentials: 'omit', redirect: 'error' });
  } catch (err) {
    throw new ApiError({ status: 0, message: `The gateway could not be reached (${err.message}).` });
  }
  readRateLimits(res.headers);
  let envelope = null;
  try {
    envelope = await res.json();
  } catch {
    envelope = null;
  }
  const requestId = envelope?.request_id || res.headers.get('X-Request-ID') || '';
  if (res.ok && envelope?.status === 'success') {
    return { data: envelope.data, message: envelope.message, headers: res.headers, requestId };
  }
  const err = new ApiError({
    status: res.status,
    message: envelope?.message || `The gateway answered HTTP ${res.status}.`,
    code: envelope?.code || '',
    requestId,
  });
  if (res.status === 429) {
    blockedUntil = Date.now() + retryAfterSeconds(res.headers) * 1000;
    err.retryAt = new Date(blockedUntil);
    emit('blocked', err);
  } else if (res.status === 401 && clean.mode !== 'auth') {
    emit('unauthorized', err);
  }
  throw err;
}

// Retry-After is seconds or an HTTP date; without it, the reset of the tightest window, else a minute.
function retryAfterSeconds(headers) {
  const value = headers.get('Retry-After');
  if (value) {
    if (/^\d+$/.test(value.trim())) return Math.max(1, Number(value));
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(1, Math.ceil((date - Date.now()) / 1000));
  }
  const reset = Number(headers.get('X-RateLimit-Reset'));
  if (reset > 0) return Math.max(1, Math.ceil(reset - Date.now() / 1000));
  return 60;
}

// parseFields reads an IETF structured list such as `"minute";q=10;w=60, "day";q=100;w=86400`.
export function parseFields(value) {
  const out = new Map();
  if (!value) return out;
  for (const item of value.split(',')) {
    const [name, ...params] = item.trim().split(';');
    const fields = {};
    for (const p of params) {
      const [k, v] = p.trim().split('=');
      if (k && v !== undefined && /^-?\d+$/.test(v)) fields[k] = Number(v);
    }
    out.set(name.trim().replace(/^"|"$/g, ''), fields);
  }
  return out;
}

// readRateLimits keeps the limits of an answer: both windows from RateLimit-Policy and RateLimit,
// or, where only the X-RateLimit-* trio is sent, its one (tightest) window.
function readRateLimits(headers) {
  const policy = parseFields(headers.get('RateLimit-Policy'));
  const state = parseFields(headers.get('RateLimit'));
  const windows = [];
  for (const [name, p] of policy) {
    const s = state.get(name) || {};
    if (p.q === undefined) continue;
    windows.push({ name, limit: p.q, window: p.w, remaining: s.r ?? null, resetIn: s.t ?? null });
  }
  if (windows.length === 0 && headers.get('X-RateLimit-Limit')) {
    const reset = Number(headers.get('X-RateLimit-Reset'));
    windows.push({
      name: 'tightest',
      limit: Number(headers.get('X-RateLimit-Limit')),
      remaining: Number(headers.get('X-RateLimit-Remaining')),
      resetIn: reset ? Math.max(0, Math.round(reset - Date.now() / 1000)) : null,
    });
  }
  if (windows.length === 0) return;
  rateLimits.windows = windows;
  rateLimits.at = new Date();
  emit('limits', rateLimits);
}

/** parseLink reads a Link header into { next, prev, first, last } URLs. */
export function parseLink(value) {
  const out = {};
  if (!value) return out;
  for (const part of value.split(',')) {
    const m = part.match(/<([^>]*)>\s*;(.*)$/);
    if (!m) continue;
    const rel = m[2].match(/rel="?([^";]+)"?/);
    if (rel) for (const r of rel[1].trim().split(/\s+/)) out[r] = m[1];
  }
  return out;
}

/**
 * getPage reads one page of a list action: { items, total, hasNext, hasPrev, offset }. It follows
 * the Link header when the gateway sends one; a gateway that does not page the action answers
 * with the whole list, which is then paged here.
 */
export async function getPage(params, offset, limit) {
  const res = await get({ ...params, limit, offset });
  let items = Array.isArray(res.data) ? res.data : [];
  const totalHeader = res.headers.get('X-Total-Count');
  let total = totalHeader !== null && totalHeader !== '' ? Number(totalHeader) : null;
  const links = parseLink(res.headers.get('Link'));
  let hasNext;
  if (items.length > limit) {
    // Not paged by this gateway: the whole list came back.
    total = items.length;
    hasNext = offset + limit < items.length;
    items = items.slice(offset, offset + limit);
  } else if (res.headers.get('Link') !== null) {
    hasNext = Boolean(links.next);
  } else {
    hasNext = total !== null ? offset + items.length < total : items.length === limit;
  }
  return { items, total, hasNext, hasPrev: offset > 0, offset, next: links.next || null };
}
