import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const tsc = join(root, 'node_modules/typescript/bin/tsc');

/**
 * A browser project's view of the package: the built declarations, imported by name, compiled
 * with no ambient types at all (`types: []`, so no @types/node) and the browser's libs, with
 * skipLibCheck off so the declarations themselves are checked too.
 */
const consumer = `
import { channels, isRetryError, retry, scraperPolicy, TestClock, withRetry, type AttemptEvent, type Failure, type RetryOptions } from 'retry-table';
import { instrumentRetryTable } from 'retry-table/otel';

const options: RetryOptions = { signal: AbortSignal.timeout(5_000), attemptTimeoutMs: 1_000 };
const getProduct = withRetry(scraperPolicy, options)((asin: string) => fetch(\`https://api.example.com/products/\${asin}\`));
const response: Promise<Response> = getProduct('B000000001');

const clock = new TestClock();
const text: Promise<string> = clock.run(retry(scraperPolicy, async (ctx) => (await fetch('https://api.example.com', { signal: ctx.signal })).text(), { clock }));
text.catch((error: unknown) => {
  if (isRetryError(error)) console.log(error.reason, error.attempts.map((a) => a.requestId));
});

const failure: Failure = { kind: 'http', status: 429, code: 'rate_limited' };
const event: AttemptEvent = { policy: 'scraper', attempt: 1, ok: false, failure };
if (channels.attempt.hasSubscribers) channels.attempt.publish(event);

const stop: () => void = instrumentRetryTable();
stop();
void response;
`;

let dir: string;

beforeAll(() => {
  // CI builds before testing; a fresh clone running \`npm test\` directly builds here.
  if (!existsSync(join(root, 'dist/index.d.ts')) || !existsSync(join(root, 'dist/otel.d.ts'))) execFileSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'inherit' });
  dir = mkdtempSync(join(tmpdir(), 'retry-table-types-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules/retry-table'), 'dir');
  writeFileSync(join(dir, 'consumer.ts'), consumer);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function compile(compilerOptions: Record<string, unknown>): { status: number | null; output: string } {
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, ...compilerOptions }, files: ['consumer.ts'] }));
  const result = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the built declarations need no Node types', () => {
  it.each([
    ['a bundler project', { module: 'ESNext', moduleResolution: 'Bundler' }],
    ['a project that resolves like Node (nodenext)', { module: 'NodeNext', moduleResolution: 'NodeNext', moduleDetection: 'force' }],
  ])('compile in %s with types: [] and lib ES2022 + DOM', (_name, resolution) => {
    const { status, output } = compile({ target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], ...resolution });
    expect(output).toBe('');
    expect(status).toBe(0);
  }, 60_000);

  it('would fail if they did: the same consumer using a Node global does not compile', () => {
    writeFileSync(join(dir, 'consumer.ts'), `${consumer}\nexport const b = Buffer.from('x');\n`);
    try {
      const { status, output } = compile({ target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], module: 'ESNext', moduleResolution: 'Bundler' });
      expect(status).not.toBe(0);
      expect(output).toContain("Cannot find name 'Buffer'");
    } finally {
      writeFileSync(join(dir, 'consumer.ts'), consumer);
    }
  }, 60_000);
});

describe('the built retry-table/otel entry', () => {
  it('imports by name from ESM and CommonJS, next to the core it observes', () => {
    const probe = (code: string, type: string) => JSON.parse(execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], { cwd: root, encoding: 'utf8' }));
    expect(probe("const m = await import('retry-table/otel'); console.log(JSON.stringify(typeof m.instrumentRetryTable))", 'module')).toBe('function');
    expect(probe("console.log(JSON.stringify(typeof require('retry-table/otel').instrumentRetryTable))", 'commonjs')).toBe('function');
    // The core entry stays free of it: OpenTelemetry is only loaded by those who import the entry.
    expect(probe("const m = await import('retry-table'); console.log(JSON.stringify('instrumentRetryTable' in m))", 'module')).toBe(false);
  });
});
