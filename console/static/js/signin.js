// The sign-in form: email and password for a key of the console's own (mode=auth, sent as a POST
// body so that the password is never in a URL), kept in sessionStorage only.

import * as api from './api.js';
import { h } from './dom.js';
import { errorBox, field, busy } from './ui.js';

/** The console's own key name: sign-out finds the key by its prefix, people by this name. */
export const SESSION_KEY_NAME = 'Console session';

/**
 * signInForm({ message: { text, kind, requestId }, onSignedIn }) — message says why the form is
 * shown (signed out, a session that ended with the gateway's message).
 */
export function signInForm({ message, onSignedIn }) {
  const status = h('div', { class: 'signin-status' });
  if (message) {
    if (message.kind === 'error') {
      status.append(errorBox({ message: message.text, requestId: message.requestId, status: message.status }));
    } else {
      status.append(h('div', { class: 'message success', role: 'status' }, h('p', {}, message.text)));
    }
  }
  const email = field({ label: 'Email', name: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'signin-form', method: 'post', novalidate: true }, email, password, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form));
    status.replaceChildren();
    if (!values.email || !values.password) {
      status.append(errorBox({ message: 'Email and password are required' }));
      return;
    }
    await busy(submit, async () => {
      try {
        const res = await api.post({ mode: 'auth', email: values.email, password: values.password, name: SESSION_KEY_NAME });
        api.session.set(res.data.api_key);
        onSignedIn();
      } catch (err) {
        status.append(errorBox(err));
        form.querySelector('input[name=password]').select();
      }
    });
  });
  return h(
    'main',
    { class: 'signin', id: 'main', tabindex: '-1' },
    h('h1', {}, 'SharePanel console'),
    h('p', { class: 'lead' }, 'Sign in with your SharePanel account to see and manage your organizations, instances, billing and API keys.'),
    status,
    form,
    h('p', { class: 'fineprint' }, 'The console signs in with a key named “Console session”, kept in this tab only and deleted when you sign out. ',
      'Building something? See the ', h('a', { href: '/docs/index.html' }, 'API documentation'), '.'),
  );
}
