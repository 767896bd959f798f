import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRetryError, scraperPolicy, TestClock, withRetry, type Failure } from '../../src/index.js';
import { scraperErrorJson } from '../support/seed-bodies.js';

/**
 * The scraper API's "Error table", copied row by row from the seed document: HTTP status, error
 * code, and its "Retry?" column, with how we read that column into delays.
 */
type Expect =
  | { retried: false }
  | { retried: true; delaysMs: (attempt: number, random: number) => [min: number, max: number]; maxAttempts: number };
const r1s = (base: number) => (_attempt: number, random: number): [number, number] => [base + Math.floor(random * 1000), base + Math.floor(random * 1000)];
/** The canonical loop: min(2 ** attempt * 1000, 30_000) + Math.random() * 1000. */
const canonical = (attempt: number, random: number): [number, number] => {
  const d = Math.floor(Math.min(2 ** attempt * 1000, 30_000) + random * 1000);
  return [d, d];
};
const SEED_TABLE: readonly { status: number; code: string; retry: string; expect: Expect }[] = [
  { status: 400, code: 'invalid_params', retry: 'No - fix the request.', expect: { retried: false } },
  { status: 401, code: 'unauthorized', retry: 'No - get a valid key.', expect: { retried: false } },
  { status: 401, code: 'revoked', retry: 'No - use your current key.', expect: { retried: false } },
  { status: 402, code: 'insufficient_credits', retry: 'Yes, after topping up.', expect: { retried: false } },
  { status: 403, code: 'forbidden_region', retry: 'No - upgrade or drop the country param.', expect: { retried: false } },
  { status: 404, code: 'not_found', retry: 'No.', expect: { retried: false } },
  { status: 408, code: 'upstream_timeout', retry: 'Yes - retry up to 3 times with 2s backoff.', expect: { retried: true, delaysMs: r1s(2000), maxAttempts: 4 } },
  { status: 422, code: 'blocked_by_amazon', retry: 'Yes, but with a 60s+ delay.', expect: { retried: true, delaysMs: r1s(60_000), maxAttempts: 4 } },
  { status: 429, code: 'rate_limited', retry: 'Yes - respect Retry-After.', expect: { retried: true, delaysMs: canonical, maxAttempts: 4 } },
  { status: 500, code: 'internal_error', retry: 'Yes, after ~5s.', expect: { retried: true, delaysMs: r1s(5000), maxAttempts: 4 } },
  { status: 501, code: 'not_implemented', retry: 'No - wait for the feature.', expect: { retried: false } },
  { status: 502, code: 'target_unreachable', retry: 'Yes, with a 60s+ delay.', expect: { retried: true, delaysMs: r1s(60_000), maxAttempts: 4 } },
  { status: 502, code: 'extraction_failed', retry: 'Yes, typically works on retry.', expect: { retried: true, delaysMs: canonical, maxAttempts: 4 } },
  { status: 502, code: 'asin_mismatch', retry: "No - the source ASIN is what's stale.", expect: { retried: false } },
  { status: 502, code: 'generic_gallery_page', retry: 'No - remove the ASIN from your set.', expect: { retried: false } },
  { status: 503, code: 'capacity', retry: 'Yes, after Retry-After.', expect: { retried: true, delaysMs: canonical, maxAttempts: 4 } },
];

function failingScraper(status: number, code: string, retryAfter?: string) {
  let calls = 0;
  const fn = async (): Promise<Response> => {
    calls++;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
    return new Response(scraperErrorJson(code, `${code} happened`, `req_${calls}`), { status, headers });
  };
  return { fn, calls: () => calls };
}

async function runToEnd(status: number, code: string, random: number, retryAfter?: string) {
  const clock = new TestClock();
  const target = failingScraper(status, code, retryAfter);
  const error = await clock.run(withRetry(scraperPolicy, { clock, random: () => random })(target.fn)()).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isRetryError(error)) throw new Error(`expected a RetryError, got ${String(error)}`);
  return { error, sleeps: clock.sleeps, calls: target.calls() };
}

describe('scraperPolicy matches the error table row by row', () => {
  it('covers the 16 codes of the seed table', () => {
    expect(SEED_TABLE).toHaveLength(16);
    for (const row of SEED_TABLE) expect(scraperPolicy.match({ kind: 'http', status: row.status, code: row.code })?.id).toBe(row.code);
  });

  it.each(SEED_TABLE.filter((row) => !row.expect.retried))('$status $code ("$retry") is not retried', async ({ status, code }) => {
    const { error, sleeps, calls } = await runToEnd(status, code, 0.5);
    expect([error.reason, sleeps, calls]).toEqual(['not-retryable', [], 1]);
    expect(error.failure).toMatchObject({ status, code, requestId: 'req_1' });
  });

  it.each(SEED_TABLE.filter((row) => row.expect.retried))('$status $code ("$retry") follows its delays', async ({ status, code, expect: e }) => {
    if (!e.retried) throw new Error('unreachable');
    for (const random of [0, 0.5, 0.999]) {
      const { error, sleeps, calls } = await runToEnd(status, code, random);
      expect(calls).toBe(e.maxAttempts);
      expect(error.reason).toBe('attempts-exhausted');
      sleeps.forEach((ms, i) => {
        const [min, max] = e.delaysMs(i + 1, random);
        expect(ms).toBeGreaterThanOrEqual(min);
        expect(ms).toBeLessThanOrEqual(max);
      });
      expect(sleeps).toHaveLength(e.maxAttempts - 1);
    }
  });

  it('respects Retry-After on rate_limited and capacity, plus up to 1 s of jitter', async () => {
    for (const [status, code] of [
      [429, 'rate_limited'],
      [503, 'capacity'],
    ] as const) {
      const { sleeps } = await runToEnd(status, code, 0.25, '7');
      expect(sleeps).toEqual([7250, 7250, 7250]);
    }
  });

  it('waits at least 60 s on the "60s+" rows even when Retry-After says less, and longer when it says more', async () => {
    expect((await runToEnd(422, 'blocked_by_amazon', 0, '5')).sleeps).toEqual([60_000, 60_000, 60_000]);
    expect((await runToEnd(502, 'target_unreachable', 0, '90')).sleeps).toEqual([90_000, 90_000, 90_000]);
  });

  it('stops with retry-after-too-long rather than sleeping for an hour', async () => {
    const { error, sleeps } = await runToEnd(429, 'rate_limited', 0, '3600');
    expect([error.reason, error.refusedDelayMs, sleeps]).toEqual(['retry-after-too-long', 3_600_000, []]);
  });
});

describe("scraperPolicy agrees with the seed's canonical retry loop", () => {
  /**
   * The seed's `scrapeWithRetry`, ported as a model: the delays it would sleep for a sequence of
   * failed responses, with Math.random replaced by the given numbers.
   */
  function canonicalLoop(responses: { status: number; retryAfter?: number }[], randoms: number[], maxAttempts = 4): number[] | string {
    const slept: number[] = [];
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const res = responses[attempt - 1]!;
      if ([400, 401, 402, 403, 404, 501].includes(res.status)) return `permanent: ${res.status}`;
      if (attempt === maxAttempts) return slept;
      const retryAfter = Number(res.retryAfter ?? null) * 1000;
      const backoff = retryAfter || Math.min(2 ** attempt * 1000, 30_000);
      slept.push(Math.floor(backoff + randoms[attempt - 1]! * 1000));
    }
    return slept;
  }

  it('sleeps what the canonical loop sleeps for codes it governs (5xx without a table row, 429, capacity, extraction_failed)', () => {
    const response = fc.record({
      failure: fc.constantFrom<Failure>(
        { kind: 'http', status: 500 },
        { kind: 'http', status: 504 },
        { kind: 'http', status: 429, code: 'rate_limited' },
        { kind: 'http', status: 503, code: 'capacity' },
        { kind: 'http', status: 502, code: 'extraction_failed' },
      ),
      retryAfter: fc.option(fc.integer({ min: 1, max: 120 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(response, { minLength: 4, maxLength: 4 }), fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 4, maxLength: 4 }), (responses, randoms) => {
        const expected = canonicalLoop(responses.map((r) => ({ status: r.failure.status!, retryAfter: r.retryAfter })), randoms);
        const actual: number[] = [];
        for (let attempt = 1; attempt <= 4; attempt++) {
          const { failure, retryAfter } = responses[attempt - 1]!;
          const decision = scraperPolicy.decide(
            retryAfter === undefined ? failure : { ...failure, retryAfterMs: retryAfter * 1000 },
            { attempt, random: randoms[attempt - 1] },
          );
          if (decision.action === 'stop') break;
          actual.push(decision.delayMs);
        }
        expect(actual).toEqual(expected);
      }),
    );
  });

  it.each([400, 401, 402, 403, 404, 501])('never retries the canonical loop\'s permanent status %d, whatever the code', (status) => {
    expect(scraperPolicy.decide({ kind: 'http', status, code: 'something_new' }, { attempt: 1 })).toMatchObject({ action: 'stop', reason: 'not-retryable' });
  });

  it('retries network failures on the canonical schedule and stops other 4xx', () => {
    expect(scraperPolicy.decide({ kind: 'network', code: 'ECONNRESET' }, { attempt: 2, random: 0 })).toMatchObject({ action: 'retry', delayMs: 4000 });
    expect(scraperPolicy.decide({ kind: 'http', status: 409 }, { attempt: 1 })).toMatchObject({ action: 'stop', reason: 'not-retryable' });
  });
});
