import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRetryError, mwsPolicy, TestClock, withRetry, type Failure } from '../../src/index.js';
import { mwsErrorXml } from '../support/seed-bodies.js';

/**
 * Amazon MWS "Handling errors", Table 1 "Common HTTP error status codes", copied row by row from
 * the seed document, with its "Service errors" advice: 500 and 503 are retried, "with up to four
 * retries", spaced "1s, 4s, 10s, 30s".
 */
const SEED_TABLE: readonly { code: string; status: number; retried: boolean }[] = [
  { code: 'InputStreamDisconnected', status: 400, retried: false },
  { code: 'InvalidParameterValue', status: 400, retried: false },
  { code: 'AccessDenied', status: 401, retried: false },
  { code: 'InvalidAccessKeyId', status: 403, retried: false },
  { code: 'SignatureDoesNotMatch', status: 403, retried: false },
  { code: 'InvalidAddress', status: 404, retried: false },
  { code: 'InternalError', status: 500, retried: true },
  { code: 'QuotaExceeded', status: 503, retried: true },
  { code: 'RequestThrottled', status: 503, retried: true },
];
const SEED_SPACING_MS = [1000, 4000, 10_000, 30_000];

/** A wrapped call that fails with the given MWS error every time, as a real MWS Response. */
function alwaysFailing(code: string, status: number, headers: Record<string, string> = {}) {
  let calls = 0;
  const fn = async (): Promise<Response> => {
    calls++;
    return new Response(mwsErrorXml(code, `${code} message`, `rid-${calls}`), {
      status,
      headers: { 'content-type': 'text/xml', 'x-mws-request-id': `rid-${calls}`, 'x-mws-timestamp': `2024-01-10T00:00:0${calls}Z`, ...headers },
    });
  };
  return { fn, calls: () => calls };
}

async function runToEnd(code: string, status: number, headers?: Record<string, string>) {
  const clock = new TestClock(Date.parse('2024-01-10T00:00:00Z'));
  const target = alwaysFailing(code, status, headers);
  const error = await clock.run(withRetry(mwsPolicy, { clock })(target.fn)()).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isRetryError(error)) throw new Error(`expected a RetryError, got ${String(error)}`);
  return { error, sleeps: clock.sleeps, calls: target.calls() };
}

describe('mwsPolicy matches the MWS "Handling errors" table row by row', () => {
  it.each(SEED_TABLE.filter((row) => row.retried))('$code ($status) is retried at 1 s, 4 s, 10 s, 30 s, then gives up', async ({ code, status }) => {
    const { error, sleeps, calls } = await runToEnd(code, status);
    expect(sleeps).toEqual(SEED_SPACING_MS);
    expect(calls).toBe(5);
    expect(error.reason).toBe('attempts-exhausted');
    expect(error.attempts.map((a) => a.code)).toEqual(Array(5).fill(code));
  });

  it.each(SEED_TABLE.filter((row) => !row.retried))('$code ($status) is not retried', async ({ code, status }) => {
    const { error, sleeps, calls } = await runToEnd(code, status);
    expect(sleeps).toEqual([]);
    expect(calls).toBe(1);
    expect(error.reason).toBe('not-retryable');
    expect(error.failure).toMatchObject({ code, status });
  });

  it('keeps the RequestId and Timestamp of every attempt in the journal, as the seed asks', async () => {
    const { error } = await runToEnd('InternalError', 500);
    expect(error.attempts.map((a) => [a.requestId, a.timestamp])).toEqual([1, 2, 3, 4, 5].map((n) => [`rid-${n}`, `2024-01-10T00:00:0${n}Z`]));
    const cause = error.cause as Response;
    expect(cause.status).toBe(500);
    expect(await cause.text()).toContain('<RequestID>rid-5</RequestID>');
  });

  it.each([
    [500, 'any other 500'],
    [503, 'any other 503'],
  ])('retries a bare %d (%s) on the same spacing', async (status) => {
    const { sleeps } = await runToEnd('SomethingNew', status);
    expect(sleeps).toEqual(SEED_SPACING_MS);
  });

  it.each([405, 409, 413, 429])('does not retry other 4xx such as %d', async (status) => {
    const { error, calls } = await runToEnd('Whatever', status);
    expect([error.reason, calls]).toEqual(['not-retryable', 1]);
  });

  it('sleeps exactly 1 s, 4 s, 10 s, 30 s for any sequence of retryable failures', () => {
    const retryable: fc.Arbitrary<Failure> = fc.oneof(
      fc.constantFrom<Failure>(
        { kind: 'http', status: 500, code: 'InternalError' },
        { kind: 'http', status: 503, code: 'QuotaExceeded' },
        { kind: 'http', status: 503, code: 'RequestThrottled' },
        { kind: 'http', status: 500 },
        { kind: 'http', status: 503 },
        { kind: 'network', code: 'ECONNRESET' },
      ),
    );
    fc.assert(
      fc.property(fc.array(retryable, { minLength: 5, maxLength: 5 }), fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 5, maxLength: 5 }), (failures, randoms) => {
        const delays = failures.map((failure, i) => {
          const decision = mwsPolicy.decide(failure, { attempt: i + 1, random: randoms[i] });
          return decision.action === 'retry' ? decision.delayMs : decision.reason;
        });
        expect(delays).toEqual([...SEED_SPACING_MS, 'attempts-exhausted']);
      }),
    );
  });
});

describe('mwsPolicy: QuotaExceeded waits for the quota reset when it can', () => {
  it('waits until x-mws-quota-resetsOn when the reset is within 5 minutes', async () => {
    const clock = new TestClock(Date.parse('2024-01-10T00:00:00Z'));
    let calls = 0;
    const call = withRetry(mwsPolicy, { clock })(async () => {
      calls++;
      if (calls === 1) {
        return new Response(mwsErrorXml('QuotaExceeded', 'quota', 'rid'), {
          status: 503,
          headers: { 'x-mws-quota-max': '200', 'x-mws-quota-remaining': '0', 'x-mws-quota-resetsOn': '2024-01-10T00:00:45.000Z' },
        });
      }
      return new Response('<ok/>', { status: 200 });
    });
    const response = await clock.run(call());
    expect(response.status).toBe(200);
    expect(clock.sleeps).toEqual([45_000]);
  });

  it('stops at once with quota-exhausted and the reset time when the reset is an hour away', async () => {
    const { error, sleeps, calls } = await runToEnd('QuotaExceeded', 503, { 'x-mws-quota-resetsOn': '2024-01-10T01:00:00.000Z' });
    expect(sleeps).toEqual([]);
    expect(calls).toBe(1);
    expect(error.reason).toBe('quota-exhausted');
    expect(error.resetsAt).toBe(Date.parse('2024-01-10T01:00:00.000Z'));
  });
});

describe('mwsPolicy: jitter is a one-line opt-in', () => {
  it('keeps every delay within [d/2, d] with equal jitter', () => {
    const jittered = mwsPolicy.with({ jitter: 'equal' });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, random) => {
        const decision = jittered.decide({ kind: 'http', status: 503, code: 'RequestThrottled' }, { attempt, random });
        const d = SEED_SPACING_MS[attempt - 1]!;
        expect(decision.action).toBe('retry');
        if (decision.action === 'retry') {
          expect(decision.delayMs).toBeGreaterThanOrEqual(d / 2);
          expect(decision.delayMs).toBeLessThanOrEqual(d);
        }
      }),
    );
  });
});
