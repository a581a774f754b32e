// Modal dialogs: confirm, create a channel, and the once-only stream key.
import { h, copyField } from '/assets/dom.js';
import { api } from './api.js';

// Opens a <dialog>; resolves with what close(value) passes (undefined on Esc).
// The dialog leaves the DOM when it closes, with whatever it showed.
function openDialog(build, { label } = {}) {
  return new Promise(resolve => {
    let result;
    const dialog = h('dialog', { 'aria-label': label });
    const close = value => { result = value; dialog.close(); };
    dialog.addEventListener('close', () => { dialog.remove(); resolve(result); });
    dialog.append(...build(close));
    document.body.append(dialog);
    dialog.showModal();
  });
}

// Resolves true if the person confirms.
export function confirmDialog({ title, message, action, danger = false }) {
  return openDialog(close => [
    h('h2', {}, title),
    h('p', {}, message),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'btn', onclick: () => close(false) }, 'Cancel'),
      h('button', { type: 'button', class: `btn ${danger ? 'danger' : 'primary'}`, dataset: { testid: 'confirm' },
                    onclick: () => close(true) }, action)),
  ], { label: title }).then(Boolean);
}

// The create form; resolves with the created channel (with its key) or undefined.
export function createChannelDialog() {
  return openDialog(close => {
    const error = h('p', { class: 'notice error', role: 'alert', hidden: true });
    const name = h('input', { type: 'text', id: 'new-name', name: 'name', required: true, maxlength: 64,
                              pattern: '[a-z0-9][a-z0-9_\\-]{0,63}', autocomplete: 'off', spellcheck: 'false',
                              'aria-describedby': 'new-name-hint' });
    const title = h('input', { type: 'text', id: 'new-title', name: 'title', maxlength: 200, autocomplete: 'off' });
    const submit = h('button', { type: 'submit', class: 'btn primary' }, 'Create channel');
    const form = h('form', { class: 'fields', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: 'new-name' }, 'Name'), name,
        h('p', { class: 'hint', id: 'new-name-hint' },
          'Lowercase letters, digits, - and _ (up to 64). It is part of the playback URLs.')),
      h('div', { class: 'field' }, h('label', { for: 'new-title' }, 'Title'), title),
      error,
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => close() }, 'Cancel'), submit));
    form.addEventListener('submit', async ev => {
      ev.preventDefault();
      error.hidden = true;
      if (!name.checkValidity()) {
        error.textContent = 'The name must be 1–64 of a–z, 0–9, - and _, starting with a letter or digit.';
        error.hidden = false;
        name.focus();
        return;
      }
      submit.disabled = true;
      try {
        close(await api.create(name.value, title.value.trim()));
      } catch (e) {
        error.textContent = e.status === 409 ? `A channel named “${name.value}” exists already.` : e.message;
        error.hidden = false;
        submit.disabled = false;
      }
    });
    return [h('h2', {}, 'New channel'), form];
  }, { label: 'New channel' });
}

// Shows the OBS settings with the stream key, this once. The key is in the
// DOM only while the dialog is open.
export function streamKeyDialog(channel, { rotated = false } = {}) {
  return openDialog(close => [
    h('h2', {}, rotated ? `New stream key for “${channel.name}”` : `Channel “${channel.name}” is ready`),
    h('p', { class: 'notice warn', role: 'alert' },
      h('strong', {}, 'The stream key is shown only this once. '),
      'Copy it into OBS now: only its hash is kept, and it cannot be shown again. ',
      'Lost it? Rotate the key to get a new one.',
      rotated ? ' The old key has stopped working.' : ''),
    h('div', { class: 'fields' },
      copyField('Server', channel.rtmp_url, { testid: 'rtmp-url' }),
      copyField('Stream Key', channel.stream_key, { testid: 'stream-key' }),
      copyField('Playback URL (HLS)', channel.playback_url, { testid: 'playback-url' }),
      copyField('Player page', channel.player_url, { testid: 'player-url' })),
    h('p', { class: 'hint' },
      'In OBS: Settings → Stream → Service “Custom…”, then Server and Stream Key as above. ',
      'Set Settings → Output → Keyframe Interval to 2 s.'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'btn primary', dataset: { testid: 'key-done' }, onclick: () => close() },
        'Done — I have saved the key')),
  ], { label: 'Stream key' });
}
