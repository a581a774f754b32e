// A channel's recordings (GET /api/v1/channels/{name}/recordings): what the
// origins recorded, with a player for the VOD playlist, the MP4 download and
// delete (DELETE /api/v1/recordings/{id}: the origin removes the files).
import { h, setText, toast } from '/assets/dom.js';
import * as fmt from '/assets/format.js';
import { LivePlayer } from '/assets/player.js';
import { api } from './api.js';
import { confirmDialog } from './dialogs.js';

const STATES = { recording: 'Recording', complete: 'Complete', failed: 'Failed', deleting: 'Deleting…', deleted: 'Deleted' };

// A URL the origin gave, if it is one the dashboard may link to: a path on
// this host or http(s) (never javascript: or data:).
function safeUrl(u) {
  if (typeof u !== 'string' || !u) return null;
  if (u.startsWith('/') && !u.startsWith('//')) return u;
  return u.startsWith('http://') || u.startsWith('https://') ? u : null;
}

function retentionText(r) {
  if (!r) return '';
  const parts = [];
  if (r.max_age_s > 0) parts.push(`for ${fmt.days(r.max_age_s)}`);
  if (r.max_bytes_per_channel > 0) parts.push(`up to ${fmt.bytes(r.max_bytes_per_channel)} per channel`);
  return parts.length ? `Recordings are kept ${parts.join(', ')}.` : 'Recordings are kept until deleted.';
}

export function recordingsPanel(name) {
  const tbody = h('tbody');
  const note = h('p', { class: 'empty' }, 'Loading…');
  const retention = h('p', { class: 'hint', dataset: { testid: 'retention' } });
  const video = h('video', { controls: true, playsinline: true, 'aria-label': `Recording of ${name}` });
  const playing = h('p', { class: 'hint' });
  const close = h('button', { type: 'button', class: 'btn small', onclick: () => stopPlayer() }, 'Close player');
  const playerBox = h('div', { class: 'recording-player', hidden: true, dataset: { testid: 'recording-player' } },
    h('div', { class: 'screen' }, video), h('div', { class: 'panel-head' }, playing, close));
  const player = new LivePlayer(video, {
    onState: (s, why) => {
      playerBox.dataset.state = s;
      if (s === 'error') setText(playing, `Cannot play the recording (${why}).`);
      else if (s === 'ended') setText(playing, 'Played to the end.');
    },
  });
  let current = null;
  const stopPlayer = () => { player.stop(); current = null; playerBox.hidden = true; };
  const play = r => {
    const url = safeUrl(r.vod_url);
    if (!url) return;
    current = r.id;
    playerBox.hidden = false;
    playerBox.dataset.recording = r.id;
    setText(playing, `Recording of ${fmt.dateTime(r.started_at)} (${fmt.duration(r.duration_ms)})`);
    player.play(url);
    video.scrollIntoView({ block: 'nearest' });
  };

  const el = h('section', { class: 'panel', 'aria-labelledby': 'recordings-h' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'recordings-h' }, 'Recordings')),
    playerBox,
    h('div', { class: 'table-wrap' },
      h('table', { dataset: { testid: 'recordings' } },
        h('caption', { class: 'visually-hidden' }, 'Recordings, newest first'),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Started'), h('th', { scope: 'col', class: 'num' }, 'Duration'),
          h('th', { scope: 'col', class: 'num' }, 'Size'), h('th', { scope: 'col' }, 'State'),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        tbody)),
    note, retention);

  let refresh;
  const remove = async r => {
    if (!await confirmDialog({ title: 'Delete this recording?', action: 'Delete recording', danger: true,
      message: `The recording of ${fmt.dateTime(r.started_at)} (${fmt.duration(r.duration_ms)}) is deleted from the origin: its playlist and download stop working.` })) return;
    try {
      await api.deleteRecording(r.id);
      if (current === r.id) stopPlayer();
      toast('Recording deleted');
    } catch (e) { if (e.status !== 401) toast(e.message); }
    refresh();
  };

  const row = r => {
    const vod = safeUrl(r.vod_url);
    const mp4 = safeUrl(r.mp4_url);
    const gone = r.state === 'deleting' || r.state === 'deleted';
    const actions = h('td', { class: 'row-actions' },
      h('button', { type: 'button', class: 'btn small', dataset: { testid: 'play-recording' }, disabled: !vod || gone,
                    onclick: () => play(r) }, 'Play'),
      mp4 && !gone ? h('a', { class: 'btn small', href: mp4, download: '', dataset: { testid: 'download-recording' } }, 'Download') : null,
      h('button', { type: 'button', class: 'btn small danger', dataset: { testid: 'delete-recording' }, disabled: gone,
                    onclick: () => remove(r) }, 'Delete'));
    return h('tr', { dataset: { recording: r.id, state: r.state } },
      h('td', {}, fmt.dateTime(r.started_at)),
      h('td', { class: 'num' }, fmt.duration(r.duration_ms)),
      h('td', { class: 'num' }, fmt.bytes(r.bytes)),
      h('td', { title: r.error || '' }, r.state === 'recording'
        ? h('span', { class: 'badge', dataset: { state: 'live' } }, 'Recording')
        : (STATES[r.state] || r.state), r.error ? h('span', { class: 'muted' }, ` (${r.error})`) : null),
      actions);
  };

  let last = '';
  const render = data => {
    const list = data.recordings;
    // Rebuilt only when something changed: a button being clicked stays put.
    const key = JSON.stringify(list);
    if (key !== last) { last = key; tbody.replaceChildren(...list.map(row)); }
    note.hidden = list.length > 0;
    setText(note, 'No recordings.');
    setText(retention, retentionText(data.retention));
  };

  refresh = async () => {
    try {
      render(await api.recordings(name));
    } catch (e) {
      if (e.status === 401) return;
      note.hidden = false;
      setText(note, `Cannot load the recordings: ${e.message}`);
    }
  };
  return { el, refresh, destroy: () => player.stop() };
}
