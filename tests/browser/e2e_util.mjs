// Helpers of the end-to-end browser tests: polling waits, playback checks in
// a page, an ffmpeg test publisher, and keeping secrets out of the output.
import fs from 'node:fs';
import { spawn } from 'node:child_process';

export const sleep = ms => new Promise(r => setTimeout(r, ms));

// Secrets seen during a run (tokens, stream keys): redact() hides them in
// anything printed; leaks(text) names those that a text contains.
export class Secrets {
  constructor() { this.values = new Map(); }
  add(what, value) { if (value) this.values.set(value, what); }
  redact(text) {
    let s = String(text);
    for (const [v, what] of this.values) s = s.split(v).join(`<${what}>`);
    return s.replace(/sk_[A-Za-z0-9_-]{8,}/g, 'sk_<redacted>');
  }
  leaks(text) { return [...this.values].filter(([v]) => text.includes(v)).map(([, what]) => what); }
}

export class StepError extends Error {}

// Polls fn (async, truthy = done) every 100 ms for up to timeoutMs.
export async function waitFor(desc, timeoutMs, fn) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try { last = await fn(); } catch (e) { last = undefined; if (Date.now() > end) throw new StepError(`${desc}: ${e.message}`); }
    if (last) return last;
    if (Date.now() > end) throw new StepError(`timed out after ${timeoutMs / 1000} s waiting for ${desc}`);
    await sleep(100);
  }
}

// Waits for the <video> at selector to play, then measures how far its
// currentTime advances over `seconds` of wall time. Returns
// { first_frame_ms, advance_s, wall_s, width, height }.
export async function checkPlays(page, selector, { seconds = 5, startupMs = 30000, minRatio = 0.6 } = {}) {
  const sample = () => page.evaluate(sel => {
    const v = document.querySelector(sel);
    return v && { ct: v.currentTime, paused: v.paused, w: v.videoWidth, h: v.videoHeight, now: performance.now() };
  }, selector);
  const t0 = Date.now();
  const first = await waitFor(`${selector} to start playing`, startupMs, async () => {
    const s = await sample();
    return s && !s.paused && s.ct > 0 && s.w > 0 ? s : null;
  });
  await sleep(seconds * 1000);
  const last = await sample();
  const wall = (last.now - first.now) / 1000;
  const advance = last.ct - first.ct;
  const r = { first_frame_ms: Date.now() - t0 - seconds * 1000, advance_s: +advance.toFixed(2), wall_s: +wall.toFixed(2),
              width: last.w, height: last.h };
  if (!(advance >= minRatio * wall)) throw new StepError(`${selector} advanced ${r.advance_s} s in ${r.wall_s} s`);
  return r;
}

// ffmpeg publishing a 640x360 30 fps H.264 (GOP of `gop` frames: 2 s by
// default) + AAC test source in real time to url. Its stderr (which may name
// the URL, hence the key) goes to logFile only. Returns { child, exited }
// (a Promise of the exit code or signal).
export function startFfmpeg(url, logFile, { gop = 60 } = {}) {
  const log = fs.openSync(logFile, 'a');
  const child = spawn('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0',
    '-b:v', '800k', '-maxrate', '800k', '-bufsize', '1600k', '-c:a', 'aac', '-b:a', '96k', '-ar', '48000', '-ac', '2',
    '-f', 'flv', url], { stdio: ['ignore', 'ignore', log] });
  fs.closeSync(log);
  const exited = new Promise(resolve => child.on('exit', (code, signal) => resolve(code ?? signal)));
  return { child, exited };
}

// Ends ffmpeg: SIGTERM (it closes the RTMP session), SIGKILL after 5 s.
export async function stopFfmpeg(ff) {
  if (!ff || ff.child.exitCode !== null || ff.child.signalCode !== null) return;
  ff.child.kill('SIGTERM');
  const t = setTimeout(() => ff.child.kill('SIGKILL'), 5000);
  await ff.exited;
  clearTimeout(t);
}
