#!/usr/bin/env node
// Plays an HLS URL with hls.js in headless Chromium (Debian's /usr/bin/chromium
// through playwright-core; no browser download) and measures what a viewer sees.
//
//   node tests/browser/play_hls.mjs --url http://127.0.0.1:8080/live/ch/index.m3u8 \
//        --seconds 20 [--min-advance 0.9] [--switch-level] [--seek S] [--startup-timeout 30]
//
// --seek S: half-way through, the viewer seeks to S seconds (a VOD
// playlist); playback must resume at S within 10 s, and the advance is
// counted before and after the jump.
//
// --latency: glass-to-glass latency of the clocked source
// (tests/support/clocked_source.sh: each frame carries the wall-clock ms it
// was made in a band of 32 blocks at the top). At most every 90 ms, in
// requestVideoFrameCallback (the frame was just handed to the compositor),
// the band is drawn to a canvas and read; latency = Date.now() - that
// instant. Reported after --latency-warmup S (default 2) from the first
// frame: median, p95, min, max, samples, bands rejected (a misread or a
// frame that is not from the clocked source), and hls.js's own estimate
// (hls.latency, hls.targetLatency, sampled with the advance). The player
// and the source must share a clock (the same machine, or NTP).
// --low-latency: hls.js lowLatencyMode (LL-HLS parts and blocking reload
// when the playlist has them; off otherwise, as before).
// --live-sync-count N: hls.js liveSyncDurationCount (segments behind the
// live edge to start at; hls.js's default is 3).
// --max-live-sync-rate R: hls.js maxLiveSyncPlaybackRate (up to R x speed
// to catch up with the target latency; hls.js's default 1 never catches up
// once behind, e.g. after the start-up).
//
// A tiny HTTP server on 127.0.0.1 (ephemeral port) serves the page and hls.js
// from node_modules; the HLS itself comes from --url (another origin: the HLS
// server must send Access-Control-Allow-Origin). Measured: time to first frame,
// currentTime advance against wall time over --seconds after the first frame,
// stalls ('waiting' events, bufferStalledError; and from the samples,
// stall_episodes and longest_stall_s), hls.js errors (fatal or not),
// levels seen and switched. Prints one JSON line; exits 1 if the first frame
// never came, a fatal error occurred, or the advance ratio is below
// --min-advance; 2 on bad usage or when the browser cannot be started.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { DEFAULT_CHROMIUM, launchChromium, requirePlaywright } from './chromium.mjs';

const require = createRequire(import.meta.url);

function usage(msg) {
  if (msg) process.stderr.write(`play_hls: ${msg}\n`);
  process.stderr.write('usage: play_hls.mjs --url URL --seconds N [--min-advance 0.9] [--switch-level] ' +
                       '[--startup-timeout S] [--latency [--latency-warmup S] [--min-latency-samples N]] [--low-latency] ' +
                       '[--live-sync-count N] [--max-live-sync-rate R] [--chromium PATH] [--verbose]\n');
  process.exit(2);
}

const opts = { url: '', seconds: 20, minAdvance: 0.9, switchLevel: false, seek: null, startupTimeout: 30,
               chromium: DEFAULT_CHROMIUM, verbose: false, latency: false, latencyWarmup: 2, minLatencySamples: 1,
               lowLatency: false, liveSyncCount: null, maxLiveSyncRate: null };
{
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    const need = () => { if (i + 1 >= a.length) usage(`${a[i]} needs a value`); return a[++i]; };
    switch (a[i]) {
      case '--url': opts.url = need(); break;
      case '--seconds': opts.seconds = Number(need()); break;
      case '--min-advance': opts.minAdvance = Number(need()); break;
      case '--switch-level': opts.switchLevel = true; break;
      case '--seek': opts.seek = Number(need()); break;
      case '--startup-timeout': opts.startupTimeout = Number(need()); break;
      case '--chromium': opts.chromium = need(); break;
      case '--verbose': opts.verbose = true; break;
      case '--latency': opts.latency = true; break;
      case '--latency-warmup': opts.latencyWarmup = Number(need()); break;
      case '--min-latency-samples': opts.minLatencySamples = Number(need()); break;
      case '--low-latency': opts.lowLatency = true; break;
      case '--live-sync-count': opts.liveSyncCount = Number(need()); break;
      case '--max-live-sync-rate': opts.maxLiveSyncRate = Number(need()); break;
      case '-h': case '--help': usage(); break;
      default: usage(`unknown option ${a[i]}`);
    }
  }
  if (!/^https?:\/\//.test(opts.url)) usage('--url must be an http(s) URL');
  if (!(opts.seconds > 0) || !(opts.startupTimeout > 0) || !(opts.minAdvance >= 0) || !(opts.latencyWarmup >= 0) ||
      !(opts.minLatencySamples >= 0) || (opts.liveSyncCount !== null && !(opts.liveSyncCount > 0)) ||
      (opts.maxLiveSyncRate !== null && !(opts.maxLiveSyncRate >= 1 && opts.maxLiveSyncRate <= 2))) usage('bad number');
}
const log = (...m) => { if (opts.verbose) process.stderr.write(`play_hls: ${m.join(' ')}\n`); };

const chromium = requirePlaywright('play_hls');
const hlsJsPath = path.join(path.dirname(require.resolve('hls.js/package.json')), 'dist', 'hls.min.js');
const hlsVersion = JSON.parse(fs.readFileSync(require.resolve('hls.js/package.json'), 'utf8')).version;

// The page: everything measured in the browser, read back with page.evaluate.
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>onair play_hls</title></head>
<body><video id="v" muted playsinline autoplay width="640" height="360"></video>
<script src="/hls.js"></script>
<script>
const R = window.R = { t0: performance.now(), events: [], errors: [], fatal: null, levels: [], levelSwitched: [],
  firstFrameMs: null, waiting: 0, waitingAfterStart: 0, stalledErrors: 0, playing: false, supported: false,
  fragsLoaded: 0, lastFrag: null, mse: null };
const v = document.getElementById('v');
const Q = new URLSearchParams(location.search);
// The clocked source's band (tests/support/clocked_source.sh): 32 blocks,
// bits 0-23 the wall-clock ms mod 2^24, bits 24-31 a check byte.
R.lat = []; R.latRejected = 0; R.latRead = 0;
const WRAP = 16777216;
function bandLayout(w) { const cols = w >= 640 ? 32 : 16; return { cols, rows: 32 / cols, bw: Math.floor(w / cols), bh: Math.floor(3 * w / (4 * cols)) }; }
function readBand(px, w, L) {
  let word = 0;
  for (let i = 0; i < 32; i++) {
    const bx = (i % L.cols) * L.bw, by = Math.floor(i / L.cols) * L.bh;
    const x0 = bx + (L.bw >> 2), x1 = bx + L.bw - (L.bw >> 2), y0 = by + (L.bh >> 2), y1 = by + L.bh - (L.bh >> 2);
    let sum = 0;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) { const o = (y * w + x) * 4; sum += px[o] + px[o + 1] + px[o + 2]; }
    const mean = sum / (3 * (x1 - x0) * (y1 - y0));
    if (mean > 80 && mean < 170) return null;  // neither black nor white: a misread
    if (mean >= 170) word += 2 ** i;
  }
  const val = word % WRAP, chk = Math.floor(word / WRAP);
  return chk === (((val & 255) + 3 * ((val >> 8) & 255) + 7 * ((val >> 16) & 255) + 165) & 255) ? val : null;
}
if (Q.get('latency') === '1' && v.requestVideoFrameCallback) {
  const canvas = document.createElement('canvas');
  let ctx = null, lastAt = -1e9;
  const onFrame = () => {
    const t = performance.now();
    if (t - lastAt >= 90 && v.videoWidth > 0) {
      lastAt = t;
      const w = v.videoWidth, L = bandLayout(w), h = Math.min(v.videoHeight, L.rows * L.bh);
      if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; ctx = canvas.getContext('2d', { willReadFrequently: true }); }
      ctx.drawImage(v, 0, 0, w, h, 0, 0, w, h);
      const stamp = h === L.rows * L.bh ? readBand(ctx.getImageData(0, 0, w, h).data, w, L) : null;
      const wall = Date.now();
      R.latRead++;
      if (stamp === null) R.latRejected++;
      else if (R.lat.length < 100000) { const d = ((wall - stamp) % WRAP + WRAP) % WRAP; R.lat.push([t, d >= WRAP / 2 ? d - WRAP : d]); }
    }
    v.requestVideoFrameCallback(onFrame);
  };
  v.requestVideoFrameCallback(onFrame);
}
function note(s) { R.events.push(Math.round(performance.now() - R.t0) + ' ' + s); if (R.events.length > 200) R.events.shift(); }
R.mse = typeof MediaSource !== 'undefined' &&
        MediaSource.isTypeSupported('video/mp4; codecs="avc1.64001f,mp4a.40.2"');
R.supported = Hls.isSupported();
function firstFrame() {
  if (R.firstFrameMs === null) { R.firstFrameMs = performance.now() - R.t0; note('first frame ct=' + v.currentTime.toFixed(3)); }
}
if (v.requestVideoFrameCallback) v.requestVideoFrameCallback(() => firstFrame());
v.addEventListener('playing', () => { R.playing = true; note('playing'); });
v.addEventListener('seeked', () => { R.seekedAt = performance.now(); R.seekedCt = v.currentTime; note('seeked ct=' + v.currentTime.toFixed(3)); });
v.addEventListener('waiting', () => { R.waiting++; if (R.firstFrameMs !== null) R.waitingAfterStart++; note('waiting'); });
v.addEventListener('timeupdate', () => { if (v.currentTime > 0 && !v.paused && !v.requestVideoFrameCallback) firstFrame(); });
v.addEventListener('error', () => { R.fatal = R.fatal || { type: 'media', details: 'video element error ' + (v.error && v.error.code) + ' ' + (v.error && v.error.message) }; });
if (!R.supported) {
  R.fatal = { type: 'setup', details: 'Hls.isSupported() is false (no MSE / H.264 in this browser)' };
} else {
  const config = { lowLatencyMode: Q.get('ll') === '1', enableWorker: true, debug: false };
  if (Q.get('lsc')) config.liveSyncDurationCount = Number(Q.get('lsc'));
  if (Q.get('mlsr')) config.maxLiveSyncPlaybackRate = Number(Q.get('mlsr'));
  const hls = window.hls = new Hls(config);
  hls.on(Hls.Events.MANIFEST_PARSED, (e, d) => {
    note('manifest parsed levels=' + d.levels.length);
    R.levels = d.levels.map(l => ({ bitrate: l.bitrate, width: l.width, height: l.height, codecs: (l.videoCodec || '') + ',' + (l.audioCodec || ''), url: l.url && l.url[0] || l.uri }));
    v.play().catch(err => note('play() rejected: ' + err));
  });
  hls.on(Hls.Events.LEVEL_SWITCHED, (e, d) => { R.levelSwitched.push(d.level); note('level switched ' + d.level); });
  hls.on(Hls.Events.FRAG_LOADED, (e, d) => { R.fragsLoaded++; R.lastFrag = d.frag.relurl || d.frag.url; });
  hls.on(Hls.Events.ERROR, (e, d) => {
    const item = { type: d.type, details: d.details, fatal: !!d.fatal, url: (d.frag && d.frag.url) || (d.context && d.context.url) || d.url || undefined,
                   code: d.response && d.response.code, reason: d.reason || (d.error && String(d.error)) || undefined,
                   atMs: Math.round(performance.now() - R.t0) };
    if (R.errors.length < 50) R.errors.push(item);
    if (d.details === Hls.ErrorDetails.BUFFER_STALLED_ERROR) R.stalledErrors++;
    if (d.fatal && !R.fatal) R.fatal = item;
    note('error ' + d.type + ' ' + d.details + (d.fatal ? ' FATAL' : ''));
  });
  hls.attachMedia(v);
  hls.loadSource(Q.get('src'));
}
window.sample = () => ({ now: performance.now(), ct: v.currentTime, paused: v.paused, rs: v.readyState,
  buffered: v.buffered.length ? v.buffered.end(v.buffered.length - 1) - v.currentTime : 0,
  level: window.hls ? window.hls.currentLevel : -1, dropped: v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality().droppedVideoFrames : null,
  total: v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality().totalVideoFrames : null,
  w: v.videoWidth, h: v.videoHeight,
  hlsLatency: window.hls && Number.isFinite(window.hls.latency) ? window.hls.latency : null,
  hlsTarget: window.hls && Number.isFinite(window.hls.targetLatency) ? window.hls.targetLatency : null });
</script></body></html>`;

const server = http.createServer((req, res) => {
  const u = new URL(req.url, 'http://x');
  if (u.pathname === '/') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(PAGE);
  } else if (u.pathname === '/hls.js') {
    res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' });
    fs.createReadStream(hlsJsPath).pipe(res);
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found\n');
  }
});
await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
const pagePort = server.address().port;

let userDataDir;
const result = { url: opts.url, hls_js: hlsVersion, ok: false, first_frame_ms: null, seconds: opts.seconds,
                 wall_s: null, advance_s: null, advance_ratio: null, stalls: 0, waiting_events: 0,
                 buffer_stalled_errors: 0, stalled_s: 0, stall_episodes: 0, longest_stall_s: 0, fatal: null, errors: [], levels: [],
                 levels_switched: [], frags_loaded: 0, video: null, dropped_frames: null, latency: null, reason: '' };
let context;
let exitCode = 1;
let terminating = false;
const cleanup = async () => {
  try { if (context) await context.close(); } catch { /* already gone */ }
  server.close();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
};
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, async () => {
    if (terminating) return;
    terminating = true;
    result.reason = result.reason || `killed by ${sig}`;
    process.stdout.write(JSON.stringify(result) + '\n');
    await cleanup();
    process.exit(sig === 'SIGTERM' ? 143 : 130);
  });
}
const hardDeadline = setTimeout(async () => {
  result.reason = result.reason || 'hard deadline exceeded';
  process.stdout.write(JSON.stringify(result) + '\n');
  await cleanup();
  process.exit(1);
}, (opts.startupTimeout + opts.seconds + 60) * 1000);
hardDeadline.unref();

const sleep = ms => new Promise(r => setTimeout(r, ms));
try {
  try {
    ({ context, userDataDir } = await launchChromium(chromium, opts.chromium));
  } catch (e) {
    result.reason = `cannot launch ${opts.chromium}: ${e.message.split('\n')[0]}`;
    process.stdout.write(JSON.stringify(result) + '\n');
    await cleanup();
    process.exit(2);
  }
  const page = context.pages()[0] || await context.newPage();
  page.on('console', m => log('console', m.type(), m.text()));
  page.on('pageerror', e => { log('pageerror', e.message); result.errors.push({ type: 'pageerror', details: e.message }); });
  const query = new URLSearchParams({ src: opts.url, latency: opts.latency ? '1' : '0', ll: opts.lowLatency ? '1' : '0' });
  if (opts.liveSyncCount !== null) query.set('lsc', String(opts.liveSyncCount));
  if (opts.maxLiveSyncRate !== null) query.set('mlsr', String(opts.maxLiveSyncRate));
  await page.goto(`http://127.0.0.1:${pagePort}/?${query}`, { timeout: 30000 });

  // Start-up: wait for the first rendered frame (or a fatal error).
  const startDeadline = Date.now() + opts.startupTimeout * 1000;
  let R;
  for (;;) {
    R = await page.evaluate(() => ({ ff: window.R.firstFrameMs, fatal: window.R.fatal }));
    if (R.ff !== null || R.fatal || Date.now() > startDeadline) break;
    await sleep(50);
  }
  if (R.ff === null) {
    result.reason = R.fatal ? 'fatal error before the first frame' : `no frame within ${opts.startupTimeout} s`;
  } else {
    result.first_frame_ms = Math.round(R.ff);
    // Measure: currentTime advance against wall time, sampled every 250 ms.
    const first = await page.evaluate(() => window.sample());
    let prev = first;
    let last = first;
    let stalledMs = 0;
    // Stall episodes: runs of consecutive samples in which currentTime did
    // not advance; the longest one is what a viewer noticed most.
    let stallRunMs = 0;
    let longestStallMs = 0;
    let stallEpisodes = 0;
    let switched = false;
    let advance = 0;
    let seekAt = null;
    const hlsLatency = [];
    const hlsTarget = [];
    const endAt = first.now + opts.seconds * 1000;
    while (last.now < endAt) {
      await sleep(Math.min(250, Math.max(10, endAt - last.now)));
      last = await page.evaluate(() => window.sample());
      if (last.hlsLatency !== null && last.now - first.now >= opts.latencyWarmup * 1000) hlsLatency.push(last.hlsLatency);
      if (last.hlsTarget !== null) hlsTarget.push(last.hlsTarget);
      const seeking = seekAt !== null && !result.seek.seeked_ms;
      if (seeking) {
        const done = await page.evaluate(() => window.R.seekedAt ? { at: window.R.seekedAt, ct: window.R.seekedCt } : null);
        if (done && last.ct > done.ct) {
          result.seek.seeked_ms = Math.round(done.at - seekAt);
          result.seek.ct_after = +done.ct.toFixed(3);
        } else if (last.now - seekAt > 10000) {
          result.reason = `the seek to ${opts.seek} s did not resume within 10 s`;
          break;
        }
      } else {
        if (last.ct - prev.ct < 0.05 * (last.now - prev.now) / 1000) {
          stalledMs += last.now - prev.now;
          if (stallRunMs === 0) stallEpisodes++;
          stallRunMs += last.now - prev.now;
          longestStallMs = Math.max(longestStallMs, stallRunMs);
        } else {
          stallRunMs = 0;
        }
        advance += last.ct - prev.ct;
      }
      prev = last;
      if (opts.seek !== null && seekAt === null && last.now - first.now >= opts.seconds * 500) {
        seekAt = await page.evaluate(s => { window.R.seekedAt = null; window.hls.media.currentTime = s; return performance.now(); }, opts.seek);
        result.seek = { to: opts.seek, from_ct: +last.ct.toFixed(3), seeked_ms: null, ct_after: null };
      }
      const fatal = await page.evaluate(() => window.R.fatal);
      if (fatal) break;
      if (opts.switchLevel && !switched && last.now - first.now >= opts.seconds * 500) {
        // Mid-playback, a forced switch to the level farthest from the
        // current one (by bitrate): hls.currentLevel flushes the buffer and
        // loads the new level at once, as a player's quality menu does.
        switched = true;
        result.switch = await page.evaluate(() => {
          const h = window.hls;
          if (!h || h.levels.length < 2) return { from: h ? h.currentLevel : -1, to: -1 };
          const from = h.currentLevel;
          let to = 0;
          for (let i = 0; i < h.levels.length; i++)
            if (Math.abs(h.levels[i].bitrate - h.levels[from].bitrate) > Math.abs(h.levels[to].bitrate - h.levels[from].bitrate)) to = i;
          h.currentLevel = to;
          return { from, to, to_height: h.levels[to].height, at_ct: window.sample().ct };
        });
        result.switch.wall_ms_after_first = Math.round(last.now - first.now);
      }
      if (switched && result.switch && result.switch.to >= 0 && !result.switch.ct_after &&
          last.h === result.switch.to_height) {
        // The picture of the new level is on screen.
        result.switch.ct_after = +last.ct.toFixed(3);
        result.switch.shown_ms = Math.round(last.now - first.now) - result.switch.wall_ms_after_first;
      }
    }
    // The wall time spent waiting for a seek is not the player's to advance.
    const seekWait = result.seek && result.seek.seeked_ms !== null ? result.seek.seeked_ms / 1000 : 0;
    const wall = (last.now - first.now) / 1000 - seekWait;
    result.wall_s = +wall.toFixed(3);
    result.advance_s = +advance.toFixed(3);
    result.advance_ratio = wall > 0 ? +(advance / wall).toFixed(3) : 0;
    result.stalled_s = +(stalledMs / 1000).toFixed(2);
    result.stall_episodes = stallEpisodes;
    result.longest_stall_s = +(longestStallMs / 1000).toFixed(2);
    result.video = { width: last.w, height: last.h, buffered_s: +last.buffered.toFixed(2) };
    result.dropped_frames = last.dropped;
    result.total_frames = last.total;
    if (opts.latency) {
      const L = await page.evaluate(() => ({ lat: window.R.lat, rejected: window.R.latRejected, read: window.R.latRead }));
      const from = first.now + opts.latencyWarmup * 1000;
      const ms = L.lat.filter(([t]) => t >= from && t <= last.now).map(([, d]) => d).sort((a, b) => a - b);
      const q = p => ms.length ? ms[Math.min(ms.length - 1, Math.round(p * (ms.length - 1)))] : null;
      const med = xs => { const s = [...xs].sort((a, b) => a - b); return s.length ? +s[Math.floor(s.length / 2)].toFixed(3) : null; };
      result.latency = { samples: ms.length, median_ms: q(0.5), p95_ms: q(0.95), min_ms: q(0), max_ms: q(1),
                         negative: ms.filter(d => d < 0).length, bands_read: L.read, bands_rejected: L.rejected,
                         warmup_s: opts.latencyWarmup, hls_latency_s: med(hlsLatency), hls_target_latency_s: med(hlsTarget),
                         low_latency_mode: opts.lowLatency, max_live_sync_rate: opts.maxLiveSyncRate };
    }
  }
  const fin = await page.evaluate(() => window.R);
  result.fatal = fin.fatal;
  result.errors.push(...fin.errors);
  result.levels = fin.levels;
  result.levels_switched = fin.levelSwitched;
  result.frags_loaded = fin.fragsLoaded;
  result.waiting_events = fin.waiting;
  result.stalls = fin.waitingAfterStart + fin.stalledErrors;
  result.buffer_stalled_errors = fin.stalledErrors;
  result.mse_h264_aac = fin.mse;
  if (opts.switchLevel) result.switch_level = fin.levels.length > 1 ? 'requested' : 'single level';
  if (opts.verbose) result.events = fin.events;
  if (!result.reason) {
    if (result.fatal) result.reason = `hls.js fatal error: ${result.fatal.type} ${result.fatal.details}`;
    else if (opts.latency && !(result.latency && result.latency.samples >= opts.minLatencySamples))
      result.reason = `${result.latency ? result.latency.samples : 0} latency samples < ${opts.minLatencySamples}` +
                      (result.latency && result.latency.bands_rejected ? ` (${result.latency.bands_rejected} bands rejected)` : '');
    else if (result.advance_ratio < opts.minAdvance) result.reason = `advance ratio ${result.advance_ratio} < ${opts.minAdvance}`;
    else if (opts.seek !== null && !(result.seek && result.seek.seeked_ms !== null && result.seek.ct_after >= opts.seek - 0.5))
      result.reason = `the seek to ${opts.seek} s did not land: ${JSON.stringify(result.seek)}`;
    else { result.ok = true; exitCode = 0; }
  }
} catch (e) {
  result.reason = `driver error: ${e.message.split('\n')[0]}`;
}
if (terminating) await new Promise(() => {});  // the signal handler prints and exits
process.stdout.write(JSON.stringify(result) + '\n');
await cleanup();
process.exit(exitCode);
