// A channel's broadcast history (GET /api/v1/channels/{name}/broadcasts).
import { h, setText } from '/assets/dom.js';
import * as fmt from '/assets/format.js';
import { api } from './api.js';

export function historyPanel(name) {
  const tbody = h('tbody');
  const note = h('p', { class: 'empty' }, 'Loading…');
  const el = h('section', { class: 'panel', 'aria-labelledby': 'history-h' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'history-h' }, 'Broadcast history')),
    h('div', { class: 'table-wrap' },
      h('table', { dataset: { testid: 'history' } },
        h('caption', { class: 'visually-hidden' }, 'Broadcasts, newest first'),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Started'), h('th', { scope: 'col' }, 'Ended'),
          h('th', { scope: 'col', class: 'num' }, 'Duration'), h('th', { scope: 'col' }, 'End reason'),
          h('th', { scope: 'col' }, 'Client'), h('th', { scope: 'col' }, 'Node'))),
        tbody)),
    note);

  const render = list => {
    tbody.replaceChildren(...list.map(b => h('tr', { dataset: { broadcast: b.id, live: String(b.live) } },
      h('td', {}, fmt.dateTime(b.started_at)),
      h('td', {}, b.live ? h('span', { class: 'badge', dataset: { state: 'live' } }, 'Live') : fmt.dateTime(b.ended_at)),
      h('td', { class: 'num' }, fmt.duration(b.duration_ms)),
      h('td', { dataset: { reason: b.end_reason || '' } }, b.live ? '–' : fmt.endReason(b.end_reason)),
      h('td', { class: 'mono' }, b.client_ip || '–'),
      h('td', {}, b.node || '–'))));
    note.hidden = list.length > 0;
    setText(note, 'No broadcasts yet.');
  };

  const refresh = async () => {
    try {
      render(await api.broadcasts(name));
    } catch (e) {
      if (e.status === 401) return;
      note.hidden = false;
      setText(note, `Cannot load the history: ${e.message}`);
    }
  };
  return { el, refresh };
}
