import diagnostics_channel from 'node:diagnostics_channel';
import axios, { isAxiosError, type AxiosInstance } from 'axios';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { retryAxios } from '../../src/adapters/axios.js';
import { isOptionsError, isRetryError, retryBudget, scraperPolicy, TestClock, type Clock, type RetryBudget, type RetryError, type RetryEvent, type RetryInfo } from '../../src/index.js';
import { refusedPort } from '../support/local-server.js';
import { scraperError, startScriptServer, type ScriptServer } from './http-script.js';

/**
 * retryAxios with a real axios instance against a local node:http server. The TestClock makes
 * every wait instant and records it; `random: () => 0` removes scraperPolicy's jitter.
 */
let server: ScriptServer;
let clock: TestClock;
let api: AxiosInstance;
let eject: () => void;
const retries: RetryInfo[] = [];
const giveUps: RetryError[] = [];

beforeAll(async () => {
  server = await startScriptServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  retries.length = 0;
  giveUps.length = 0;
  clock = new TestClock(1_700_000_000_000);
  api = axios.create({ baseURL: server.url });
  eject = retryAxios(api, scraperPolicy, { clock, random: () => 0, onRetry: (info) => retries.push(info), onGiveUp: (error) => giveUps.push(error) });
});
afterEach(() => eject());

async function rejection(promise: Promise<unknown>): Promise<RetryError> {
  const error = await clock.run(promise).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isRetryError(error)) throw new Error(`expected a RetryError, got ${String(error)}`);
  return error;
}

describe('retryAxios: an axios interceptor driven by a policy', () => {
  it('retries a 503 on the policy\'s schedule and resolves with the 200', async () => {
    server.answer(scraperError(503, 'capacity'), { status: 200, headers: { 'content-type': 'application/json' }, body: '{"asin":"B000000001"}' });
    const response = await clock.run(api.get('/product?asin=B000000001'));
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ asin: 'B000000001' });
    expect(server.requests).toHaveLength(2);
    // The capacity row without Retry-After: the canonical backoff, 1 s · 2^1.
    expect(clock.sleeps).toEqual([2000]);
    expect(retries.map((r) => [r.attempt, r.delayMs, r.decision.rule.id, r.failure.code])).toEqual([[1, 2000, 'capacity', 'capacity']]);
  });

  it('re-sends the same config: method, headers, params and body', async () => {
    server.answer(scraperError(503, 'capacity'), { status: 200, body: 'saved' });
    const response = await clock.run(api.put('/items/7', { name: 'widget' }, { headers: { 'X-Trace': 'abc' }, params: { v: 2 } }));
    expect(response.data).toBe('saved');
    const [first, second] = server.requests;
    expect(second).toEqual(first);
    expect(first).toMatchObject({ method: 'PUT', path: '/items/7?v=2', body: '{"name":"widget"}' });
    expect(first!.headers['x-trace']).toBe('abc');
  });

  it('honours Retry-After on a 429 (read from the AxiosError)', async () => {
    server.answer(scraperError(429, 'rate_limited', { 'Retry-After': '7' }), { status: 200, body: 'ok' });
    const started = Date.now();
    const response = await clock.run(api.get('/product'));
    expect(response.data).toBe('ok');
    expect(clock.sleeps).toEqual([7000]);
    expect(retries[0]!.decision.source).toBe('retry-after');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops at once on a 400 with a RetryError whose cause is the AxiosError', async () => {
    server.answer(scraperError(400, 'invalid_params'));
    const error = await rejection(api.get('/product'));
    expect(error.reason).toBe('not-retryable');
    expect(isAxiosError(error.cause)).toBe(true);
    expect((error.cause as { response: { status: number } }).response.status).toBe(400);
    expect(error.attempts).toMatchObject([{ attempt: 1, status: 400, code: 'invalid_params', action: 'stop', rule: 'invalid_params' }]);
    expect(server.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
    expect(giveUps).toEqual([error]);
  });

  it('keeps the journal on the request: every attempt, until the policy gives up', async () => {
    server.answer(scraperError(500, 'internal_error'));
    const error = await rejection(api.get('/product'));
    expect(error.reason).toBe('attempts-exhausted');
    expect(error.attempts.map((a) => [a.attempt, a.status, a.action, a.delayMs])).toEqual([
      [1, 500, 'retry', 5000],
      [2, 500, 'retry', 5000],
      [3, 500, 'retry', 5000],
      [4, 500, 'stop', undefined],
    ]);
    expect(error.attempts[1]!.startedAt - error.attempts[0]!.startedAt).toBe(5000);
    expect(server.requests).toHaveLength(4);
  });

  it('retries a refused connection, and the request succeeds once the server is up', async () => {
    const port = await refusedPort();
    let late: ScriptServer | undefined;
    let now = 0;
    // A clock whose first wait brings the server up: the retry finds it listening.
    const upOnWait: Clock = {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
        late ??= await startScriptServer(port);
      },
    };
    const client = axios.create({ baseURL: `http://127.0.0.1:${port}` });
    const seen: RetryInfo[] = [];
    retryAxios(client, scraperPolicy, { clock: upOnWait, random: () => 0, onRetry: (info) => seen.push(info) });
    try {
      const response = await client.get('/product');
      expect(response.data).toBe('ok');
      expect(seen.map((r) => [r.failure.kind, r.failure.code, r.decision.rule.id])).toEqual([['network', 'ECONNREFUSED', 'network']]);
    } finally {
      await late?.close();
    }
  });

  it('a POST is retried only when the failure proves it unprocessed (unless idempotent: true)', async () => {
    server.answer(scraperError(500, 'internal_error'));
    const unsafe = await rejection(api.post('/orders', { sku: 1 }));
    expect(unsafe.reason).toBe('unsafe-to-retry');
    expect(server.requests).toHaveLength(1);

    server.requests.length = 0;
    server.answer(scraperError(429, 'rate_limited', { 'Retry-After': '1' }), { status: 201, body: 'created' });
    expect((await clock.run(api.post('/orders', { sku: 1 }))).status).toBe(201);
    expect(server.requests).toHaveLength(2);

    server.requests.length = 0;
    const trusting = axios.create({ baseURL: server.url });
    retryAxios(trusting, scraperPolicy, { clock, random: () => 0, idempotent: true });
    server.answer(scraperError(500, 'internal_error'), { status: 201, body: 'created' });
    expect((await clock.run(trusting.post('/orders', { sku: 1 }, { headers: { 'Idempotency-Key': 'k1' } }))).status).toBe(201);
    expect(server.requests).toHaveLength(2);
  });

  it('asks the budget before a retry: a refusal stops with budget-exhausted, a success is recorded', async () => {
    const credited: number[] = [];
    const budget = (allowed: boolean): RetryBudget => ({
      ...retryBudget({ type: 'aws-quota' }),
      requestRetry: async () => ({ allowed, taken: allowed ? 5 : 0 }),
      recordSuccess: async (taken) => void credited.push(taken),
    });
    const refusing = axios.create({ baseURL: server.url });
    retryAxios(refusing, scraperPolicy, { clock, random: () => 0, budget: budget(false) });
    server.answer(scraperError(503, 'capacity'));
    expect((await rejection(refusing.get('/product'))).reason).toBe('budget-exhausted');

    const granting = axios.create({ baseURL: server.url });
    retryAxios(granting, scraperPolicy, { clock, random: () => 0, budget: budget(true) });
    server.answer(scraperError(503, 'capacity'), { status: 200, body: 'ok' });
    await clock.run(granting.get('/product'));
    expect(credited).toEqual([5]);
  });

  it('publishes on the diagnostics channels like withRetry', async () => {
    const events: RetryEvent[] = [];
    const listener = (message: unknown): void => void events.push(message as RetryEvent);
    diagnostics_channel.subscribe('retry-table:retry', listener);
    try {
      server.answer(scraperError(503, 'capacity'), { status: 200, body: 'ok' });
      await clock.run(api.get('/product'));
    } finally {
      diagnostics_channel.unsubscribe('retry-table:retry', listener);
    }
    expect(events).toMatchObject([{ policy: 'scraper', attempt: 1, delayMs: 2000, rule: 'capacity', source: 'schedule' }]);
  });

  it('leaves a cancelled request alone, and aborts a wait with the signal\'s reason', async () => {
    server.answer(scraperError(503, 'capacity', { 'Retry-After': '30' }));
    const controller = new AbortController();
    const pending = api.get('/product', { signal: controller.signal });
    const settled = pending.catch((e: unknown) => e);
    // Let the first attempt fail and its 30 s wait start, then abort.
    for (let i = 0; i < 100 && clock.pending === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(clock.pending).toBe(1);
    controller.abort(new Error('user went away'));
    expect(await settled).toMatchObject({ message: 'user went away' });
    expect(server.requests).toHaveLength(1);
  });

  it('eject() removes the interceptors', async () => {
    eject();
    server.answer(scraperError(503, 'capacity'), { status: 200, body: 'ok' });
    const error = await api.get('/product').catch((e: unknown) => e);
    expect(isAxiosError(error)).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('checks its options where given: a typo or an option it cannot honour throws', () => {
    const client = axios.create();
    expect(() => retryAxios(client, scraperPolicy, { maxElapsed: 5 } as never)).toThrow(/maxElapsed is not an option of retryAxios; did you mean maxElapsedMs\?/);
    expect(() => retryAxios(client, scraperPolicy, { signal: AbortSignal.timeout(5) } as never)).toThrow(/signal is not an option of retryAxios/);
    expect(() => retryAxios(client, {} as never)).toThrow(/policy/);
    try {
      retryAxios(client, scraperPolicy, { maxElapsedMs: -1 });
    } catch (error) {
      expect(isOptionsError(error)).toBe(true);
    }
  });
});
