// One channel: live stats, an embedded player, actions, settings, history.
import { h, setText, badge, setBadge, poll, toast, copyField } from '/assets/dom.js';
import * as fmt from '/assets/format.js';
import { liveScreen } from '/assets/screen.js';
import { api } from './api.js';
import { channelState } from './channels.js';
import { confirmDialog, streamKeyDialog } from './dialogs.js';
import { historyPanel } from './history.js';
import { recordingsPanel } from './recordings.js';

const POLL_MS = 2000;
// Recordings change every ~10 s while one is being made.
const RECORDINGS_EVERY = 5;  // polls
// The segment target is 2 s; a keyframe interval past it (plus a frame of
// slack) makes every segment that long.
const GOP_WARN_MS = 2100;

const STATS = [
  ['video', 'Video bitrate', s => fmt.kbps(s.video_kbps)],
  ['audio_kbps', 'Audio bitrate', s => fmt.kbps(s.audio_kbps)],
  ['fps', 'Frame rate', s => fmt.fps(s.fps)],
  ['resolution', 'Resolution', s => fmt.resolution(s.width, s.height)],
  ['video_codec', 'Video codec', s => fmt.codec(s.video_codec)],
  ['audio_codec', 'Audio', s => fmt.audio(s)],
  ['gop', 'Keyframe interval', s => (s.gop_ms > 0 ? `${(s.gop_ms / 1000).toFixed(2)} s` : '–')],
  ['uptime', 'Uptime', (s, b) => fmt.duration(s.uptime_ms || b.duration_ms)],
  ['viewers', 'Viewers', s => fmt.count(s.viewers)],
  // HLS viewers as the edges report them (edge.stats, every 5 s), and how many edges serve them.
  ['hls_viewers', 'HLS viewers', s => (s.hls_viewers === undefined ? '–'
    : `${fmt.count(s.hls_viewers)} on ${fmt.count(s.edges || 0)} edge${s.edges === 1 ? '' : 's'}`)],
  ['hls_kbps', 'HLS egress', s => (s.hls_kbps === undefined ? '–' : fmt.kbps(s.hls_kbps))],
];

function statsPanel() {
  const dds = new Map(STATS.map(([key]) => [key, h('dd', { dataset: { stat: key } }, '–')]));
  const gopWarn = h('p', { class: 'notice warn', role: 'status', hidden: true, dataset: { testid: 'gop-warning' } },
    'Keyframe interval longer than the segment target: set OBS Keyframe Interval to 2 s.');
  const source = h('p', { class: 'hint' });
  const el = h('section', { class: 'panel', 'aria-labelledby': 'stats-h' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'stats-h' }, 'Live stats')), gopWarn,
    h('dl', { class: 'stats' }, STATS.map(([key, label]) => h('div', {}, h('dt', {}, label), dds.get(key)))),
    source);
  const update = b => {
    const s = (b && b.stats) || {};
    for (const [key, , show] of STATS) setText(dds.get(key), b ? show(s, b) : '–');
    gopWarn.hidden = !(b && s.gop_ms > GOP_WARN_MS);
    setText(source, b ? `From ${b.client_ip || 'unknown'} on ${b.node || 'this node'}, since ${fmt.dateTime(b.started_at)}` : 'Not live.');
  };
  return { el, update };
}

function settingsPanel(c, onSave) {
  const title = h('input', { type: 'text', id: 'edit-title', maxlength: 200, value: c.title, autocomplete: 'off' });
  const form = h('form', { class: 'field' }, h('label', { for: 'edit-title' }, 'Title'),
    h('div', { class: 'copy-row' }, title, h('button', { type: 'submit', class: 'btn small' }, 'Save')));
  form.addEventListener('submit', ev => { ev.preventDefault(); onSave(title.value.trim()); });
  const dates = h('p', { class: 'hint' });
  const el = h('section', { class: 'panel', 'aria-labelledby': 'settings-h' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'settings-h' }, 'Settings')),
    h('div', { class: 'fields' }, form,
      copyField('Server (OBS)', c.rtmp_url),
      copyField('Playback URL (HLS)', c.playback_url),
      copyField('Player page', c.player_url),
      h('p', { class: 'hint' }, 'The stream key is not shown again: rotate it to get a new one.'), dates));
  const update = ch => setText(dates, `Created ${fmt.dateTime(ch.created_at)} · key set ${fmt.dateTime(ch.key_rotated_at)}`);
  return { el, update };
}

export function channelView(name, { navigate }) {
  let c = null;
  let lastBroadcast;
  const root = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const history = historyPanel(name);
  const recordings = recordingsPanel(name);
  let polls = 0;
  const stats = statsPanel();
  const screen = liveScreen({ label: `Preview of ${name}` });
  screen.el.dataset.testid = 'preview';
  const preview = h('section', { class: 'panel', 'aria-labelledby': 'preview-h' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'preview-h' }, 'Preview')), screen.el);
  const pill = badge('offline');
  const titleEl = h('p', { class: 'title' });
  const act = async (fn, done) => {
    try { await fn(); if (done) toast(done); } catch (e) { if (e.status !== 401) toast(e.message); }
    refresh();
  };
  const buttons = {
    kick: h('button', { type: 'button', class: 'btn', dataset: { testid: 'kick' }, onclick: async () => {
      if (await confirmDialog({ title: 'Kick the publisher?', action: 'Kick',
        message: 'The live broadcast ends now (reason: kicked). The encoder may reconnect with the same key.' }))
        act(() => api.kick(name), 'Publisher kicked');
    } }, 'Kick publisher'),
    rotate: h('button', { type: 'button', class: 'btn', dataset: { testid: 'rotate' }, onclick: async () => {
      if (!await confirmDialog({ title: 'Rotate the stream key?', action: 'Rotate key',
        message: 'A new key is made and the current one stops working at once for new publishes.' })) return;
      act(async () => streamKeyDialog(await api.rotateKey(name), { rotated: true }));
    } }, 'Rotate key'),
    enable: h('button', { type: 'button', class: 'btn', dataset: { testid: 'toggle-enabled' }, onclick: async () => {
      const enabled = !c.enabled;
      if (!enabled && !await confirmDialog({ title: 'Disable the channel?', action: 'Disable',
        message: 'Publishing is refused while it is disabled; a live publisher is kicked.' })) return;
      act(() => api.update(name, { enabled }), enabled ? 'Channel enabled' : 'Channel disabled');
    } }, 'Disable'),
    remove: h('button', { type: 'button', class: 'btn danger', dataset: { testid: 'delete' }, onclick: async () => {
      if (!await confirmDialog({ title: `Delete “${name}”?`, action: 'Delete channel', danger: true,
        message: 'The channel, its broadcast history and its webhooks are deleted; a live publisher is kicked.' })) return;
      try { await api.remove(name); toast(`Channel ${name} deleted`); navigate('#/'); } catch (e) { toast(e.message); }
    } }, 'Delete'),
  };

  const build = () => {
    const settings = settingsPanel(c, title => act(() => api.update(name, { title }), 'Title saved'));
    root.replaceChildren(
      h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/' }, 'Channels'), ' / ', name),
      h('div', { class: 'detail-head' },
        h('div', { class: 'who' }, h('h1', {}, h('span', { class: 'mono' }, name), pill), titleEl),
        h('div', { class: 'actions' }, buttons.kick, buttons.rotate, buttons.enable, buttons.remove)),
      h('div', { class: 'grid' }, preview, stats.el), recordings.el, settings.el, history.el);
    return settings;
  };
  let settings = null;

  const render = () => {
    settings = settings || build();
    settings.update(c);
    setBadge(pill, channelState(c));
    window.dispatchEvent(new CustomEvent('onair:live', { detail: c.live ? 1 : 0 }));
    setText(titleEl, c.title || 'Untitled');
    buttons.kick.disabled = !c.live;
    setText(buttons.enable, c.enabled ? 'Disable' : 'Enable');
    stats.update(c.live ? c.broadcast : null);
    screen.show(c.live ? c.playback_url : null);
    const b = c.broadcast ? `${c.broadcast.id}:${c.live}` : '';
    if (b !== lastBroadcast) { lastBroadcast = b; history.refresh(); recordings.refresh(); polls = 0; }
    else if (++polls % RECORDINGS_EVERY === 0) recordings.refresh();
  };

  const refresh = async () => {
    try {
      c = await api.channel(name);
    } catch (e) {
      if (e.status === 404) { toast(`No channel named ${name}`); navigate('#/'); }
      else if (e.status !== 401 && !c) root.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, e.message));
      return;
    }
    render();
  };
  const stop = poll(refresh, POLL_MS);
  return { el: root, title: name, destroy: () => { stop(); screen.destroy(); recordings.destroy(); } };
}
