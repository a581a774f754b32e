// The public player page, /watch/<channel>: no token. Polls the channel's
// public record and plays it while it is live; offline, it shows a slate
// and keeps checking.
import { setText, setBadge } from '/assets/dom.js';
import { dateTime } from '/assets/format.js';
import { liveScreen } from '/assets/screen.js';

const OFFLINE_POLL_MS = 3000;
const LIVE_POLL_MS = 5000;

const name = decodeURIComponent(location.pathname.replace(/^\/watch\/?/, '').replace(/\/$/, ''));
const titleEl = document.getElementById('title');
const badgeEl = document.getElementById('badge');
const metaEl = document.getElementById('meta');
const lamp = document.querySelector('.lamp');
const screen = liveScreen({ label: `Live video of ${name}`, offline: 'Offline' });
screen.el.dataset.testid = 'player';
document.getElementById('screen').replaceWith(screen.el);

let live = false;

async function check() {
  let res;
  try {
    res = await fetch(`/api/v1/public/channels/${encodeURIComponent(name)}`, { cache: 'no-store', credentials: 'omit' });
  } catch {
    setText(metaEl, 'Cannot reach the server; retrying…');
    return;
  }
  if (res.status === 404) {
    live = false;
    setText(titleEl, 'No such channel');
    document.title = 'No such channel · onair';
    setText(metaEl, `There is no channel named “${name}”.`);
    screen.show(null);
    return;
  }
  if (!res.ok) { setText(metaEl, `The server answered ${res.status}; retrying…`); return; }
  const c = await res.json();
  live = !!c.live;
  setText(titleEl, c.title || c.name);
  document.title = `${c.title || c.name}${live ? ' (live)' : ''} · onair`;
  setBadge(badgeEl, live ? 'live' : 'offline');
  lamp.classList.toggle('on', live);
  setText(metaEl, live ? (c.started_at ? `Live since ${dateTime(c.started_at)}` : 'Live')
                       : 'Offline. This page starts playing when the broadcast begins.');
  screen.show(live ? c.playback_url : null);
}

if (!name || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name)) {
  setText(titleEl, 'No channel');
  setText(metaEl, 'The address should be /watch/<channel>.');
} else {
  // Live: checked less often, to notice the end (the stream's own end also stops the player).
  const loop = async () => {
    try { await check(); } catch { setText(metaEl, 'Unexpected answer from the server; retrying…'); }
    setTimeout(loop, live ? LIVE_POLL_MS : OFFLINE_POLL_MS);
  };
  loop();
}
