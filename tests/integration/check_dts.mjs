#!/usr/bin/env node
// Reads `ffprobe -show_entries packet=codec_type,dts_time,duration_time -of csv=p=0`
// lines on stdin and checks, per stream type, that DTS is strictly increasing
// and continuous: no step larger than the stream's typical frame step plus
// half a frame (a missing frame or a gap at a segment boundary fails), and that
// audio and video cover the same span. Prints one JSON line; exit 1 on failure.
//   node check_dts.mjs [--min-span S] < packets.csv
import fs from 'node:fs';

let minSpan = 5;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--min-span') minSpan = Number(argv[++i]);
  else { console.error(`check_dts: unknown option ${argv[i]}`); process.exit(2); }
}

const streams = {};
for (const line of fs.readFileSync(0, 'utf8').split('\n')) {
  const f = line.trim().split(',');
  if (f.length < 2 || (f[0] !== 'video' && f[0] !== 'audio')) continue;
  const dts = Number(f[1]);
  if (f[1] === 'N/A' || !Number.isFinite(dts)) {
    (streams[f[0]] ??= { dts: [], missing: 0 }).missing++;
    continue;
  }
  (streams[f[0]] ??= { dts: [], missing: 0 }).dts.push(dts);
}

const problems = [];
const out = { ok: false, streams: {}, problems };
for (const type of ['video', 'audio']) {
  const s = streams[type];
  if (!s || s.dts.length < 10) { problems.push(`${type}: ${s ? s.dts.length : 0} packets`); continue; }
  const d = s.dts;
  const steps = [];
  for (let i = 1; i < d.length; i++) steps.push(d[i] - d[i - 1]);
  const sorted = [...steps].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const limit = median * 1.5 + 0.002;  // 2 ms for the 90 kHz / ms rounding in between
  let bad = 0;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step <= 0 || step > limit) {
      if (bad++ < 5) problems.push(`${type}: dts ${d[i].toFixed(4)} -> ${d[i + 1].toFixed(4)} (step ${(step * 1000).toFixed(1)} ms, typical ${(median * 1000).toFixed(1)} ms) at packet ${i + 1}`);
    }
  }
  if (s.missing) problems.push(`${type}: ${s.missing} packets without DTS`);
  const span = d[d.length - 1] - d[0];
  if (span < minSpan) problems.push(`${type}: only ${span.toFixed(2)} s of packets (< ${minSpan})`);
  out.streams[type] = { packets: d.length, first: +d[0].toFixed(4), last: +d[d.length - 1].toFixed(4),
                        span_s: +span.toFixed(3), step_ms: +(median * 1000).toFixed(3),
                        max_step_ms: +(sorted[sorted.length - 1] * 1000).toFixed(3),
                        min_step_ms: +(sorted[0] * 1000).toFixed(3), bad_steps: bad };
}
const v = out.streams.video, a = out.streams.audio;
if (v && a) {
  if (Math.abs(v.first - a.first) > 1) problems.push(`audio starts ${(a.first - v.first).toFixed(3)} s from video`);
  if (Math.abs(v.last - a.last) > 1) problems.push(`audio ends ${(a.last - v.last).toFixed(3)} s from video`);
}
out.ok = problems.length === 0;
console.log(JSON.stringify(out));
process.exit(out.ok ? 0 : 1);
