import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFate } from '../../src/failure/request-fate.js';
import { definePolicy, isRetryError, normalizeFailure, plan, retry, scraperPolicy, spApiPolicy, TestClock, withRetry, type Failure } from '../../src/index.js';
import { refusedPort } from '../support/local-server.js';

/** A server that reads the whole request, as if it processed it, then resets the connection without answering. */
let server: Server;
let base: string;
const received: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(`${req.method} ${body}`);
      res.socket?.resetAndDestroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const submitFeed = (url: string) => (ctx: { signal: AbortSignal }) => fetch(`${url}/feeds/2021-06-30/feeds`, { method: 'POST', body: '{"feedType":"POST_PRODUCT_DATA"}', signal: ctx.signal });

describe('idempotent: false retries only what was certainly not processed', () => {
  it('a POST whose connection resets after the request was written is not retried', async () => {
    received.length = 0;
    const clock = new TestClock();
    const error = await clock.run(retry(spApiPolicy, submitFeed(base), { clock, idempotent: false })).catch((e: unknown) => e);
    expect(isRetryError(error)).toBe(true);
    if (!isRetryError(error)) return;
    expect(error.reason).toBe('unsafe-to-retry');
    expect(error.attempts.map((a) => [a.kind, a.action, a.reason, a.rule])).toEqual([['network', 'stop', 'unsafe-to-retry', 'network']]);
    expect(received).toEqual(['POST {"feedType":"POST_PRODUCT_DATA"}']);
    expect(clock.sleeps).toEqual([]);
  });

  it('the same call against a refused connection is retried, as without the option', async () => {
    const port = await refusedPort();
    const clock = new TestClock();
    const error = await clock.run(retry(spApiPolicy, submitFeed(`http://127.0.0.1:${port}`), { clock, idempotent: false, random: () => 0.5 })).catch((e: unknown) => e);
    expect(isRetryError(error)).toBe(true);
    if (!isRetryError(error)) return;
    expect(error.reason).toBe('attempts-exhausted');
    expect(error.attempts.map((a) => a.code)).toEqual(Array(5).fill('ECONNREFUSED'));
  });

  it('by default (idempotent) the reset POST is retried, as before', async () => {
    received.length = 0;
    const clock = new TestClock();
    const error = await clock.run(retry(spApiPolicy, submitFeed(base), { clock, random: () => 0 })).catch((e: unknown) => e);
    expect(isRetryError(error) && error.reason).toBe('attempts-exhausted');
    expect(received).toHaveLength(5);
  });

  it('a row can say it too, and the call option wins over the row', async () => {
    const writes = definePolicy({
      name: 'writes',
      maxAttempts: 3,
      schedule: { type: 'constant', delayMs: 10 },
      rules: [
        { match: { kind: 'network' }, retry: true, idempotent: false, note: 'our POSTs create orders' },
        { match: {}, retry: false },
      ],
    });
    const reset: Failure = { kind: 'network', code: 'ECONNRESET', message: 'read ECONNRESET' };
    expect(plan(writes, [reset]).outcome).toEqual({ stopped: true, reason: 'unsafe-to-retry' });
    expect(plan(writes, [reset], { idempotent: true }).steps[0]!.delayMs).toBe(10);
    expect(plan(writes, [{ kind: 'network', code: 'ECONNREFUSED' }]).steps[0]!.delayMs).toBe(10);
  });

  it('for any failure: never retries one that may have been processed, and decides the others exactly as an idempotent call', () => {
    const failure = fc.record(
      {
        kind: fc.constantFrom('http' as const, 'network' as const, 'timeout' as const, 'abort' as const, 'unknown' as const),
        status: fc.integer({ min: 400, max: 599 }),
        code: fc.constantFrom('ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'rate_limited', 'capacity', 'QuotaExceeded'),
        retryAfterMs: fc.integer({ min: 0, max: 10_000 }),
      },
      { requiredKeys: ['kind'] },
    );
    fc.assert(
      fc.property(fc.array(failure, { minLength: 1, maxLength: 5 }), (failures) => {
        for (const policy of [spApiPolicy, scraperPolicy]) {
          const unsafe = plan(policy, failures, { idempotent: false });
          const safe = plan(policy, failures);
          unsafe.steps.forEach((step, i) => {
            const fate = requestFate(failures[i]!);
            // Until the unsafe call stops, both calls decide alike; it retries only unprocessed failures.
            if (step.reason === 'unsafe-to-retry') {
              expect(fate).toBe('maybe-processed');
              expect(safe.steps[i]!.decision.action).toBe('retry');
            } else {
              expect([step.delayMs, step.reason]).toEqual([safe.steps[i]!.delayMs, safe.steps[i]!.reason]);
              if (step.decision.action === 'retry') expect(fate).toBe('not-processed');
            }
          });
        }
      }),
    );
  });
});

describe('ctx.idempotencyKey', () => {
  it('is one key per call, the same for every attempt, on the fast path and with a signal', async () => {
    for (const options of [{}, { signal: new AbortController().signal }, { attemptTimeoutMs: 60_000 }]) {
      const clock = new TestClock();
      const keys: string[] = [];
      const call = () =>
        clock.run(
          retry(
            definePolicy({ name: 'p', maxAttempts: 3, rules: [{ match: {}, retry: true, schedule: { type: 'constant', delayMs: 1 } }] }),
            (ctx) => {
              keys.push(ctx.idempotencyKey);
              if (ctx.attempt < 3) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
              return 'ok';
            },
            { clock, ...options },
          ),
        );
      await call();
      await call();
      expect(keys).toHaveLength(6);
      expect(new Set(keys.slice(0, 3)).size).toBe(1);
      expect(new Set(keys.slice(3)).size).toBe(1);
      expect(keys[0]).not.toBe(keys[3]);
      expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('reaches the server as an Idempotency-Key header, the same on the retry', async () => {
    const seen: (string | undefined)[] = [];
    const keyed = createServer((req, res) => {
      seen.push(req.headers['idempotency-key'] as string | undefined);
      res.writeHead(seen.length === 1 ? 503 : 201, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end(seen.length === 1 ? '{"error":"capacity"}' : '{"id":"ord_1"}');
    });
    await new Promise<void>((resolve) => keyed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(keyed.address() as AddressInfo).port}/orders`;
    try {
      const response = await retry(scraperPolicy, (ctx) => fetch(url, { method: 'POST', headers: { 'Idempotency-Key': ctx.idempotencyKey }, signal: ctx.signal }), { random: () => 0 });
      expect(response.status).toBe(201);
      expect(seen).toHaveLength(2);
      expect(seen[0]).toBeDefined();
      expect(seen[1]).toBe(seen[0]);
    } finally {
      await new Promise<void>((resolve) => keyed.close(() => resolve()));
    }
  });
});

describe('requestFate on real failures', () => {
  it('a refused fetch was never sent; a reset after the body was read may have been processed', async () => {
    const port = await refusedPort();
    const refused = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(requestFate(await normalizeFailure(refused))).toBe('not-processed');
    const reset = await fetch(`${base}/x`, { method: 'POST', body: 'x' }).catch((e: unknown) => e);
    expect(requestFate(await normalizeFailure(reset))).toBe('maybe-processed');
  });

  it.each<[string, Failure, string]>([
    ['429', { kind: 'http', status: 429 }, 'not-processed'],
    ['503 with Retry-After', { kind: 'http', status: 503, retryAfterMs: 1000 }, 'not-processed'],
    ['503 without', { kind: 'http', status: 503 }, 'maybe-processed'],
    ['500', { kind: 'http', status: 500 }, 'maybe-processed'],
    ['400', { kind: 'http', status: 400 }, 'not-processed'],
    ['DNS', { kind: 'network', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND sellingpartnerapi-na.amazon.com' }, 'not-processed'],
    ['connect timeout (Node)', { kind: 'network', code: 'ETIMEDOUT', message: 'connect ETIMEDOUT 10.0.0.1:443' }, 'not-processed'],
    ['read timeout (Node)', { kind: 'network', code: 'ETIMEDOUT', message: 'read ETIMEDOUT' }, 'maybe-processed'],
    ['undici connect timeout', { kind: 'network', code: 'UND_ERR_CONNECT_TIMEOUT' }, 'not-processed'],
    ['undici headers timeout', { kind: 'network', code: 'UND_ERR_HEADERS_TIMEOUT' }, 'maybe-processed'],
    ['TLS', { kind: 'network', code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'not-processed'],
    ['got connect timeout', { kind: 'timeout', code: 'ETIMEDOUT', message: "Timeout awaiting 'connect' for 500ms" }, 'not-processed'],
    ['got response timeout', { kind: 'timeout', code: 'ETIMEDOUT', message: "Timeout awaiting 'response' for 5000ms" }, 'maybe-processed'],
    ['axios timeout', { kind: 'timeout', code: 'ECONNABORTED', message: 'timeout of 100ms exceeded' }, 'maybe-processed'],
    ['abort', { kind: 'abort' }, 'maybe-processed'],
  ])('%s: %s', (_label, failure, fate) => {
    expect(requestFate(failure)).toBe(fate);
  });
});

// withRetry callers get arguments, not a context: the option still applies.
describe('withRetry with idempotent: false', () => {
  it('stops a reset POST with unsafe-to-retry', async () => {
    const clock = new TestClock();
    const post = withRetry(spApiPolicy, { clock, idempotent: false })((body: string) => fetch(`${base}/feeds/2021-06-30/feeds`, { method: 'POST', body }));
    const error = await clock.run(post('{}')).catch((e: unknown) => e);
    expect(isRetryError(error) && error.reason).toBe('unsafe-to-retry');
  });
});
