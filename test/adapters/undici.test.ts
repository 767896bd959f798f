import diagnostics_channel from 'node:diagnostics_channel';
import { Agent, getGlobalDispatcher, request, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { policyRetryInterceptor } from '../../src/adapters/undici.js';
import { isRetryError, retryBudget, scraperPolicy, TestClock, type Clock, type RetryBudget, type RetryError, type RetryEvent, type RetryInfo } from '../../src/index.js';
import { refusedPort } from '../support/local-server.js';
import { scraperError, startScriptServer, type ScriptServer } from './http-script.js';

/**
 * policyRetryInterceptor composed into a real undici Agent, against a local node:http server:
 * through undici's `request`, and through Node's own global `fetch` after `setGlobalDispatcher`.
 * The TestClock makes every wait instant and records it; `random: () => 0` removes
 * scraperPolicy's jitter.
 */
let server: ScriptServer;
let clock: TestClock;
let agent: Dispatcher;
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
  agent = new Agent().compose(
    policyRetryInterceptor(scraperPolicy, { clock, random: () => 0, onRetry: (info) => retries.push(info), onGiveUp: (error) => giveUps.push(error) }),
  );
});
afterEach(() => agent.close());

async function get(path: string, options: Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & { method?: Dispatcher.HttpMethod } = {}) {
  const response = await clock.run(request(`${server.url}${path}`, { dispatcher: agent, ...options }));
  return { statusCode: response.statusCode, headers: response.headers, text: await response.body.text() };
}

describe('policyRetryInterceptor with undici request', () => {
  it('retries a 503 on the policy\'s schedule and returns the 200', async () => {
    server.answer(scraperError(503, 'capacity'), { status: 200, body: 'ok' });
    expect(await get('/product')).toMatchObject({ statusCode: 200, text: 'ok' });
    expect(server.requests).toHaveLength(2);
    expect(clock.sleeps).toEqual([2000]);
    expect(retries.map((r) => [r.attempt, r.failure.status, r.failure.code, r.decision.rule.id])).toEqual([[1, 503, 'capacity', 'capacity']]);
  });

  it('honours Retry-After on a 429', async () => {
    server.answer(scraperError(429, 'rate_limited', { 'Retry-After': '7' }), { status: 200, body: 'ok' });
    const started = Date.now();
    expect((await get('/product')).statusCode).toBe(200);
    expect(clock.sleeps).toEqual([7000]);
    expect(retries[0]!.decision.source).toBe('retry-after');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reads the error code from the body: a 400 invalid_params reaches the caller at once, as sent', async () => {
    server.answer(scraperError(400, 'invalid_params'));
    const answer = await get('/product');
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({ error: 'invalid_params', message: 'invalid_params (test)' });
    expect(answer.headers['content-type']).toBe('application/json');
    expect(server.requests).toHaveLength(1);
    expect(giveUps.map((e) => [e.reason, e.failure.code, (e.cause as Response).status])).toEqual([['not-retryable', 'invalid_params', 400]]);
  });

  it('hands over the last answer when the policy gives up, the journal to onGiveUp', async () => {
    server.answer(scraperError(500, 'internal_error', { 'x-request-id': 'r-500' }));
    const answer = await get('/product');
    expect(answer.statusCode).toBe(500);
    expect(JSON.parse(answer.text).error).toBe('internal_error');
    expect(server.requests).toHaveLength(4);
    expect(clock.sleeps).toEqual([5000, 5000, 5000]);
    expect(giveUps[0]!.reason).toBe('attempts-exhausted');
    expect(giveUps[0]!.attempts.map((a) => [a.attempt, a.status, a.code, a.action])).toEqual([
      [1, 500, 'internal_error', 'retry'],
      [2, 500, 'internal_error', 'retry'],
      [3, 500, 'internal_error', 'retry'],
      [4, 500, 'internal_error', 'stop'],
    ]);
  });

  it('keeps error bodies up to 64 KiB for the decision and still delivers a longer one whole', async () => {
    const padding = 'x'.repeat(100 * 1024);
    const long = (status: number, code: string) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: code, padding }) });
    server.answer(long(503, 'capacity'), long(400, 'invalid_params'));
    const answer = await get('/product');
    expect(answer.statusCode).toBe(400);
    expect(answer.text).toBe(long(400, 'invalid_params').body);
    expect(server.requests).toHaveLength(2);
    // Past 64 KiB the JSON is cut, so the code is not read: the status rows decide.
    expect(retries.map((r) => [r.failure.status, r.decision.rule.id])).toEqual([[503, 'server-error']]);
    expect(giveUps.map((e) => [e.reason, e.attempts.at(-1)?.rule])).toEqual([['not-retryable', 'permanent-status']]);
  });

  it('retries a refused connection; when the policy gives up, rejects with the RetryError', async () => {
    const port = await refusedPort();
    const error = await clock.run(request(`http://127.0.0.1:${port}/product`, { dispatcher: agent })).catch((e: unknown) => e);
    expect(isRetryError(error)).toBe(true);
    expect((error as RetryError).reason).toBe('attempts-exhausted');
    expect((error as RetryError).attempts.map((a) => [a.kind, a.code])).toEqual(Array(4).fill(['network', 'ECONNREFUSED']));
    expect((error as RetryError).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('retries a refused connection, and the request succeeds once the server is up', async () => {
    const port = await refusedPort();
    let late: ScriptServer | undefined;
    let now = 0;
    const upOnWait: Clock = {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
        late ??= await startScriptServer(port);
      },
    };
    const seen: RetryInfo[] = [];
    const upAgent = new Agent().compose(policyRetryInterceptor(scraperPolicy, { clock: upOnWait, random: () => 0, onRetry: (info) => seen.push(info) }));
    try {
      const response = await request(`http://127.0.0.1:${port}/product`, { dispatcher: upAgent });
      expect([response.statusCode, await response.body.text()]).toEqual([200, 'ok']);
      expect(seen.map((r) => [r.failure.kind, r.failure.code])).toEqual([['network', 'ECONNREFUSED']]);
    } finally {
      await upAgent.close();
      await late?.close();
    }
  });

  it('a POST is retried only when the failure proves it unprocessed, with the same body', async () => {
    server.answer(scraperError(500, 'internal_error'));
    expect((await get('/orders', { method: 'POST', body: '{"sku":1}' })).statusCode).toBe(500);
    expect(server.requests).toHaveLength(1);
    expect(giveUps[0]!.reason).toBe('unsafe-to-retry');

    server.requests.length = 0;
    server.answer(scraperError(429, 'rate_limited', { 'Retry-After': '1' }), { status: 201, body: 'created' });
    expect((await get('/orders', { method: 'POST', body: '{"sku":1}' })).statusCode).toBe(201);
    expect(server.requests.map((r) => [r.method, r.body])).toEqual([
      ['POST', '{"sku":1}'],
      ['POST', '{"sku":1}'],
    ]);
  });

  it('asks the budget before a retry: a refusal hands over the answer, the RetryError says budget-exhausted', async () => {
    const refusing: RetryBudget = { ...retryBudget({ type: 'aws-quota' }), requestRetry: async () => ({ allowed: false, taken: 0 }) };
    const stopped: RetryError[] = [];
    const budgeted = new Agent().compose(policyRetryInterceptor(scraperPolicy, { clock, random: () => 0, budget: refusing, onGiveUp: (e) => stopped.push(e) }));
    server.answer(scraperError(503, 'capacity'));
    try {
      const response = await clock.run(request(`${server.url}/product`, { dispatcher: budgeted }));
      await response.body.dump();
      expect(response.statusCode).toBe(503);
      expect(stopped.map((e) => e.reason)).toEqual(['budget-exhausted']);
    } finally {
      await budgeted.close();
    }
  });

  it('publishes on the diagnostics channels like withRetry', async () => {
    const events: RetryEvent[] = [];
    const listener = (message: unknown): void => void events.push(message as RetryEvent);
    diagnostics_channel.subscribe('retry-table:retry', listener);
    try {
      server.answer(scraperError(503, 'capacity'), { status: 200, body: 'ok' });
      await get('/product');
    } finally {
      diagnostics_channel.unsubscribe('retry-table:retry', listener);
    }
    expect(events).toMatchObject([{ policy: 'scraper', attempt: 1, delayMs: 2000, rule: 'capacity' }]);
  });

  it('the caller\'s abort ends a wait at once', async () => {
    server.answer(scraperError(503, 'capacity', { 'Retry-After': '30' }));
    const controller = new AbortController();
    const settled = request(`${server.url}/product`, { dispatcher: agent, signal: controller.signal }).catch((e: unknown) => e);
    for (let i = 0; i < 100 && clock.pending === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(clock.pending).toBe(1);
    controller.abort(new Error('user went away'));
    expect(await settled).toMatchObject({ message: 'user went away' });
    expect(server.requests).toHaveLength(1);
  });

  it('the caller\'s abort ends an attempt in flight, and nothing is retried', async () => {
    server.answer('stall');
    const controller = new AbortController();
    const settled = request(`${server.url}/product`, { dispatcher: agent, signal: controller.signal }).catch((e: unknown) => e);
    for (let i = 0; i < 100 && server.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    controller.abort(new Error('user went away'));
    expect(await settled).toMatchObject({ message: 'user went away' });
    expect(server.requests).toHaveLength(1);
    expect(retries).toEqual([]);
    expect(giveUps).toEqual([]);
  });

  it('checks its options where given', () => {
    expect(() => policyRetryInterceptor(scraperPolicy, { maxElapsed: 1 } as never)).toThrow(/maxElapsed is not an option of policyRetryInterceptor; did you mean maxElapsedMs\?/);
    expect(() => policyRetryInterceptor(scraperPolicy, { signal: AbortSignal.timeout(1) } as never)).toThrow(/signal is not an option of policyRetryInterceptor/);
  });
});

describe('policyRetryInterceptor with the global fetch (setGlobalDispatcher)', () => {
  let previous: Dispatcher;
  beforeEach(() => {
    previous = getGlobalDispatcher();
    setGlobalDispatcher(agent);
  });
  afterEach(() => setGlobalDispatcher(previous));

  it('Node\'s own fetch goes through the interceptor: a 503 is retried, the 200 returned', async () => {
    server.answer(scraperError(503, 'capacity'), { status: 200, headers: { 'content-type': 'application/json' }, body: '{"asin":"B000000001"}' });
    const response = await clock.run(fetch(`${server.url}/product`));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ asin: 'B000000001' });
    expect(server.requests).toHaveLength(2);
    expect(clock.sleeps).toEqual([2000]);
  });

  it('fetch resolves with the answer the policy stops on, body intact', async () => {
    server.answer(scraperError(429, 'rate_limited', { 'Retry-After': '3' }), scraperError(404, 'not_found'));
    const response = await clock.run(fetch(`${server.url}/product`));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'not_found' });
    expect(clock.sleeps).toEqual([3000]);
    expect(giveUps.map((e) => e.reason)).toEqual(['not-retryable']);
  });

  it('a fetch that fails without an answer rejects with fetch\'s TypeError, the RetryError as its cause', async () => {
    const port = await refusedPort();
    const error = await clock.run(fetch(`http://127.0.0.1:${port}/product`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(isRetryError((error as TypeError).cause)).toBe(true);
    expect(((error as TypeError).cause as RetryError).attempts).toHaveLength(4);
  });

  it('a fetch body is a stream, sent once: a POST through fetch is not retried', async () => {
    server.answer(scraperError(503, 'capacity', { 'Retry-After': '1' }), { status: 201, body: 'created' });
    const response = await clock.run(fetch(`${server.url}/orders`, { method: 'POST', body: '{"sku":1}' }));
    expect(response.status).toBe(503);
    await response.arrayBuffer();
    expect(server.requests).toHaveLength(1);
    expect(retries).toEqual([]);
  });
});
