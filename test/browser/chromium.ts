import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

/**
 * The system's headless Chromium (Debian's `chromium` package; CHROMIUM_PATH to use another),
 * never a downloaded one. Without it the browser tests skip locally, with a message saying why;
 * with CI=true they must not skip, so this throws.
 */
export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(chromiumPath);

if (!chromiumAvailable) {
  if (process.env['CI'] === 'true') throw new Error(`CI=true but no Chromium at ${chromiumPath}: .ci/run must install it (apt-get install chromium)`);
  console.warn(`browser tests skipped: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`);
}

/** A running headless Chromium with a fresh profile, removed on close. */
export interface HeadlessChromium {
  readonly browser: Browser;
  close(): Promise<void>;
}

/** Launches Chromium quietly: no GPU, no QUIC, no first run, no background traffic of its own. */
export async function launchChromium(): Promise<HeadlessChromium> {
  const profile = mkdtempSync(join(tmpdir(), 'retry-table-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
