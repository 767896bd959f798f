import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it, beforeAll } from 'vitest';

/**
 * The built package, imported by its name as a user would (Node resolves a package's own name
 * through its `exports` map), from ESM and from CommonJS.
 */
const root = new URL('..', import.meta.url).pathname;

beforeAll(() => {
  // CI builds before testing; a fresh clone running `npm test` directly builds here.
  if (!existsSync(`${root}dist/index.cjs`) || !existsSync(`${root}dist/index.js`) || !existsSync(`${root}dist/cli.js`) || !existsSync(`${root}dist/bullmq.js`) || !existsSync(`${root}dist/tooling.cjs`) || !existsSync(`${root}dist/redis.cjs`) || ['axios', 'aws', 'undici'].some((entry) => !existsSync(`${root}dist/${entry}.cjs`))) {
    execFileSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'inherit' });
  }
}, 60_000);

const probe = `
  const names = ['withRetry', 'retry', 'mwsPolicy', 'scraperPolicy', 'spApiPolicy', 'definePolicy', 'RetryError', 'isRetryError', 'TestClock', 'normalizeFailure'];
  const missing = names.filter((n) => m[n] === undefined);
  const d = m.mwsPolicy.decide({ kind: 'http', status: 503, code: 'RequestThrottled' }, { attempt: 4 });
  console.log(JSON.stringify({ missing, delay: d.delayMs, error: new m.RetryError({ reason: 'deadline', policy: 'p', failure: { kind: 'unknown' }, attempts: [], cause: 1 }).name }));
`;

function run(args: string[]): unknown {
  return JSON.parse(execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }));
}

describe('the built package', () => {
  it('imports by name from ESM', () => {
    expect(run(['--input-type=module', '-e', `import * as m from 'retry-table'; ${probe}`])).toEqual({ missing: [], delay: 30_000, error: 'RetryError' });
  });

  it('requires by name from CommonJS', () => {
    expect(run(['--input-type=commonjs', '-e', `const m = require('retry-table'); ${probe}`])).toEqual({ missing: [], delay: 30_000, error: 'RetryError' });
  });

  it('exports the BullMQ adapter as retry-table/bullmq, from ESM and CommonJS', () => {
    expect(run(['--input-type=module', '-e', "const m = await import('retry-table/bullmq'); console.log(JSON.stringify(typeof m.bullmqRetry))"])).toBe('function');
    expect(run(['--input-type=commonjs', '-e', "console.log(JSON.stringify(typeof require('retry-table/bullmq').bullmqRetry))"])).toBe('function');
  });

  it.each([
    ['retry-table/tooling', 'policyTableMarkdown'],
    ['retry-table/tooling', 'explainPolicy'],
    ['retry-table/tooling', 'policyTimelineSvg'],
    ['retry-table/redis', 'RedisBudgetStore'],
  ])('exports %s with %s, from ESM and CommonJS', (entry, name) => {
    expect(run(['--input-type=module', '-e', `const m = await import('${entry}'); console.log(JSON.stringify(typeof m.${name}))`])).toBe('function');
    expect(run(['--input-type=commonjs', '-e', `console.log(JSON.stringify(typeof require('${entry}').${name}))`])).toBe('function');
  });

  it('keeps tooling and the Redis store out of the core entry', () => {
    const script = "const m = await import('retry-table'); console.log(JSON.stringify(['policyTableMarkdown', 'explainPolicy', 'RedisBudgetStore', 'MAX_TIMER_DELAY_MS'].filter((n) => n in m)))";
    expect(run(['--input-type=module', '-e', script])).toEqual([]);
  });

  it.each([
    ['retry-table/axios', 'retryAxios'],
    ['retry-table/aws', 'policyRetryStrategy'],
    ['retry-table/aws', 'retryErrorOf'],
    ['retry-table/undici', 'policyRetryInterceptor'],
  ])('exports the client adapter %s with %s, from ESM and CommonJS', (entry, name) => {
    expect(run(['--input-type=module', '-e', `const m = await import('${entry}'); console.log(JSON.stringify(typeof m.${name}))`])).toBe('function');
    expect(run(['--input-type=commonjs', '-e', `console.log(JSON.stringify(typeof require('${entry}').${name}))`])).toBe('function');
  });

  it('keeps the client adapters out of the core entry, and their clients out of the adapters (types only)', () => {
    const core = "const m = await import('retry-table'); console.log(JSON.stringify(['retryAxios', 'policyRetryStrategy', 'retryErrorOf', 'policyRetryInterceptor'].filter((n) => n in m)))";
    expect(run(['--input-type=module', '-e', core])).toEqual([]);
    // Importing an adapter loads none of axios, undici or the AWS SDK: the user's own copy is the one used.
    const loaded = `
      require('retry-table/axios'); require('retry-table/aws'); require('retry-table/undici');
      console.log(JSON.stringify(Object.keys(require.cache).filter((p) => /node_modules[\\/](axios|undici|@smithy|@aws-sdk)[\\/]/.test(p))));
    `;
    expect(run(['--input-type=commonjs', '-e', loaded])).toEqual([]);
  });

  it('keeps internals private: deep imports are not exported', () => {
    expect(() => execFileSync(process.execPath, ['--input-type=module', '-e', "await import('retry-table/internal/x')"], { cwd: root, stdio: 'pipe' })).toThrow(
      /ERR_PACKAGE_PATH_NOT_EXPORTED/,
    );
  });

  it('guards work across the ESM and CJS copies (isRetryError does not rely on instanceof)', () => {
    const script = `
      import { createRequire } from 'node:module';
      import * as esm from 'retry-table';
      const cjs = createRequire(process.cwd() + '/')('retry-table');
      const error = new cjs.RetryError({ reason: 'deadline', policy: 'p', failure: { kind: 'unknown' }, attempts: [], cause: 1 });
      console.log(JSON.stringify([error instanceof esm.RetryError, esm.isRetryError(error)]));
    `;
    expect(run(['--input-type=module', '-e', script])).toEqual([false, true]);
  });
});

describe('the retry-table command (package bin)', () => {
  it('plans the MWS spacing and exits 0', () => {
    const result = spawnSync(process.execPath, ['dist/cli.js', 'plan', 'mws', '--fail', '503:RequestThrottled', 'x5'], { cwd: root, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/retry in 1 s[\s\S]*retry in 4 s[\s\S]*retry in 10 s[\s\S]*retry in 30 s[\s\S]*give up: attempts-exhausted/);
  });

  it('exits 2 on an unknown policy', () => {
    const result = spawnSync(process.execPath, ['dist/cli.js', 'plan', 'nope', '--fail', '503'], { cwd: root, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown policy');
  });
});
