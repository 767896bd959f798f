import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scraperErrorJson } from '../support/seed-bodies.js';
import { chromiumAvailable, launchChromium, type HeadlessChromium } from './chromium.js';
import type { PageResult } from './page.js';
import { startApiServer, startPageServer, type LocalServer } from './server.js';

const json = { 'content-type': 'application/json' };
const root = fileURLToPath(new URL('../../', import.meta.url));
const distIndex = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

describe.skipIf(!chromiumAvailable)('the core entry in a real browser (headless Chromium)', () => {
  let chromium: HeadlessChromium | undefined;
  let api: LocalServer;
  let pages: LocalServer;
  let bundle: string;

  beforeAll(async () => {
    // Bundled for the browser from the built package, as a user's bundler sees it (one file:
    // whatever runs at its import runs in the page): a node: import or a Node-only global used at
    // import fails here. The page's own import of the source is redirected to dist/.
    if (!existsSync(distIndex)) execFileSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'inherit' });
    const built = await build({
      entryPoints: [new URL('./page.ts', import.meta.url).pathname],
      plugins: [{ name: 'built-package', setup: (b) => void b.onResolve({ filter: /\/src\/index\.js$/ }, () => ({ path: distIndex })) }],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    bundle = built.outputFiles[0]!.text;
    api = await startApiServer({
      '/products/B000000001': [
        { status: 503, headers: { 'retry-after': '0' }, body: 'Service Unavailable' },
        { status: 429, headers: { ...json, 'retry-after': '0' }, body: scraperErrorJson('rate_limited', 'Too many requests', 'req_1') },
        { status: 200, headers: json, body: '{"asin":"B000000001","title":"A product"}' },
      ],
      '/always-limited': [1, 2, 3, 4].map((n) => ({
        status: 429,
        headers: { ...json, 'retry-after': '0' },
        body: scraperErrorJson('rate_limited', `Too many requests (${n})`, `req_g${n}`),
      })),
    });
    pages = await startPageServer('<!doctype html><meta charset="utf-8"><title>retry-table</title><pre id="result"></pre><script type="module" src="/page.js"></script>', bundle);
    chromium = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await api?.close();
    await pages?.close();
  });

  it('bundles for --platform=browser without a node: import', () => {
    expect(bundle).not.toMatch(/from\s*["']node:|require\(["']node:/);
    expect(bundle.length).toBeGreaterThan(1000);
  });

  it('retries a 503 and a 429 with a scraper JSON body over cross-origin fetch, then gives up with the journal', async () => {
    const page = await chromium!.browser.newPage();
    try {
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto(`${pages.url}/?api=${encodeURIComponent(api.url)}`);
      await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, { timeout: 20_000 });
      const result = (await page.evaluate(() => (window as unknown as { __result: unknown }).__result)) as PageResult;
      const dom = await page.$eval('#result', (element) => element.textContent);
      expect(errors).toEqual([]);
      expect(result.error).toBeUndefined();
      expect(JSON.parse(dom ?? 'null')).toEqual(result);

      // No process, no diagnostics channels: nothing is published, nothing breaks.
      expect(result.environment).toEqual({ hasProcess: false, publishes: false });
      expect(result.recovered.status).toBe(200);
      expect(result.recovered.body).toEqual({ asin: 'B000000001', title: 'A product' });
      expect(result.recovered.retries).toEqual([
        // The 503 has no body code: the 5xx row, waiting the exposed Retry-After of 0.
        { attempt: 1, status: 503, retryAfterMs: 0, delayMs: 0, rule: 'server-error' },
        { attempt: 2, status: 429, code: 'rate_limited', requestId: 'req_1', retryAfterMs: 0, delayMs: 0, rule: 'rate_limited' },
      ]);
      expect(result.gaveUp).toEqual({
        isRetryError: true,
        reason: 'attempts-exhausted',
        attempts: [1, 2, 3, 4].map((n) => ({ status: 429, code: 'rate_limited', requestId: `req_g${n}`, message: `Too many requests (${n})` })),
      });
      // Cross-origin: every API request came from the page's origin.
      const origins = new Set(api.requests.map((r) => r.origin));
      expect([...origins]).toEqual([pages.url]);
      expect(api.requests.filter((r) => r.path === '/products/B000000001')).toHaveLength(3);
    } finally {
      await page.close();
    }
  }, 30_000);
});
