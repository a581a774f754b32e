// A 16:9 screen: the live video, or a slate saying why there is none.
// show(url) plays url (again after a failure, at most every RETRY_MS);
// show(null) stops and shows the offline slate.
import { h, setText } from './dom.js';
import { LivePlayer } from './player.js';

const RETRY_MS = 3000;

export function liveScreen({ label = 'Live video', offline = 'Offline' } = {}) {
  const video = h('video', { muted: true, autoplay: true, playsinline: true, controls: true, 'aria-label': label });
  video.muted = true;  // the attribute alone does not mute: autoplay needs it
  const heading = h('strong', {}, offline);
  const detail = h('span', { class: 'muted' });
  const slate = h('div', { class: 'slate', role: 'status' }, h('div', {}, heading, detail));
  const el = h('div', { class: 'screen' }, video, slate);
  let state = 'offline';
  let retryAt = 0;
  let wanted = null;

  const setSlate = (title, text = '') => {
    slate.hidden = false;
    setText(heading, title);
    setText(detail, text);
  };
  const player = new LivePlayer(video, {
    onState: (s, why) => {
      state = s;
      el.dataset.state = s;
      if (s === 'playing') slate.hidden = true;
      else if (s === 'loading') setSlate('Connecting…');
      else if (s === 'ended') { retryAt = Date.now() + RETRY_MS; setSlate('Broadcast ended'); }
      else if (s === 'error') { retryAt = Date.now() + RETRY_MS; setSlate('Stream unavailable', `Retrying… (${why})`); }
    },
  });

  const show = url => {
    wanted = url;
    if (!url) {
      if (player.active || state !== 'offline') player.stop();
      state = 'offline';
      el.dataset.state = 'offline';
      setSlate(offline);
      return;
    }
    if (!player.active && Date.now() >= retryAt) player.play(url);
  };
  // A live stream that failed is retried without waiting for the caller's next poll.
  const timer = setInterval(() => { if (wanted && !player.active && Date.now() >= retryAt) player.play(wanted); }, 1000);
  el.dataset.state = 'offline';
  return { el, video, show, destroy: () => { clearInterval(timer); player.stop(); } };
}
