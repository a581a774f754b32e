// Debian's /usr/bin/chromium through playwright-core (no browser download),
// headless, for the browser tests (play_hls.mjs, dashboard.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const DEFAULT_CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// playwright-core's chromium, or exit 2 with a hint when it is not installed.
export function requirePlaywright(tool) {
  try {
    return require('playwright-core').chromium;
  } catch (e) {
    process.stderr.write(`${tool}: playwright-core missing (run scripts/setup.sh): ${e.message}\n`);
    process.exit(2);
  }
}

// A persistent context in a fresh profile directory; the caller closes the
// context and removes userDataDir. Throws when the browser cannot start.
export async function launchChromium(chromium, executablePath = DEFAULT_CHROMIUM) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      timeout: 60000,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync',
             '--autoplay-policy=no-user-gesture-required'],
    });
    return { context, userDataDir };
  } catch (e) {
    fs.rmSync(userDataDir, { recursive: true, force: true });
    throw e;
  }
}
