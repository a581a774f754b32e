// The dashboard: sign-in with the admin token, then #/ (channels) and
// #/channels/<name> (one channel). The token lives in sessionStorage only.
import { h } from '/assets/dom.js';
import { api, session } from './api.js';
import { channelsView } from './channels.js';
import { channelView } from './channel.js';

const main = document.getElementById('main');
const signOutButton = document.getElementById('sign-out');
let view = null;

function mount(next, { focus = true } = {}) {
  if (view) view.destroy();
  view = next;
  main.replaceChildren(next.el);
  document.title = `${next.title} · onair`;
  if (focus) main.focus({ preventScroll: true });
}

function signInView(message) {
  const error = h('p', { class: 'notice error', role: 'alert', hidden: !message }, message || '');
  const token = h('input', { type: 'password', id: 'token', name: 'token', required: true,
                             autocomplete: 'current-password', spellcheck: 'false', 'aria-describedby': 'token-hint' });
  const submit = h('button', { type: 'submit', class: 'btn primary' }, 'Sign in');
  // The username is fixed; it lets password managers file the token.
  const form = h('form', {},
    h('input', { type: 'text', name: 'username', value: 'admin', autocomplete: 'username', class: 'visually-hidden',
                 tabindex: '-1', 'aria-hidden': 'true', readonly: true }),
    h('div', { class: 'field' }, h('label', { for: 'token' }, 'Admin token'), token,
      h('p', { class: 'hint', id: 'token-hint' },
        'manager.admin_token in the configuration, or the token onair printed at its first start.')),
    error, submit);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const t = token.value.trim();
    if (!t) return;
    submit.disabled = true;
    error.hidden = true;
    try {
      if (await api.check(t)) {
        session.token = t;
        route();
        return;
      }
      error.textContent = 'That token was not accepted.';
    } catch (e) {
      error.textContent = e.message;
    }
    error.hidden = false;
    submit.disabled = false;
    token.select();
  });
  const el = h('section', { class: 'panel signin', 'aria-labelledby': 'signin-h' },
    h('h1', { id: 'signin-h' }, 'Sign in'),
    h('p', { class: 'muted' }, 'The control room of this onair server.'), form);
  queueMicrotask(() => token.focus());
  return { el, title: 'Sign in', destroy() {} };
}

function signOut(message) {
  session.token = '';
  signOutButton.hidden = true;
  mount(signInView(message), { focus: false });
}

function route() {
  if (!session.token) { signOut(); return; }
  signOutButton.hidden = false;
  const navigate = hash => { if (location.hash === hash) route(); else location.hash = hash; };
  const m = /^#\/channels\/([^/]+)$/.exec(location.hash);
  mount(m ? channelView(decodeURIComponent(m[1]), { navigate }) : channelsView());
}

session.onUnauthorized = () => signOut('Signed out: the admin token was not accepted.');
signOutButton.addEventListener('click', () => signOut());
window.addEventListener('hashchange', route);
route();
// The live lamp in the top bar: on while any channel is live.
window.addEventListener('onair:live', ev => document.querySelector('.lamp').classList.toggle('on', ev.detail > 0));
