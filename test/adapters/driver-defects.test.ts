// Issue #21: behaviours ported from the peers' own suites that the adapters' hand-written attempt
// loops got wrong, each against the real client and a local node:http server.
// - axios-retry (test/index.spec.ts, "should not run transformRequest twice" and the body cases):
//   a retried request reaches the server exactly as the first attempt did.
// - undici (test/interceptors/retry.js, test/interceptors/redirect.js): 1xx answers are not the
//   final answer; the redirect interceptor's context (history) reaches the caller in either order.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { Agent, interceptors, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryAxios } from '../../src/adapters/axios.js';
import { policyRetryInterceptor } from '../../src/adapters/undici.js';
import { definePolicy, rateLimiter, scraperPolicy, TestClock } from '../../src/index.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Answers each request with the next scripted handler; records method, url, headers and raw body. */
let server: Server;
let base: string;
const seen: Seen[] = [];
let script: ((res: import('node:http').ServerResponse, req: Seen) => void)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry: Seen = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(entry);
      const next = script.shift() ?? ((r) => r.writeHead(200).end('ok'));
      next(res, entry);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const unavailable = (res: import('node:http').ServerResponse): void => void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"capacity"}');

/** Retries every 5xx at once: the retries themselves are what these tests look at. */
const immediate = definePolicy({
  name: 'immediate',
  maxAttempts: 3,
  schedule: { type: 'constant', delayMs: 0 },
  jitter: 'none',
  rules: [
    { match: { status: '5xx' }, retry: true },
    { match: {}, retry: false },
  ],
});

function reset(...handlers: typeof script): void {
  seen.length = 0;
  script = handlers;
}

describe('retryAxios re-sends the request as the caller made it', () => {
  it.each([
    ['a JSON object', { order: 42, items: ['a', 'b'], note: 'ünïcode' }, 'application/json'],
    ['URLSearchParams', new URLSearchParams({ asin: 'B000000001', marketplace: 'ATVPDKIKX0DER', q: 'a&b=c' }), 'application/x-www-form-urlencoded'],
  ])('a POST with %s reaches the server byte-identical on every attempt', async (_label, data, type) => {
    reset(unavailable, unavailable);
    const api = axios.create({ baseURL: base });
    retryAxios(api, immediate, { idempotent: true });
    const response = await api.post('/orders', data);
    expect(response.status).toBe(200);
    expect(seen).toHaveLength(3);
    const [first, ...retries] = seen;
    expect(first!.headers['content-type']).toContain(type);
    expect(Number(first!.headers['content-length'])).toBe(Buffer.byteLength(first!.body));
    for (const retried of retries) {
      expect(retried.body).toBe(first!.body);
      expect(retried.headers['content-length']).toBe(first!.headers['content-length']);
      expect(retried.headers['content-type']).toBe(first!.headers['content-type']);
    }
  });

  it('transformRequest runs once per attempt on the original data, never on its own output', async () => {
    reset(unavailable);
    const api = axios.create({ baseURL: base, transformRequest: [(data: unknown) => JSON.stringify({ envelope: data })] });
    retryAxios(api, immediate, { idempotent: true });
    await api.post('/wrapped', { id: 7 }, { headers: { 'content-type': 'application/json' } });
    expect(seen.map((r) => r.body)).toEqual(['{"envelope":{"id":7}}', '{"envelope":{"id":7}}']);
  });

  it('a request can turn retries off, or choose its own policy (retryTable in its config)', async () => {
    const api = axios.create({ baseURL: base });
    retryAxios(api, immediate);
    reset(unavailable, unavailable);
    const once = await api.get('/once', { retryTable: false }).catch((e: unknown) => e);
    expect((once as { response?: { status: number } }).response?.status).toBe(503);
    expect(seen).toHaveLength(1);

    reset(unavailable, unavailable, unavailable, unavailable);
    const twoAttempts = immediate.with({ maxAttempts: 2 });
    await api.get('/two', { retryTable: { policy: twoAttempts } }).catch((e: unknown) => e);
    expect(seen).toHaveLength(2);
    await expect(api.get('/bad', { retryTable: { policy: {} } as never })).rejects.toThrow(/retryTable must be false or \{ policy \}/);
  });
});

describe('policyRetryInterceptor: the final status decides, and the wrapped dispatchers keep their say', () => {
  it('a 103 Early Hints before a 503 is not the answer: the 503 is retried, the 200 returned', async () => {
    reset(
      (res) => {
        res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
        unavailable(res);
      },
      (res) => res.writeHead(200).end('final'),
    );
    const agent = new Agent().compose(policyRetryInterceptor(immediate));
    const { statusCode, body } = await request(`${base}/hinted`, { dispatcher: agent });
    expect(statusCode).toBe(200);
    expect(await body.text()).toBe('final');
    expect(seen).toHaveLength(2);
    await agent.close();
  });

  it('a dispatcher that does hand it a 1xx (HTTP/1.1 undici does not; another dispatcher may): it passes through, the final status decides', async () => {
    // No real client delivers a 1xx to an interceptor over HTTP/1.1, so this dispatch is scripted.
    const answers = [[103, 503], [200]];
    let dispatched = 0;
    const dispatch = (_opts: unknown, handler: import('undici').Dispatcher.DispatchHandler): boolean => {
      const statuses = answers[dispatched++]!;
      const controller = { abort: () => undefined, pause: () => undefined, resume: () => undefined, aborted: false, paused: false, reason: null } as never;
      queueMicrotask(() => {
        handler.onRequestStart?.(controller, {});
        for (const status of statuses) handler.onResponseStart?.(controller, status, {}, '');
        handler.onResponseData?.(controller, Buffer.from(statuses.at(-1) === 200 ? 'final' : '{"error":"capacity"}'));
        handler.onResponseEnd?.(controller, {});
      });
      return true;
    };
    const seenStatuses: number[] = [];
    let successes = 0;
    const limiter = rateLimiter({ ratePerSecond: 1000, burst: 10 });
    const counting = { ...limiter, acquire: limiter.acquire.bind(limiter), release: limiter.release.bind(limiter), observeFailure: limiter.observeFailure.bind(limiter), observeSuccess: () => void successes++ };
    const wrapped = policyRetryInterceptor(immediate, { rateLimiter: counting })(dispatch as never);
    await new Promise<void>((resolve, reject) => {
      wrapped({ method: 'GET', path: '/', origin: 'http://x' } as never, {
        onResponseStart: (_c, status) => void seenStatuses.push(status),
        onResponseEnd: () => resolve(),
        onResponseError: (_c, error) => reject(error),
      });
    });
    // The caller saw the 103 pass by and the final 200; the 503 was held and retried.
    expect(seenStatuses).toEqual([103, 200]);
    expect(dispatched).toBe(2);
    // One success, counted at the final 200, not at the 103.
    expect(successes).toBe(1);
  });

  it.each(['retry outside redirect', 'redirect outside retry'])('with %s and a rate limiter, the redirect history reaches the caller', async (order) => {
    reset((res) => res.writeHead(302, { location: '/final' }).end(), (res) => res.writeHead(200).end('landed'));
    const retrying = policyRetryInterceptor(scraperPolicy, { clock: new TestClock(), rateLimiter: rateLimiter({ ratePerSecond: 100, burst: 5 }) });
    const redirecting = interceptors.redirect({ maxRedirections: 2 });
    const agent = order === 'retry outside redirect' ? new Agent().compose(redirecting, retrying) : new Agent().compose(retrying, redirecting);
    const response = await request(`${base}/start`, { dispatcher: agent });
    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toBe('landed');
    const history = (response.context as { history?: URL[] } | undefined)?.history ?? [];
    expect(history.map(String)).toEqual([`${base}/start`, `${base}/final`]);
    await agent.close();
  });
});

describe('policyRetryInterceptor resumes an answer whose body broke off (undici RetryHandler\'s "Should handle 206 partial content")', () => {
  const whole = Buffer.from('0123456789abcdef'.repeat(64)); // 1,024 bytes
  const brokenAt = 400;
  const network = definePolicy({
    name: 'network',
    maxAttempts: 3,
    schedule: { type: 'constant', delayMs: 0 },
    jitter: 'none',
    rules: [
      { match: { kind: 'network' }, retry: true },
      { match: {}, retry: false },
    ],
  });
  /** Sends the head and the first 400 bytes, then drops the connection. */
  const breaksOff =
    (headers: Record<string, string>) =>
    (res: import('node:http').ServerResponse): void => {
      res.writeHead(200, { 'content-length': String(whole.length), ...headers });
      res.write(whole.subarray(0, brokenAt), () => setTimeout(() => res.socket?.destroy(), 20));
    };

  it('with a strong ETag and Accept-Ranges: bytes, the rest comes by Range + If-Match, and the caller gets the whole body once', async () => {
    reset(breaksOff({ etag: '"v1"', 'accept-ranges': 'bytes' }), (res, req) => {
      const [, from] = /^bytes=(\d+)-/.exec(String(req.headers.range))!;
      res.writeHead(206, { etag: '"v1"', 'content-range': `bytes ${from}-${whole.length - 1}/${whole.length}` }).end(whole.subarray(Number(from)));
    });
    const agent = new Agent().compose(policyRetryInterceptor(network));
    const { statusCode, body } = await request(`${base}/file`, { dispatcher: agent });
    expect(statusCode).toBe(200);
    expect(Buffer.from(await body.arrayBuffer()).equals(whole)).toBe(true);
    expect(seen.map((r) => [r.headers.range, r.headers['if-match']])).toEqual([
      [undefined, undefined],
      [`bytes=${brokenAt}-${whole.length - 1}`, '"v1"'],
    ]);
    await agent.close();
  });

  it('a server that answers the Range request with a 200 fails the request clearly, never splicing two bodies', async () => {
    reset(breaksOff({ etag: '"v1"', 'accept-ranges': 'bytes' }), (res) => res.writeHead(200, { etag: '"v2"' }).end(whole));
    const agent = new Agent().compose(policyRetryInterceptor(network));
    const { body } = await request(`${base}/file`, { dispatcher: agent });
    await expect(body.arrayBuffer()).rejects.toThrow(/cannot resume the answer that broke off at byte 400: the server answered the Range request with status 200/);
    await agent.close();
  });

  it('without a strong ETag the break reaches the caller and nothing is re-sent', async () => {
    reset(breaksOff({ etag: 'W/"weak"', 'accept-ranges': 'bytes' }));
    const agent = new Agent().compose(policyRetryInterceptor(network));
    const { body } = await request(`${base}/file`, { dispatcher: agent });
    await expect(body.arrayBuffer()).rejects.toThrow();
    expect(seen).toHaveLength(1);
    await agent.close();
  });
});
