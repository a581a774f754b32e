#!/usr/bin/env node
// The dashboard and the player page end to end, as a person uses them, in
// headless Chromium against a running onair (its manager API and embedded
// web pages):
//
//   ONAIR_TEST_ADMIN_TOKEN=... node tests/browser/dashboard.mjs --base http://127.0.0.1:8080 \
//        --ffmpeg-log /tmp/x/ffmpeg.err [--check-file onair.log]... [--screenshots DIR]
//
// Signs in (a wrong token first), creates a channel, reads the Server and
// Stream Key the dialog shows once, publishes there with ffmpeg, sees the
// channel go live without a reload, watches the live stats and the embedded
// player play, opens /watch/<channel> and sees it play; rotates the key,
// kicks the publisher, publishes with the new key (a long GOP: the keyframe
// warning), stops; sees offline and
// the history with end reasons; disables, enables, deletes, signs out.
// The recordings panel, with the recordings the origin of `onair serve`
// made of those broadcasts: the list, Play (the VOD playlist) with the
// dashboard's player, the Download link (the MP4), and Delete with its
// confirmation, until the origin has removed it.
// Throughout: no request goes to another origin, no URL carries the token
// or a key, the console never shows them, and neither does any --check-file
// at the end. Prints one JSON line; exits 0 when every step passed, 1 when
// one failed, 2 on bad usage or when the browser cannot start.
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium, requirePlaywright, DEFAULT_CHROMIUM } from './chromium.mjs';
import { Secrets, StepError, waitFor, checkPlays, startFfmpeg, stopFfmpeg, sleep } from './e2e_util.mjs';

function usage(msg) {
  if (msg) process.stderr.write(`dashboard: ${msg}\n`);
  process.stderr.write('usage: ONAIR_TEST_ADMIN_TOKEN=... dashboard.mjs --base URL --ffmpeg-log FILE ' +
                       '[--check-file FILE]... [--screenshots DIR] [--slow N] [--kick-drop-timeout S] [--chromium PATH]\n');
  process.exit(2);
}
const opts = { base: '', ffmpegLog: '', checkFiles: [], screenshots: '', slow: 1, kickDropS: 10, chromium: DEFAULT_CHROMIUM };
{
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    const need = () => { if (i + 1 >= a.length) usage(`${a[i]} needs a value`); return a[++i]; };
    switch (a[i]) {
      case '--base': opts.base = need().replace(/\/$/, ''); break;
      case '--ffmpeg-log': opts.ffmpegLog = need(); break;
      case '--check-file': opts.checkFiles.push(need()); break;
      case '--screenshots': opts.screenshots = need(); break;
      case '--slow': opts.slow = Number(need()); break;
      case '--kick-drop-timeout': opts.kickDropS = Number(need()); break;
      case '--chromium': opts.chromium = need(); break;
      default: usage(`unknown option ${a[i]}`);
    }
  }
  if (!/^https?:\/\//.test(opts.base)) usage('--base must be an http(s) URL');
  if (!opts.ffmpegLog) usage('--ffmpeg-log is required');
  if (!(opts.slow >= 1)) usage('bad --slow');
}
const TOKEN = process.env.ONAIR_TEST_ADMIN_TOKEN || '';
if (!TOKEN) usage('ONAIR_TEST_ADMIN_TOKEN must hold the admin token');

const secrets = new Secrets();
secrets.add('admin token', TOKEN);
const s = ms => ms * opts.slow;
const say = m => process.stderr.write(`dashboard: ${secrets.redact(m)}\n`);
const result = { ok: false, steps: [], reason: '' };
const problems = [];  // seen by listeners; fail the run at the end
const origins = new Set([new URL(opts.base).origin]);
const publishers = [];  // every ffmpeg started, stopped at exit
const publish = (url, o) => { const ff = startFfmpeg(url, opts.ffmpegLog, o); publishers.push(ff); return ff; };
const name = `e2e-${Date.now().toString(36)}`;
const title = 'End-to-end test';

async function step(label, fn) {
  const t0 = Date.now();
  say(`${label}…`);
  const detail = await fn();
  result.steps.push({ step: label, ms: Date.now() - t0, ...(detail && typeof detail === 'object' ? detail : {}) });
}

function watchPage(page, label) {
  page.on('console', m => {
    const leaked = secrets.leaks(m.text());
    if (leaked.length) problems.push(`${label}: the console showed the ${leaked.join(', ')}`);
  });
  page.on('pageerror', e => problems.push(`${label}: page error: ${secrets.redact(e.message)}`));
  page.on('request', r => {
    const u = r.url();
    if (/^(data|blob):/.test(u)) return;
    if (!origins.has(new URL(u).origin)) problems.push(`${label}: request to another origin: ${secrets.redact(u)}`);
    const leaked = secrets.leaks(u);
    if (leaked.length) problems.push(`${label}: the ${leaked.join(', ')} in a URL: ${secrets.redact(u)}`);
    if (u.includes('/api/v1/') && !u.includes('/api/v1/public/') && !r.headers().authorization)
      problems.push(`${label}: API request without Authorization: ${secrets.redact(u)}`);
  });
}

const shot = async (page, file) => {
  if (opts.screenshots) await page.screenshot({ path: path.join(opts.screenshots, file), fullPage: true });
};
const text = (page, sel) => page.locator(sel).first().innerText();
const state = (page, sel) => page.locator(sel).first().getAttribute('data-state');
const pill = '.detail-head .badge';

// Reads the once-only dialog: Server, Stream Key, playback and player URLs.
async function readKeyDialog(page) {
  const dialog = page.locator('dialog[open]');
  await dialog.locator('[data-testid=stream-key]').waitFor({ timeout: s(10000) });
  const v = async id => dialog.locator(`[data-testid=${id}]`).inputValue();
  const shown = { key: await v('stream-key'), rtmp: await v('rtmp-url'), playback: await v('playback-url'),
                  player: await v('player-url'), warning: await dialog.locator('.notice.warn').innerText() };
  secrets.add('stream key', shown.key);
  if (shown.key.length < 16) throw new StepError(`stream key of ${shown.key.length} characters`);
  if (!/shown only this once/i.test(shown.warning)) throw new StepError('no "shown once" warning next to the key');
  if (!/^rtmps?:\/\//.test(shown.rtmp)) throw new StepError(`Server is not an RTMP URL: ${shown.rtmp}`);
  return shown;
}

async function closeKeyDialog(page, key) {
  await page.locator('dialog[open] [data-testid=key-done]').click();
  await waitFor('the key dialog to close', s(5000), async () => !(await page.locator('dialog[open]').count()));
  const kept = await page.evaluate(k => document.documentElement.outerHTML.includes(k) ||
    JSON.stringify({ ...sessionStorage }).includes(k) || JSON.stringify({ ...localStorage }).includes(k), key);
  if (kept) throw new StepError('the stream key is still in the page or its storage after the dialog closed');
}

async function confirm(page, testid) {
  await page.locator(`[data-testid=${testid}]`).click();
  await page.locator('dialog[open] [data-testid=confirm]').click();
}

const historyReasons = page => page.locator('[data-testid=history] tbody tr').evaluateAll(rows =>
  rows.map(r => ({ live: r.dataset.live === 'true', reason: r.querySelector('[data-reason]')?.dataset.reason || '' })));

async function run(context) {
  const dash = context.pages()[0] || await context.newPage();
  watchPage(dash, 'dashboard');
  let shown;
  let rotated;
  let ff;

  await step('sign in (a wrong token is refused first)', async () => {
    await dash.goto(`${opts.base}/dashboard/`, { timeout: s(30000) });
    await dash.locator('#token').fill('not-the-token');
    await dash.locator('#token').press('Enter');
    await waitFor('the refusal', s(10000), async () => /not accepted/.test(await text(dash, '.signin [role=alert]')));
    await dash.locator('#token').fill(TOKEN);
    await dash.locator('#token').press('Enter');
    await dash.locator('[data-testid=new-channel]').waitFor({ timeout: s(10000) });
    await dash.evaluate(() => { window.notReloaded = true; });
  });

  await step('create a channel; the OBS settings are shown once', async () => {
    await dash.locator('[data-testid=new-channel]').click();
    await dash.locator('#new-name').fill(name);
    await dash.locator('#new-title').fill(title);
    await dash.locator('dialog[open] button[type=submit]').click();
    shown = await readKeyDialog(dash);
    await shot(dash, '1-key.png');
    if (!shown.player.endsWith(`/watch/${name}`)) throw new StepError(`player page URL ${shown.player}`);
    origins.add(new URL(shown.playback).origin);
    await closeKeyDialog(dash, shown.key);
    await waitFor('the new channel, offline', s(5000), async () =>
      (await state(dash, `tr[data-channel="${name}"] .badge`)) === 'offline');
    return { rtmp_url: shown.rtmp };
  });

  await step('publish with ffmpeg; the list shows it live without a reload', async () => {
    ff = publish(`${shown.rtmp}/${shown.key}`);
    await waitFor('the channel to show live', s(20000), async () =>
      (await state(dash, `tr[data-channel="${name}"] .badge`)) === 'live');
    if (!await dash.evaluate(() => window.notReloaded)) throw new StepError('the page reloaded');
    await shot(dash, '2-list-live.png');
  });

  await step('channel view: live stats and the embedded player', async () => {
    await dash.locator(`tr[data-channel="${name}"] a`).click();
    await waitFor('the stats to show 640×360', s(15000), async () => (await text(dash, '[data-stat=resolution]')) === '640×360');
    const stats = {};
    for (const k of ['video', 'fps', 'video_codec', 'audio_codec', 'gop', 'uptime', 'viewers']) stats[k] = await text(dash, `[data-stat=${k}]`);
    if (!/H\.264/.test(stats.video_codec) || !/AAC/.test(stats.audio_codec)) throw new StepError(`codecs ${stats.video_codec} / ${stats.audio_codec}`);
    if (await dash.locator('[data-testid=gop-warning]').isVisible()) throw new StepError('GOP warning shown for a 2 s GOP');
    const play = await checkPlays(dash, '[data-testid=preview] video', { seconds: 5, startupMs: s(30000) });
    // The preview is an HLS viewer of serve's edge: its edge.stats (every 5 s) reach the stats.
    await waitFor('the preview counted as an HLS viewer', s(15000),
      async () => /^[1-9]\d* on 1 edge$/.test(await text(dash, '[data-stat=hls_viewers]')));
    stats.hls_viewers = await text(dash, '[data-stat=hls_viewers]');
    await shot(dash, '3-channel-live.png');
    return { stats, play };
  });

  await step('the public player page plays', async () => {
    const watch = await context.newPage();
    watchPage(watch, 'watch');
    await watch.goto(`${opts.base}/watch/${name}`, { timeout: s(30000) });
    await waitFor('the title', s(10000), async () => (await text(watch, '#title')) === title);
    await waitFor('the live badge', s(10000), async () => (await state(watch, '#badge')) === 'live');
    const play = await checkPlays(watch, '[data-testid=player] video', { seconds: 5, startupMs: s(30000) });
    await shot(watch, '4-watch-live.png');
    await watch.close();
    return { play };
  });

  await step('rotate the key: a new one is shown once', async () => {
    await confirm(dash, 'rotate');
    rotated = await readKeyDialog(dash);
    if (rotated.key === shown.key) throw new StepError('the rotated key equals the old one');
    await closeKeyDialog(dash, rotated.key);
  });

  await step('kick the publisher', async () => {
    await confirm(dash, 'kick');
    await waitFor('the channel to show offline', s(10000), async () => (await state(dash, pill)) === 'offline');
    await waitFor('a kicked broadcast in the history', s(10000), async () =>
      (await historyReasons(dash)).some(b => b.reason === 'kicked'));
    if (opts.kickDropS > 0) {
      const code = await Promise.race([ff.exited, sleep(s(opts.kickDropS * 1000)).then(() => 'running')]);
      if (code === 'running') throw new StepError(`ffmpeg still publishing ${opts.kickDropS} s after the kick`);
    }
    await stopFfmpeg(ff);
  });

  await step('publish with the new key and a 5 s GOP: the keyframe warning; stop', async () => {
    ff = publish(`${rotated.rtmp}/${rotated.key}`, { gop: 150 });
    await waitFor('the channel to show live again', s(20000), async () => (await state(dash, pill)) === 'live');
    await waitFor('the keyframe interval warning', s(20000), () => dash.locator('[data-testid=gop-warning]').isVisible());
    // 5 s segments: right after the republish the player can wait up to a
    // segment at the live edge, so this only asks that it keeps playing.
    await checkPlays(dash, '[data-testid=preview] video', { seconds: 10, startupMs: s(30000), minRatio: 0.3 });
    await stopFfmpeg(ff);
    await waitFor('the channel to show offline', s(15000), async () => (await state(dash, pill)) === 'offline');
    const list = await waitFor('two ended broadcasts with end reasons', s(10000), async () => {
      const h = await historyReasons(dash);
      return h.length >= 2 && h.every(b => !b.live && b.reason) ? h : null;
    });
    await shot(dash, '5-channel-ended.png');
    return { history: list.map(b => b.reason) };
  });

  await step('recordings: the list, Play, Download, Delete', async () => {
    // The broadcasts above, recorded and finalized by the origin (the
    // republish after the kick came within the republish grace: the same
    // broadcast, one recording, finalized once the grace has passed).
    const rows = '[data-testid=recordings] tr[data-recording]';
    const ids = await waitFor('a complete recording', s(45000), async () => {
      const found = await dash.locator(rows).evaluateAll(rs => rs.map(r => ({ id: r.dataset.recording, state: r.dataset.state })));
      const done = found.filter(r => r.state === 'complete');
      return done.length >= 1 ? done.map(r => r.id) : null;
    });
    const sel = `[data-testid=recordings] tr[data-recording="${ids[0]}"]`;
    const row = dash.locator(sel);
    const cells = await row.locator('td').allInnerTexts();
    if (!/^\d+:\d\d$/.test(cells[1]) || !/(KiB|MiB)$/.test(cells[2]) || !/Complete/.test(cells[3]))
      throw new StepError(`recording row shows ${JSON.stringify(cells)}`);
    const href = await row.locator('[data-testid=download-recording]').getAttribute('href');
    if (href !== `/vod/${ids[0]}/recording.mp4`) throw new StepError(`Download links to ${href}`);
    const mp4 = await dash.evaluate(async u => {
      const r = await fetch(u, { headers: { Range: 'bytes=0-7' } });
      return { status: r.status, type: new Uint8Array(await r.arrayBuffer()).slice(4, 8).reduce((a, c) => a + String.fromCharCode(c), '') };
    }, href);
    if (mp4.status !== 206 || mp4.type !== 'ftyp') throw new StepError(`the MP4 answers ${JSON.stringify(mp4)}`);
    if (!/30 days/.test(await text(dash, '[data-testid=retention]'))) throw new StepError('no retention shown');
    await row.locator('[data-testid=play-recording]').click();
    const play = await checkPlays(dash, '[data-testid=recording-player] video', { seconds: 3, startupMs: s(30000) });
    await shot(dash, '3b-recordings.png');
    await row.locator('[data-testid=delete-recording]').click();
    await dash.locator('dialog[open] [data-testid=confirm]').click();
    // The manager marks it deleting and asks the origin, which removes it and
    // says so (usually before the panel has shown "deleting"); the list drops it.
    await waitFor('the deleted recording to leave the list', s(20000), async () =>
      !(await dash.locator(sel).count()) || (await state(dash, sel)) === 'deleted');
    if (await dash.locator('[data-testid=recording-player]').isVisible()) throw new StepError('the player still shows the deleted recording');
    const gone = await dash.evaluate(async u => (await fetch(u)).status, href);
    if (gone !== 404) throw new StepError(`the deleted MP4 answers ${gone}`);
    return { recordings: ids.length, play };
  });

  await step('the player page shows offline', async () => {
    const watch = await context.newPage();
    watchPage(watch, 'watch');
    await watch.goto(`${opts.base}/watch/${name}`, { timeout: s(30000) });
    await waitFor('the offline badge and slate', s(10000), async () =>
      (await state(watch, '#badge')) === 'offline' && (await state(watch, '[data-testid=player]')) === 'offline');
    await watch.close();
  });

  await step('disable, enable, delete, sign out', async () => {
    await confirm(dash, 'toggle-enabled');
    await waitFor('disabled', s(5000), async () => (await state(dash, pill)) === 'disabled');
    await dash.locator('[data-testid=toggle-enabled]').click();
    await waitFor('enabled', s(5000), async () => (await state(dash, pill)) === 'offline');
    await confirm(dash, 'delete');
    await dash.locator('[data-testid=new-channel]').waitFor({ timeout: s(5000) });
    await waitFor('the row to go', s(5000), async () => !(await dash.locator(`tr[data-channel="${name}"]`).count()));
    await dash.locator('#sign-out').click();
    await dash.locator('#token').waitFor({ timeout: s(5000) });
    if (await dash.evaluate(() => sessionStorage.length)) throw new StepError('sessionStorage kept something after sign-out');
  });

  await step('a token the manager refuses signs the dashboard out', async () => {
    await dash.evaluate(() => sessionStorage.setItem('onair.admin_token', 'revoked'));
    await dash.reload();
    await waitFor('the sign-in form with a message', s(10000), async () =>
      /not accepted/.test(await text(dash, '.signin [role=alert]')));
  });
}

const chromium = requirePlaywright('dashboard');
if (opts.screenshots) fs.mkdirSync(opts.screenshots, { recursive: true });
let browser;
try {
  browser = await launchChromium(chromium, opts.chromium);
} catch (e) {
  result.reason = `cannot launch ${opts.chromium}: ${e.message.split('\n')[0]}`;
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(2);
}
const abort = reason => {
  for (const ff of publishers) ff.child.kill('SIGKILL');
  result.reason = result.reason || reason;
  process.stdout.write(secrets.redact(JSON.stringify(result)) + '\n');
  process.exit(1);
};
setTimeout(() => abort('hard deadline exceeded'), s(200000)).unref();
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => abort(`killed by ${sig}`));
try {
  await run(browser.context);
  for (const f of opts.checkFiles) {
    const leaked = secrets.leaks(fs.readFileSync(f, 'utf8'));
    if (leaked.length) problems.push(`${path.basename(f)} contains the ${leaked.join(', ')}`);
  }
  if (problems.length) result.reason = problems.slice(0, 10).join('; ');
  else result.ok = true;
} catch (e) {
  result.reason = `${result.steps.length + 1}. step failed: ${e.message.split('\n')[0]}`;
  if (problems.length) result.reason += ` (also: ${problems.slice(0, 5).join('; ')})`;
}
await Promise.all(publishers.map(stopFfmpeg));
try { await browser.context.close(); } catch { /* gone */ }
fs.rmSync(browser.userDataDir, { recursive: true, force: true });
process.stdout.write(secrets.redact(JSON.stringify(result)) + '\n');
process.exit(result.ok ? 0 : 1);
