import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';

function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  if (typeof code !== 'number') throw new Error('only demo is asynchronous');
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('retry-table plan', () => {
  it('prints 1 s, 4 s, 10 s, 30 s then gives up for mws --fail 503:RequestThrottled x5 (the MWS seed spacing)', () => {
    const { code, out } = cli('plan', 'mws', '--fail', '503:RequestThrottled', 'x5');
    expect(code).toBe(0);
    const decisions = out.split('\n').filter((line) => /^\d/.test(line)).map((line) => line.split(/\s{2,}/)[2]);
    expect(decisions).toEqual(['retry in 1 s', 'retry in 4 s', 'retry in 10 s', 'retry in 30 s', 'give up: attempts-exhausted']);
    expect(out).toContain('gave up after 5 attempts (attempts-exhausted); waited 45 s in all');
  });

  it('keeps the command-line order of mixed failures and repeats', () => {
    const { out } = cli('plan', 'mws', '--json', '--fail', '500:InternalError', 'x2', '--fail', '400:InvalidParameterValue');
    const result = JSON.parse(out) as { steps: { failure: { code: string }; action: string; delayMs?: number; reason?: string }[] };
    expect(result.steps.map((s) => [s.failure.code, s.action, s.delayMs ?? s.reason])).toEqual([
      ['InternalError', 'retry', 1000],
      ['InternalError', 'retry', 4000],
      ['InvalidParameterValue', 'stop', 'not-retryable'],
    ]);
  });

  it('puts a hint on its own failure (scraper: Retry-After first, plus jitter)', () => {
    const { out } = cli('plan', 'scraper', '--json', '--random', '0', '--fail', '429:rate_limited@retry-after=7', 'x2', '--fail', '429:rate_limited');
    // The third 429 carries no hint: the canonical loop's 2^3 · 1000.
    expect((JSON.parse(out) as { steps: { delayMs?: number }[] }).steps.map((s) => s.delayMs)).toEqual([7000, 7000, 8000]);
  });

  it('reads a quota-reset hint (mws QuotaExceeded waits for the reset within 5 min, else stops)', () => {
    const { out } = cli('plan', 'mws', '--json', '--fail', '503:QuotaExceeded@quota-reset=90', '--fail', '503:QuotaExceeded@quota-reset=3600');
    const steps = (JSON.parse(out) as { steps: { delayMs?: number; reason?: string }[] }).steps;
    expect(steps.map((s) => s.delayMs ?? s.reason)).toEqual([90_000, 'quota-exhausted']);
  });

  it.each([
    [['plan', 'nope', '--fail', '503'], /unknown policy "nope"/],
    [['plan', 'mws', '--fail', '503:a:b'], /malformed failure "503:a:b"/],
    [['plan', 'mws', '--fail', '200'], /status from 400 to 599/],
    [['plan', 'mws', '--fail', 'dns'], /malformed failure "dns"/],
    [['plan', 'mws', 'x3'], /must follow a failure/],
    [['plan', 'mws'], /at least one failure/],
    [['plan', 'mws', '--fail', '503@retry-after=soon'], /malformed hint "@retry-after=soon"/],
    [['plan', 'mws', '--fail', 'network@retry-after=1'], /only an HTTP failure carries a server hint/],
    [['plan', 'mws', '--fail', '503@soon=1'], /unknown hint "@soon"/],
    [['plan', 'mws', '--fail', '503', '--retry-after', '7'], /unknown option --retry-after/],
    [['frobnicate'], /unknown command/],
    [['plan', 'mws', '--bogus'], /unknown option --bogus/],
    [['plan', 'mws', '--fail', '503', '--random', '1'], /--random must be a number 0 or more and below 1 \(got "1"\)/],
    [['demo', '--speed', '0'], /--speed must be a number above 0 \(got "0"\)/],
    [['demo', '--speed', 'fast'], /--speed must be a number above 0 \(got "fast"\)/],
    [['check', 'mws'], /check takes a path to a JSON policy file/],
  ])('exits 2 with a clear error for %j', (argv, message) => {
    const { code, err } = cli(...argv);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  it('validates a JSON policy file with definePolicy, naming the rule and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'retry-table-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'mine', rules: [{ id: 'slow', match: { status: 503 }, retry: true, schedule: { type: 'constant', delayMs: -5 } }] }));
    const { code, err } = cli('plan', bad, '--fail', '503');
    expect(code).toBe(2);
    expect(err).toContain('rule "slow": rules[0].schedule.delayMs');
    // The file and the place of the bad value in it: line 1, column 111 of the one-line JSON.
    expect(err).toContain(`${bad}:1:${JSON.stringify({ name: 'mine', rules: [{ id: 'slow', match: { status: 503 }, retry: true, schedule: { type: 'constant', delayMs: -5 } }] }).indexOf('-5') + 1}:`);
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ name: 'mine', rules: [{ match: { status: 503 }, retry: true, schedule: { type: 'constant', delayMs: 250 } }] }));
    expect(cli('plan', good, '--fail', '503', 'x3').out).toContain('retry in 250 ms');
  });
});

describe('retry-table explain', () => {
  it('prints the table of a policy, the same rows the README shows', () => {
    const { code, out } = cli('explain', 'mws');
    expect(code).toBe(0);
    expect(out).toMatch(/RequestThrottled\s+code RequestThrottled\s+yes\s+1 s, 4 s, 10 s, 30 s/);
    expect(out).toMatch(/AccessDenied\s+code AccessDenied\s+no/);
  });

  it('prints JSON with --json', () => {
    const parsed = JSON.parse(cli('explain', 'scraper', '--json').out) as { maxAttempts: number; rules: { rule: string; retry: boolean }[] };
    expect(parsed.maxAttempts).toBe(4);
    expect(parsed.rules.filter((r) => r.rule === 'asin_mismatch')).toEqual([expect.objectContaining({ retry: false })]);
  });
});

describe('retry-table knows spapi', () => {
  it('plans a QuotaExceeded burst on the SP-API backoff (no hint: equal jitter under 1 s · 2^attempt, at random 0: 1 s, 2 s, 4 s)', () => {
    const { code, out } = cli('plan', 'spapi', '--json', '--random', '0', '--fail', '429:QuotaExceeded', 'x3');
    expect(code).toBe(0);
    const result = JSON.parse(out) as { steps: { action: string; delayMs?: number; rule?: string }[] };
    expect(result.steps.map((s) => [s.action, s.delayMs, s.rule])).toEqual([
      ['retry', 1000, 'QuotaExceeded'],
      ['retry', 2000, 'QuotaExceeded'],
      ['retry', 4000, 'QuotaExceeded'],
    ]);
  });

  it('explains the spapi table', () => {
    const { code, out } = cli('explain', 'spapi');
    expect(code).toBe(0);
    expect(out).toMatch(/QuotaExceeded .*yes/);
    expect(out).toMatch(/InvalidInput .*no/);
  });
});

describe('retry-table check and policy files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retry-table-check-'));

  it('validates a file and prints its table', () => {
    const good = join(dir, 'my-policy.json');
    writeFileSync(good, JSON.stringify({ name: 'mine', rules: [{ id: 'busy', match: { status: 503 }, retry: true, schedule: { type: 'constant', delayMs: 250 } }, { match: {}, retry: false }] }, null, 2));
    const { code, out } = cli('check', good);
    expect(code).toBe(0);
    expect(out).toMatch(/busy\s+status 503\s+yes\s+250 ms/);
    expect(out).toContain(`${good}: a valid policy.`);
  });

  it('names the file, line and column of a bad value in a pretty-printed file', () => {
    const bad = join(dir, 'bad.json');
    const text = JSON.stringify({ name: 'mine', rules: [{ match: { status: 503 }, retry: 'yes' }] }, null, 2);
    writeFileSync(bad, text);
    const { code, err } = cli('check', bad);
    expect(code).toBe(2);
    const before = text.slice(0, text.indexOf('"yes"')).split('\n');
    expect(err).toContain(`${bad}:${before.length}:${before.at(-1)!.length + 1}: policy "mine", rule "rules[0]": rules[0].retry must be true or false`);
  });

  it('reports broken JSON by line and column', () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{\n  "name": "mine",\n  "rules": [,]\n}');
    const { code, err } = cli('check', broken);
    expect(code).toBe(2);
    expect(err).toContain(`${broken}:3:13 is not valid JSON`);
  });
});

