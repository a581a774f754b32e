#!/usr/bin/env node
// Checks an HLS playlist (RFC 8216) and prints one JSON line; exit 1 on problems.
//   node check_playlist.mjs multivariant FILE
//   node check_playlist.mjs media FILE [--window N] [--prev-seq N] [--prev-first-uri U] [--ext m4s]
// media: #EXTM3U first, one TARGETDURATION / MEDIA-SEQUENCE, every EXTINF
// rounded <= TARGETDURATION, PROGRAM-DATE-TIME present, every segment has
// EXTINF + URI, URIs "<broadcast id>-<n>.ts" numbered media-sequence + index, one
// broadcast id per playlist, no ENDLIST
// (live), at most --window segments, and the media sequence never goes back
// (--prev-seq). Discontinuities are counted (EXT-X-DISCONTINUITY and
// DISCONTINUITY-SEQUENCE reported). --ext m4s (fMP4): URIs "<id>-<n>.m4s",
// version >= 6, and an EXT-X-MAP:URI="<id>-init-<16 hex>.mp4" before the
// first segment (maps reported).
import fs from 'node:fs';

const [kind, file, ...rest] = process.argv.slice(2);
const opt = {};
for (let i = 0; i < rest.length; i += 2) opt[rest[i].replace(/^--/, '')] = rest[i + 1];
const text = fs.readFileSync(file, 'utf8');
const lines = text.split(/\r?\n/);
while (lines.length && lines[lines.length - 1] === '') lines.pop();
const problems = [];
const out = { kind, ok: false, problems };

if (lines[0] !== '#EXTM3U') problems.push(`first line is ${JSON.stringify(lines[0])}, not #EXTM3U`);
const tagValue = name => {
  const l = lines.filter(x => x.startsWith(`#${name}:`));
  if (l.length > 1) problems.push(`${name} appears ${l.length} times`);
  return l.length ? l[0].slice(name.length + 2) : null;
};

if (kind === 'multivariant') {
  const variants = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('#EXT-X-STREAM-INF:')) {
      const attrs = lines[i].slice(18);
      const uri = lines[i + 1];
      if (!uri || uri.startsWith('#')) problems.push(`STREAM-INF at line ${i + 1} has no URI`);
      const bw = /(?:^|,)BANDWIDTH=(\d+)/.exec(attrs);
      if (!bw || +bw[1] <= 0) problems.push(`STREAM-INF without a positive BANDWIDTH: ${attrs}`);
      const codecs = /CODECS="([^"]*)"/.exec(attrs);
      const res = /RESOLUTION=(\d+x\d+)/.exec(attrs);
      variants.push({ uri, bandwidth: bw ? +bw[1] : null, codecs: codecs ? codecs[1] : null,
                      resolution: res ? res[1] : null });
    }
  }
  if (!variants.length) problems.push('no EXT-X-STREAM-INF');
  if (lines.some(l => l.startsWith('#EXTINF'))) problems.push('multivariant playlist has EXTINF');
  out.variants = variants;
} else if (kind === 'media') {
  const target = tagValue('EXT-X-TARGETDURATION');
  const seqText = tagValue('EXT-X-MEDIA-SEQUENCE');
  const version = tagValue('EXT-X-VERSION');
  const dseq = tagValue('EXT-X-DISCONTINUITY-SEQUENCE');
  if (target === null || !/^\d+$/.test(target)) problems.push(`bad or missing EXT-X-TARGETDURATION: ${target}`);
  if (seqText === null || !/^\d+$/.test(seqText)) problems.push(`bad or missing EXT-X-MEDIA-SEQUENCE: ${seqText}`);
  if (version === null) problems.push('no EXT-X-VERSION');
  if (lines.includes('#EXT-X-ENDLIST')) out.endlist = true;
  const seq = Number(seqText);
  const segments = [];
  let cur = {};
  let pdt = 0;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    if (l.startsWith('#EXTINF:')) {
      const m = /^#EXTINF:([0-9]+(?:\.[0-9]+)?),/.exec(l);
      if (!m) problems.push(`bad EXTINF at line ${i + 1}: ${l}`);
      if (cur.duration !== undefined) problems.push(`two EXTINF without URI at line ${i + 1}`);
      cur.duration = m ? Number(m[1]) : NaN;
    } else if (l.startsWith('#EXT-X-MAP:')) {
      const m = /^#EXT-X-MAP:URI="([^"]+)"$/.exec(l);
      if (!m) problems.push(`bad EXT-X-MAP at line ${i + 1}: ${l}`);
      else cur.map = m[1];
    } else if (l === '#EXT-X-DISCONTINUITY') {
      cur.discontinuity = true;
    } else if (l.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) {
      const d = Date.parse(l.slice(25));
      if (!Number.isFinite(d)) problems.push(`bad PROGRAM-DATE-TIME at line ${i + 1}: ${l}`);
      cur.pdt = d;
      pdt++;
    } else if (l && !l.startsWith('#')) {
      if (cur.duration === undefined) problems.push(`URI without EXTINF at line ${i + 1}: ${l}`);
      segments.push({ uri: l, ...cur });
      cur = {};
    } else if (l && !l.startsWith('#EXT')) {
      problems.push(`unexpected line ${i + 1}: ${l}`);
    }
  }
  if (cur.duration !== undefined) problems.push('trailing EXTINF without URI');
  if (!segments.length) problems.push('no segments');
  if (pdt === 0) problems.push('no EXT-X-PROGRAM-DATE-TIME');
  else if (segments.length && segments[0].pdt === undefined) problems.push('first segment has no PROGRAM-DATE-TIME');
  const td = Number(target);
  const ext = opt.ext || 'ts';
  const maps = segments.filter(s => s.map).map(s => s.map);
  if (ext === 'm4s') {
    if (!(Number(version) >= 6)) problems.push(`EXT-X-MAP needs EXT-X-VERSION 6 or more, not ${version}`);
    if (segments.length && !segments[0].map) problems.push('no EXT-X-MAP before the first segment');
    for (const m of maps)
      if (!/^[0-9a-f]+-[0-9a-f]+-init-[0-9a-f]{16}\.mp4$/.test(m)) problems.push(`EXT-X-MAP URI ${m} is not <broadcast id>-init-<id>.mp4`);
  } else if (maps.length) {
    problems.push('EXT-X-MAP in an MPEG-TS playlist');
  }
  out.maps = maps;
  let firstId;
  segments.forEach((s, i) => {
    if (Math.round(s.duration) > td) problems.push(`segment ${s.uri}: EXTINF ${s.duration} rounds above TARGETDURATION ${td}`);
    if (!(s.duration > 0)) problems.push(`segment ${s.uri}: EXTINF ${s.duration} is not positive`);
    const m = new RegExp(`^([0-9a-f]+-[0-9a-f]+)-(\\d+)\\.${ext}$`).exec(s.uri);
    if (!m) problems.push(`segment URI ${s.uri} is not <broadcast id>-<n>.${ext}`);
    else if (+m[2] !== seq + i) problems.push(`segment ${i} is ${s.uri}, expected ${seq + i} (media sequence ${seq})`);
    else if (firstId === undefined) firstId = m[1];
    else if (m[1] !== firstId) problems.push(`segment ${s.uri} has another broadcast id than ${firstId}`);
  });
  // Program date-times increase by the previous segment's duration (within 0.5 s).
  for (let i = 1; i < segments.length; i++) {
    const a = segments[i - 1], b = segments[i];
    if (a.pdt !== undefined && b.pdt !== undefined && !b.discontinuity &&
        Math.abs((b.pdt - a.pdt) / 1000 - a.duration) > 0.5)
      problems.push(`PROGRAM-DATE-TIME of ${b.uri} is ${(b.pdt - a.pdt) / 1000} s after ${a.uri} (EXTINF ${a.duration})`);
  }
  if (opt.window && segments.length > Number(opt.window)) problems.push(`${segments.length} segments > window ${opt.window}`);
  if (opt['prev-seq'] !== undefined && seq < Number(opt['prev-seq']))
    problems.push(`media sequence went back: ${opt['prev-seq']} -> ${seq}`);
  Object.assign(out, { target: td, media_sequence: seq, discontinuity_sequence: dseq === null ? null : Number(dseq),
                       version: version === null ? null : Number(version), segments: segments.length,
                       durations: segments.map(s => s.duration),
                       discontinuities: segments.filter(s => s.discontinuity).length,
                       first_uri: segments.length ? segments[0].uri : null,
                       last_uri: segments.length ? segments[segments.length - 1].uri : null,
                       endlist: !!out.endlist });
} else {
  console.error('usage: check_playlist.mjs multivariant|media FILE [...]');
  process.exit(2);
}
out.ok = problems.length === 0;
console.log(JSON.stringify(out));
process.exit(out.ok ? 0 : 1);
