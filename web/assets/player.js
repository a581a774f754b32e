// Plays a live HLS URL in a <video>: natively where the browser plays HLS
// (Safari, iOS), else with hls.js (/assets/hls.min.js, loaded on first use).
// A fatal error or the end of the stream stops playback and reports it;
// the caller decides when to try again.

let hlsLoading = null;
function loadHls() {
  if (window.Hls) return Promise.resolve(window.Hls);
  if (!hlsLoading) {
    hlsLoading = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/assets/hls.min.js';
      s.onload = () => (window.Hls ? resolve(window.Hls) : reject(new Error('hls.js did not load')));
      s.onerror = () => { hlsLoading = null; reject(new Error('cannot load hls.js')); };
      document.head.append(s);
    });
  }
  return hlsLoading;
}

export function nativeHls(video) {
  return video.canPlayType('application/vnd.apple.mpegurl') !== '';
}

// new LivePlayer(video, { onState(state, detail) }) with states
// 'loading', 'playing', 'ended' (stream over) and 'error'.
export class LivePlayer {
  constructor(video, { onState = () => {} } = {}) {
    this.video = video;
    this.onState = onState;
    this.hls = null;
    this.url = null;
    this.cleanups = [];
    this.recovered = false;  // one recoverMediaError() per play()
  }

  get active() { return this.url !== null; }

  async play(url) {
    if (this.url === url) return;
    this.stop();
    this.url = url;
    const v = this.video;
    this.#listen(v, 'playing', () => this.onState('playing'));
    this.#listen(v, 'ended', () => this.#end('ended'));
    this.onState('loading');
    if (nativeHls(v)) {
      this.#listen(v, 'error', () => this.#end('error', 'the video element failed'));
      v.src = url;
      v.play().catch(() => {});
      return;
    }
    let Hls;
    try {
      Hls = await loadHls();
    } catch (e) {
      this.#end('error', e.message);
      return;
    }
    if (this.url !== url) return;  // stopped meanwhile
    if (!Hls.isSupported()) {
      this.#end('error', 'this browser cannot play HLS (no Media Source Extensions)');
      return;
    }
    const hls = this.hls = new Hls({ enableWorker: true, lowLatencyMode: false, liveDurationInfinity: true });
    hls.on(Hls.Events.MANIFEST_PARSED, () => v.play().catch(() => {}));
    hls.on(Hls.Events.ERROR, (_e, d) => {
      if (!d.fatal) return;
      if (d.type === Hls.ErrorTypes.MEDIA_ERROR && !this.recovered) {
        this.recovered = true;
        hls.recoverMediaError();
        return;
      }
      this.#end('error', `${d.type}: ${d.details}`);
    });
    hls.attachMedia(v);
    hls.loadSource(url);
  }

  stop() {
    for (const c of this.cleanups.splice(0)) c();
    if (this.hls) { this.hls.destroy(); this.hls = null; }
    this.recovered = false;
    this.url = null;
    const v = this.video;
    if (v.getAttribute('src')) { v.removeAttribute('src'); v.load(); }
  }

  #listen(target, type, fn) {
    target.addEventListener(type, fn);
    this.cleanups.push(() => target.removeEventListener(type, fn));
  }

  #end(state, detail) {
    this.stop();
    this.onState(state, detail);
  }
}
