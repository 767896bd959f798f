import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { fromLists, startScriptedServer } from '../../src/demo/scripted-server.js';
import { isRetryError, retry, spApiPolicy, TestClock, type Failure } from '../../src/index.js';

/**
 * Amazon SP-API's status table (the response descriptions every API model shares, e.g.
 * models/orders-api-model/ordersV0.json) and the codes its sandbox examples use, with what
 * Amazon says about retrying: "A 429 is a retry-able status code. Feel free to try again, but
 * repeated throttled requests require a back off strategy" (Usage Plans and Rate Limits, FAQ).
 * 5xx: "An unexpected condition occurred" (500), "Temporary overloading or maintenance of the
 * server" (503). 4xx: the request is wrong ("missing or invalid parameters", "forbidden",
 * "does not exist", "size exceeded", "Content-Type header is invalid").
 */
const DOCUMENTED: readonly { status: number; code: string | undefined; retried: boolean }[] = [
  { status: 400, code: 'InvalidInput', retried: false },
  { status: 401, code: 'Unauthorized', retried: false },
  { status: 403, code: 'Unauthorized', retried: false },
  { status: 403, code: 'AccessDenied', retried: false },
  { status: 404, code: 'NotFound', retried: false },
  { status: 404, code: 'ResourceNotFound', retried: false },
  { status: 413, code: undefined, retried: false },
  { status: 415, code: undefined, retried: false },
  { status: 429, code: 'QuotaExceeded', retried: true },
  { status: 429, code: 'TooManyRequests', retried: true },
  { status: 429, code: undefined, retried: true },
  { status: 500, code: 'InternalFailure', retried: true },
  { status: 502, code: undefined, retried: true },
  { status: 503, code: 'ServiceUnavailable', retried: true },
  { status: 504, code: undefined, retried: true },
];

describe('spApiPolicy follows the SP-API status table', () => {
  it.each(DOCUMENTED)('$status $code: retried $retried', ({ status, code, retried }) => {
    const failure: Failure = { kind: 'http', status, ...(code === undefined ? {} : { code }) };
    expect(spApiPolicy.decide(failure, { attempt: 1 }).action).toBe(retried ? 'retry' : 'stop');
  });

  it('retries server errors with full jitter under min(20 s, 500 ms · 2^attempt), five attempts at most', () => {
    fc.assert(
      fc.property(fc.constantFrom(500, 502, 503, 504), fc.integer({ min: 1, max: 4 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (status, attempt, random) => {
        const decision = spApiPolicy.decide({ kind: 'http', status }, { attempt, random });
        expect(decision.action).toBe('retry');
        if (decision.action !== 'retry') return;
        const ceiling = Math.min(20_000, 500 * 2 ** attempt);
        expect(decision.delayMs).toBe(Math.floor(random * ceiling));
      }),
    );
    expect(spApiPolicy.decide({ kind: 'http', status: 503 }, { attempt: 5 })).toMatchObject({ action: 'stop', reason: 'attempts-exhausted' });
  });

  it('waits at least a 429 hint, and only adds jitter to it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (hintMs, random) => {
        const decision = spApiPolicy.decide({ kind: 'http', status: 429, code: 'QuotaExceeded', retryAfterMs: hintMs }, { attempt: 1, random });
        expect(decision).toMatchObject({ action: 'retry', source: 'retry-after' });
        if (decision.action === 'retry') expect(decision.delayMs).toBe(hintMs);
      }),
    );
  });
});

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** SP-API's wire format, from its "Response format" page: JSON `errors[]`, `x-amzn-RequestId`, `x-amzn-RateLimit-Limit`. */
function spApiAnswer(status: number, code: string, message: string, requestId: string, rateLimit?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-RequestId': requestId };
  if (rateLimit !== undefined) headers['x-amzn-RateLimit-Limit'] = rateLimit;
  return { status, headers, body: JSON.stringify({ errors: [{ code, message, details: '' }] }) };
}

describe('spApiPolicy with real fetch against a local server speaking SP-API', () => {
  it('429 QuotaExceeded with x-amzn-RateLimit-Limit: 0.5 waits 2 s (1/rate), then succeeds', async () => {
    const server = await startScriptedServer(
      fromLists({
        '/orders/v0/orders': [
          spApiAnswer(429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.', 'rid-1', '0.5'),
          { status: 200, headers: { 'content-type': 'application/json', 'x-amzn-RateLimit-Limit': '0.5' }, body: '{"payload":{"Orders":[]}}' },
        ],
      }),
    );
    close = server.close;
    const clock = new TestClock();
    const response = await clock.run(retry(spApiPolicy, (ctx) => fetch(`${server.url}/orders/v0/orders`, { signal: ctx.signal }), { clock, random: () => 0 }));
    expect(response.status).toBe(200);
    expect(clock.sleeps).toEqual([2000]);
    expect(server.requests).toHaveLength(2);
  });

  it('400 InvalidInput stops at once, with the code and request id in the journal', async () => {
    const server = await startScriptedServer(fromLists({ '/orders/v0/orders': [spApiAnswer(400, 'InvalidInput', 'Invalid Input', 'rid-400')] }));
    close = server.close;
    const clock = new TestClock();
    const error = await clock.run(retry(spApiPolicy, (ctx) => fetch(`${server.url}/orders/v0/orders`, { signal: ctx.signal }), { clock })).catch((e: unknown) => e);
    expect(isRetryError(error)).toBe(true);
    if (!isRetryError(error)) return;
    expect(error.reason).toBe('not-retryable');
    expect(error.attempts.map((a) => [a.status, a.code, a.requestId, a.rule])).toEqual([[400, 'InvalidInput', 'rid-400', 'InvalidInput']]);
    expect(error.attempts[0]!.errors).toEqual([{ code: 'InvalidInput', message: 'Invalid Input' }]);
    expect(clock.sleeps).toEqual([]);
  });

  it('503 is retried with backoff (random 0.5: 500, 1000 ms), then succeeds', async () => {
    const server = await startScriptedServer(
      fromLists({
        '/orders/v0/orders': [
          spApiAnswer(503, 'ServiceUnavailable', 'Service temporarily unavailable or down for maintenance.', 'rid-a'),
          spApiAnswer(503, 'ServiceUnavailable', 'Service temporarily unavailable or down for maintenance.', 'rid-b'),
          { status: 200, headers: { 'content-type': 'application/json' }, body: '{"payload":{}}' },
        ],
      }),
    );
    close = server.close;
    const clock = new TestClock();
    const response = await clock.run(retry(spApiPolicy, (ctx) => fetch(`${server.url}/orders/v0/orders`, { signal: ctx.signal }), { clock, random: () => 0.5 }));
    expect(response.status).toBe(200);
    // Full jitter at r = 0.5 of 500 · 2^1 and 500 · 2^2.
    expect(clock.sleeps).toEqual([500, 1000]);
  });
});
