// Formatting of API values for people.

// 3723000 -> "1:02:03", 63000 -> "1:03".
export function duration(ms) {
  if (!(ms >= 0)) return '–';
  const s = Math.floor(ms / 1000);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

// RFC 3339 -> local date and time, "–" for null.
export function dateTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric',
                                       hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function kbps(v) {
  if (!(v > 0)) return '–';
  return v >= 1000 ? `${(v / 1000).toFixed(2)} Mbit/s` : `${Math.round(v)} kbit/s`;
}

// 1536 -> "1.5 KiB", 7890123 -> "7.5 MiB".
export function bytes(v) {
  if (!(v >= 0)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let n = v;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
  return i === 0 ? `${n} B` : `${n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}

// 2592000 -> "30 days", 7200 -> "2 hours".
export function days(seconds) {
  if (seconds >= 86400) { const d = Math.round(seconds / 86400); return `${d} day${d === 1 ? '' : 's'}`; }
  const hrs = Math.max(1, Math.round(seconds / 3600));
  return `${hrs} hour${hrs === 1 ? '' : 's'}`;
}

export function fps(v) { return v > 0 ? `${(Math.round(v * 100) / 100)} fps` : '–'; }
export function resolution(w, h) { return w > 0 && h > 0 ? `${w}×${h}` : '–'; }
export function count(v) { return Number.isFinite(v) ? String(v) : '–'; }

const H264_PROFILES = { 0x42: 'Baseline', 0x4d: 'Main', 0x58: 'Extended', 0x64: 'High', 0x6e: 'High 10',
                        0x7a: 'High 4:2:2', 0xf4: 'High 4:4:4' };
const AAC_TYPES = { 2: 'AAC-LC', 5: 'HE-AAC', 29: 'HE-AAC v2', 34: 'MP3' };

// RFC 6381 codec string -> "H.264 High 3.1", "AAC-LC", ...
export function codec(s) {
  if (!s) return '–';
  let m = /^avc[13]\.([0-9a-f]{2})[0-9a-f]{2}([0-9a-f]{2})$/i.exec(s);
  if (m) {
    const profile = H264_PROFILES[parseInt(m[1], 16)] || `profile ${parseInt(m[1], 16)}`;
    return `H.264 ${profile} ${(parseInt(m[2], 16) / 10).toFixed(1)}`;
  }
  if (/^(hvc1|hev1)\./i.test(s)) return 'HEVC';
  m = /^mp4a\.40\.(\d+)$/i.exec(s);
  if (m) return AAC_TYPES[m[1]] || `AAC (type ${m[1]})`;
  if (/^mp4a\.(69|6b)$/i.test(s)) return 'MP3';
  return s;
}

export function audio(stats) {
  const parts = [codec(stats.audio_codec)];
  if (stats.audio_sample_rate > 0) parts.push(`${stats.audio_sample_rate / 1000} kHz`);
  if (stats.audio_channels === 1) parts.push('mono');
  else if (stats.audio_channels === 2) parts.push('stereo');
  else if (stats.audio_channels > 2) parts.push(`${stats.audio_channels} ch`);
  return stats.audio_codec ? parts.join(' · ') : '–';
}

const REASONS = {
  publisher_closed: 'Publisher closed',
  taken_over: 'Taken over',
  kicked: 'Kicked',
  unexpected: 'Lost (no heartbeat)',
  server_shutdown: 'Server shut down',
};
export function endReason(r) { return r ? (REASONS[r] || r) : '–'; }
