// The channel list: live/offline badges kept current by polling.
import { h, setText, badge, setBadge, poll } from '/assets/dom.js';
import * as fmt from '/assets/format.js';
import { api } from './api.js';
import { createChannelDialog, streamKeyDialog } from './dialogs.js';

const POLL_MS = 2000;

export function channelState(c) { return c.live ? 'live' : c.enabled ? 'offline' : 'disabled'; }

// One row per channel, kept and updated in place across polls.
function makeRow(c) {
  const cells = {
    badge: badge(channelState(c)),
    link: h('a', { href: `#/channels/${encodeURIComponent(c.name)}` }, c.name),
    title: h('td'),
    viewers: h('td', { class: 'num' }),
    uptime: h('td', { class: 'num' }),
    video: h('td'),
  };
  const tr = h('tr', { dataset: { channel: c.name } },
    h('td', {}, cells.badge), h('td', { class: 'mono' }, cells.link), cells.title, cells.viewers, cells.uptime, cells.video);
  return { tr, cells };
}

function updateRow({ cells: x }, c) {
  const s = c.broadcast && c.broadcast.stats;
  setBadge(x.badge, channelState(c));
  setText(x.title, c.title);
  setText(x.viewers, c.live && s ? fmt.count(s.viewers) : '–');
  setText(x.uptime, c.live && c.broadcast ? fmt.duration(c.broadcast.duration_ms) : '–');
  setText(x.video, c.live && s ? `${fmt.resolution(s.width, s.height)} · ${fmt.kbps(s.video_kbps)}` : '–');
}

export function channelsView() {
  const tbody = h('tbody');
  const empty = h('p', { class: 'empty', hidden: true },
    'No channels yet. Create one, then point OBS (or ffmpeg) at the server and stream key it shows.');
  const error = h('p', { class: 'notice error', role: 'alert', hidden: true });
  const summary = h('span', { class: 'muted', 'aria-live': 'polite' });
  const rows = new Map();

  const refresh = async () => {
    let list;
    try {
      list = await api.channels();
    } catch (e) {
      if (e.status === 401) return;
      error.textContent = `Cannot load the channels: ${e.message}`;
      error.hidden = false;
      return;
    }
    error.hidden = true;
    list.sort((a, b) => (b.live - a.live) || a.name.localeCompare(b.name));
    const seen = new Set();
    list.forEach((c, i) => {
      seen.add(c.name);
      let row = rows.get(c.name);
      if (!row) { row = makeRow(c); rows.set(c.name, row); }
      updateRow(row, c);
      if (tbody.children[i] !== row.tr) tbody.insertBefore(row.tr, tbody.children[i] || null);
    });
    for (const [name, row] of rows) if (!seen.has(name)) { row.tr.remove(); rows.delete(name); }
    empty.hidden = list.length > 0;
    const live = list.filter(c => c.live).length;
    setText(summary, `${list.length} channel${list.length === 1 ? '' : 's'}, ${live} live`);
    window.dispatchEvent(new CustomEvent('onair:live', { detail: live }));
  };

  const create = async () => {
    const created = await createChannelDialog();
    if (!created) return;
    refresh();
    await streamKeyDialog(created);
  };

  const el = h('section', { class: 'panel', 'aria-labelledby': 'channels-h' },
    h('div', { class: 'panel-head' },
      h('h1', { id: 'channels-h' }, 'Channels'), summary, h('span', { class: 'spacer' }),
      h('button', { type: 'button', class: 'btn primary', onclick: create, dataset: { testid: 'new-channel' } },
        'New channel')),
    error,
    h('div', { class: 'table-wrap' },
      h('table', {},
        h('caption', { class: 'visually-hidden' }, 'Channels, live first'),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Channel'), h('th', { scope: 'col' }, 'Title'),
          h('th', { scope: 'col', class: 'num' }, 'Viewers'), h('th', { scope: 'col', class: 'num' }, 'Uptime'),
          h('th', { scope: 'col' }, 'Video'))),
        tbody)),
    empty);

  const stop = poll(refresh, POLL_MS);
  return { el, title: 'Channels', destroy: stop };
}
