import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definePolicy, isPolicyError, PolicyError, type PolicySpec } from '../../src/index.js';

const retryAll = { match: {}, retry: true } as const;

function policyError(spec: unknown): PolicyError {
  try {
    definePolicy(spec as PolicySpec);
  } catch (error) {
    if (isPolicyError(error)) return error;
    throw error;
  }
  throw new Error('definePolicy accepted the spec');
}

describe('definePolicy: eager validation', () => {
  it.each([
    ['negative delay', { rules: [{ ...retryAll, schedule: { type: 'constant', delayMs: -1 } }] }, 'rules[0].schedule.delayMs', -1],
    ['NaN delay', { rules: [{ ...retryAll, schedule: { type: 'constant', delayMs: Number.NaN } }] }, 'rules[0].schedule.delayMs', Number.NaN],
    ['infinite delay in a list', { rules: [{ ...retryAll, schedule: { type: 'list', delaysMs: [1, Infinity] } }] }, 'rules[0].schedule.delaysMs[1]', Infinity],
    ['empty delay list', { rules: [{ ...retryAll, schedule: { type: 'list', delaysMs: [] } }] }, 'rules[0].schedule.delaysMs', []],
    ['unknown jitter', { rules: [{ ...retryAll, jitter: 'fuzzy' }] }, 'rules[0].jitter', 'fuzzy'],
    ['negative additive jitter', { rules: [{ ...retryAll, jitter: { type: 'additive', maxMs: -3 } }] }, 'rules[0].jitter.maxMs', -3],
    ['unknown schedule type', { rules: [{ ...retryAll, schedule: { type: 'fibonacci' } }] }, 'rules[0].schedule.type', 'fibonacci'],
    ['factor below 1', { rules: [{ ...retryAll, schedule: { type: 'exponential', baseMs: 10, factor: 0.5 } }] }, 'rules[0].schedule.factor', 0.5],
    ['delay above maxDelayMs', { maxDelayMs: 1000, rules: [{ ...retryAll, schedule: { type: 'constant', delayMs: 2000 } }] }, 'rules[0].schedule.delayMs', 2000],
    ['maxDelayMs above the timer limit', { maxDelayMs: 2 ** 31, rules: [retryAll] }, 'maxDelayMs', 2 ** 31],
    ['zero maxAttempts', { maxAttempts: 0, rules: [retryAll] }, 'maxAttempts', 0],
    ['fractional maxRetries', { rules: [{ ...retryAll, maxRetries: 1.5 }] }, 'rules[0].maxRetries', 1.5],
    ['status out of range', { rules: [{ match: { status: 999 }, retry: true }] }, 'rules[0].match.status', 999],
    ['unknown kind', { rules: [{ match: { kind: 'dns' }, retry: true }] }, 'rules[0].match.kind', 'dns'],
    ['empty code list', { rules: [{ match: { code: [] }, retry: true }] }, 'rules[0].match.code', []],
    ['retry not a boolean', { rules: [{ match: {}, retry: 'yes' }] }, 'rules[0].retry', 'yes'],
    ['misspelled field', { rules: [{ match: {}, retry: true, maxRetry: 3 }] }, 'rules[0].maxRetry', 3],
    ['misspelled match field', { rules: [{ match: { statusCode: 500 }, retry: true }] }, 'rules[0].match.statusCode', 500],
    ['no rules', { rules: [] }, 'rules', []],
    ['nested hint schedules', { rules: [{ ...retryAll, schedule: { type: 'retry-after', fallback: { type: 'quota-reset', fallback: { type: 'constant', delayMs: 1 } } } }] }, 'rules[0].schedule.fallback.type', 'quota-reset'],
  ])('rejects a %s, naming the field and value', (_label, partial, field, value) => {
    const error = policyError({ name: 'bad', ...partial });
    expect(error).toBeInstanceOf(PolicyError);
    expect(error.name).toBe('PolicyError');
    expect(error.policy).toBe('bad');
    expect(error.field).toBe(field);
    expect(error.value).toEqual(value);
    expect(error.message).toContain(field);
    expect(error.message).toContain('policy "bad"');
  });

  it('names the rule by its id', () => {
    const error = policyError({ name: 'p', rules: [{ id: 'throttled', match: { code: 'T' }, retry: true, jitter: 'sometimes' }] });
    expect(error.rule).toBe('throttled');
    expect(error.message).toMatch(/rule "throttled": rules\[0\]\.jitter .*"sometimes"/);
  });

  it('rejects a duplicate rule: same match in another order', () => {
    const error = policyError({
      name: 'p',
      rules: [
        { match: { status: [500, 503] }, retry: true },
        { match: { status: [503, 500] }, retry: false },
      ],
    });
    expect(error.field).toBe('rules[1].match');
    expect(error.message).toContain('duplicates the match');
  });

  it('rejects duplicate ids and rows after the catch-all', () => {
    expect(policyError({ name: 'p', rules: [{ id: 'x', match: { code: 'A' }, retry: true }, { id: 'x', match: { code: 'B' }, retry: true }] }).field).toBe('rules[1].id');
    expect(policyError({ name: 'p', rules: [{ match: {}, retry: false }, { match: { code: 'A' }, retry: true }] }).message).toContain('catch-all');
  });

  it('accepts a policy file\'s top-level "$schema" string and ignores it: the same policy as without it', () => {
    const table = { name: 'p', maxAttempts: 4, rules: [{ match: { status: 503 }, retry: true }, { match: {}, retry: false }] };
    const withLine = definePolicy({ $schema: './node_modules/retry-table/policy.schema.json', ...table } as PolicySpec);
    expect(withLine.spec).toEqual(definePolicy(table as PolicySpec).spec);
    expect(Object.hasOwn(withLine.spec, '$schema')).toBe(false);
    expect(withLine.decide({ kind: 'http', status: 503 }, { attempt: 1 })).toEqual(definePolicy(table as PolicySpec).decide({ kind: 'http', status: 503 }, { attempt: 1 }));
    const error = policyError({ $schema: 7, ...table });
    expect([error.field, error.value, error.message]).toEqual(['$schema', 7, 'policy "p": $schema must be a string: the path or URL of policy.schema.json (got 7)']);
    expect(policyError({ ...table, rules: [{ $schema: 'x', match: {}, retry: false }] }).field).toBe('rules[0].$schema');
  });

  it('rejects a missing name and a non-object spec', () => {
    expect(policyError({ rules: [retryAll] }).field).toBe('name');
    expect(policyError(null).field).toBe('spec');
  });

  it('either compiles or throws a PolicyError for arbitrary JSON, never anything else', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (rules, schedule) => {
        try {
          definePolicy({ name: 'fuzz', rules, schedule } as unknown as PolicySpec);
        } catch (error) {
          expect(isPolicyError(error)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('definePolicy: the compiled policy', () => {
  const spec: PolicySpec = {
    name: 'example',
    maxAttempts: 4,
    rules: [
      { id: 'throttled', match: { code: 'Throttled' }, retry: true, schedule: { type: 'constant', delayMs: 500 }, note: 'slow down' },
      { match: { status: '5xx' }, retry: true },
      { match: {}, retry: false },
    ],
  };

  it('is frozen, detached from the caller\'s object, and JSON-serializable', () => {
    const input = structuredClone(spec);
    const policy = definePolicy(input);
    (input.rules as unknown[]).push({ match: { code: 'late' }, retry: true });
    expect(policy.rules).toHaveLength(3);
    expect(Object.isFrozen(policy.spec)).toBe(true);
    expect(Object.isFrozen(policy.spec.rules[0])).toBe(true);
    expect(JSON.parse(JSON.stringify(policy.spec))).toEqual(spec);
    expect(definePolicy(JSON.parse(JSON.stringify(policy.spec)) as PolicySpec).rules.map((r) => r.id)).toEqual(['throttled', 'status:5xx', '*']);
  });

  it('matches first row first: a code row wins over a later status row', () => {
    const policy = definePolicy(spec);
    expect(policy.match({ kind: 'http', status: 503, code: 'Throttled' })?.id).toBe('throttled');
    expect(policy.match({ kind: 'http', status: 503, code: 'Other' })?.id).toBe('status:5xx');
    expect(policy.match({ kind: 'http', status: 404 })?.id).toBe('*');
  });

  it('stops with not-retryable when no row matches a table without a catch-all', () => {
    const policy = definePolicy({ name: 'p', rules: [{ match: { code: 'A' }, retry: true }] });
    expect(policy.decide({ kind: 'http', status: 500 }, { attempt: 1 })).toEqual({ action: 'stop', reason: 'not-retryable' });
  });

  it('with() changes policy-level fields and validates them', () => {
    const jittered = definePolicy(spec).with({ jitter: 'full', maxAttempts: 2 });
    expect(jittered.maxAttempts).toBe(2);
    expect(jittered.rules[1]!.jitter).toBe('full');
    expect(jittered.rules[0]!.jitter).toBe('full');
    expect(() => definePolicy(spec).with({ maxAttempts: -1 })).toThrow(PolicyError);
  });
});

describe('decide: schedules and jitter by hand-computed examples', () => {
  const one = (schedule: object, jitter: unknown = 'none', extra: object = {}) =>
    definePolicy({ name: 'p', maxAttempts: 10, rules: [{ match: {}, retry: true, schedule, jitter, ...extra }] } as PolicySpec);
  const delay = (policy: ReturnType<typeof one>, attempt: number, random = 0.5, failure: object = {}, previousDelayMs?: number) => {
    const d = policy.decide({ kind: 'http', status: 500, ...failure }, { attempt, random, previousDelayMs });
    return d.action === 'retry' ? d.delayMs : d.reason;
  };

  it('exponential: base · factor^attempt, capped (the scraper seed: min(2^attempt·1000, 30000))', () => {
    const p = one({ type: 'exponential', baseMs: 1000, factor: 2, capMs: 30_000 });
    expect([1, 2, 3, 4, 5, 6].map((a) => delay(p, a))).toEqual([2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it('exponential without a cap never overflows: it stops with retry-after-too-long', () => {
    const p = one({ type: 'exponential', baseMs: 1000, factor: 10 });
    expect(delay(p, 9)).toBe('retry-after-too-long');
  });

  it('full jitter: r · d; equal jitter: d/2 + r · d/2; additive: d + r · n', () => {
    expect(delay(one({ type: 'constant', delayMs: 1000 }, 'full'), 1, 0.25)).toBe(250);
    expect(delay(one({ type: 'constant', delayMs: 1000 }, 'equal'), 1, 0.5)).toBe(750);
    expect(delay(one({ type: 'constant', delayMs: 2000 }, { type: 'additive', maxMs: 1000 }), 1, 0.999)).toBe(2999);
  });

  it('decorrelated: U(base, 3 · previous), capped after jitter', () => {
    const p = one({ type: 'exponential', baseMs: 100, capMs: 1000 }, 'decorrelated');
    // base + r · (3 · previous − base); previous defaults to base on the first retry.
    expect(delay(p, 1, 0.5)).toBe(200);
    expect(delay(p, 2, 0.5, {}, 500)).toBe(800);
    expect(delay(p, 3, 0.5, {}, 1000)).toBe(1000); // 1550 before the cap
  });

  it('caps additive jitter at the exponential cap', () => {
    const p = one({ type: 'exponential', baseMs: 1000, capMs: 30_000 }, { type: 'additive', maxMs: 1000 });
    expect(delay(p, 5, 0.9)).toBe(30_000);
  });

  it('retry-after: the hint when present, the fallback otherwise; mode max takes the larger', () => {
    const prefer = one({ type: 'retry-after', fallback: { type: 'constant', delayMs: 5000 } });
    expect(delay(prefer, 1, 0.5, { retryAfterMs: 1200 })).toBe(1200);
    expect(delay(prefer, 1, 0.5)).toBe(5000);
    const max = one({ type: 'retry-after', mode: 'max', fallback: { type: 'constant', delayMs: 60_000 } });
    expect(delay(max, 1, 0.5, { retryAfterMs: 1200 })).toBe(60_000);
    expect(delay(max, 1, 0.5, { retryAfterMs: 90_000 })).toBe(90_000);
  });

  it('full jitter never shortens a server hint', () => {
    const p = one({ type: 'retry-after', fallback: { type: 'constant', delayMs: 5000 } }, 'full');
    expect(delay(p, 1, 0, { retryAfterMs: 3000 })).toBe(3000);
    expect(delay(p, 1, 0)).toBe(0);
  });

  it('a list ends the call when it runs out', () => {
    const p = one({ type: 'list', delaysMs: [10, 20] });
    expect([1, 2, 3].map((a) => delay(p, a))).toEqual([10, 20, 'attempts-exhausted']);
  });

  it('a row\'s maxRetries limits retries of the call', () => {
    const p = one({ type: 'constant', delayMs: 1 }, 'none', { maxRetries: 2 });
    expect([1, 2, 3].map((a) => delay(p, a))).toEqual([1, 1, 'attempts-exhausted']);
  });

  it('a hint beyond maxDelayMs stops with retry-after-too-long and the refused delay', () => {
    const p = definePolicy({ name: 'p', maxDelayMs: 10_000, rules: [{ match: {}, retry: true, schedule: { type: 'retry-after', fallback: { type: 'constant', delayMs: 1 } } }] });
    expect(p.decide({ kind: 'http', status: 429, retryAfterMs: 10_001 }, { attempt: 1 })).toMatchObject({
      action: 'stop',
      reason: 'retry-after-too-long',
      refusedDelayMs: 10_001,
    });
  });

  it('a deadline stops the call when the wait would cross it', () => {
    const p = one({ type: 'constant', delayMs: 1000 });
    expect(p.decide({ kind: 'network' }, { attempt: 1, elapsedMs: 9000, maxElapsedMs: 10_000 }).action).toBe('retry');
    expect(p.decide({ kind: 'network' }, { attempt: 1, elapsedMs: 9001, maxElapsedMs: 10_000 })).toMatchObject({
      action: 'stop',
      reason: 'deadline',
      refusedDelayMs: 1000,
    });
  });
});
