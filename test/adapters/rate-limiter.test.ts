import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import axios from 'axios';
import { Agent, getGlobalDispatcher, request, setGlobalDispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HttpAdapterOptions } from '../../src/adapters/adapter-options.js';
import { policyRetryStrategy, retryErrorOf } from '../../src/adapters/aws.js';
import { retryAxios } from '../../src/adapters/axios.js';
import { policyRetryInterceptor } from '../../src/adapters/undici.js';
import { definePolicy, isOptionsError, isRetryError, rateLimiter, TestClock, type Policy, type RateLimiter, type RetryError } from '../../src/index.js';
import { startScriptServer, type Answer, type ScriptServer } from './http-script.js';

/**
 * The `rateLimiter` option of the HTTP adapters, each with its real client against a local
 * node:http server: every attempt, first or retry, takes a token first, as in `withRetry`
 * (test/pacing/rate-limiter.test.ts holds the core to the same cases). The server records when
 * each request arrived by the test's clock, so the pacing is checked where it matters: at the
 * server. Retries wait 0 ms by the policy, so every wait seen is the limiter's.
 */
const paced = definePolicy({
  name: 'paced',
  maxAttempts: 4,
  maxDelayMs: 60_000,
  rules: [
    { id: 'retryable', match: { status: [429, '5xx'] }, retry: true, schedule: { type: 'constant', delayMs: 0 } },
    { id: 'other', match: {}, retry: false },
  ],
});

/** Answers shaped as DynamoDB's (AWS JSON 1.0), which axios and undici read as plain JSON. */
const failure = (status: number, type: string, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': `rid-${status}`, ...headers },
  body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `${type} (test)` }),
});
const ok: Answer = { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{"Item":{"id":{"S":"42"}}}' };

/** One adapter with its client: sends a request, resolving with the status it ended with. */
interface Client {
  send(signal?: AbortSignal): Promise<number>;
  /** The RetryError a rejection carries, wherever the client puts it. */
  retryErrorOf(rejection: unknown): RetryError | undefined;
  close(): Promise<void> | void;
}

interface Adapter {
  readonly name: string;
  /** Whether the client's abort reaches the adapter's token wait (the AWS SDK keeps its signal). */
  readonly abortable: boolean;
  make(url: string, policy: Policy, options: HttpAdapterOptions): Client;
}

const ownError = (rejection: unknown): RetryError | undefined => (isRetryError(rejection) ? rejection : undefined);

const adapters: readonly Adapter[] = [
  {
    name: 'axios (retryAxios)',
    abortable: true,
    make(url, policy, options) {
      const api = axios.create({ baseURL: url });
      const eject = retryAxios(api, policy, options);
      return {
        send: async (signal) => (await api.get('/item', signal === undefined ? {} : { signal })).status,
        retryErrorOf: ownError,
        close: eject,
      };
    },
  },
  {
    name: 'AWS SDK (policyRetryStrategy)',
    abortable: false,
    make(url, policy, options) {
      const client = new DynamoDBClient({
        endpoint: url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
        maxAttempts: policy.maxAttempts,
        retryStrategy: policyRetryStrategy(policy, options),
      });
      const command = new GetItemCommand({ TableName: 'orders', Key: { id: { S: '42' } } });
      return {
        send: async (signal) => (await client.send(command, signal === undefined ? {} : { abortSignal: signal })).$metadata.httpStatusCode!,
        retryErrorOf,
        close: () => client.destroy(),
      };
    },
  },
  {
    name: 'undici request (policyRetryInterceptor)',
    abortable: true,
    make(url, policy, options) {
      const agent = new Agent().compose(policyRetryInterceptor(policy, options));
      return {
        async send(signal) {
          const response = await request(`${url}/item`, signal === undefined ? { dispatcher: agent } : { dispatcher: agent, signal });
          await response.body.text();
          return response.statusCode;
        },
        retryErrorOf: ownError,
        close: () => agent.close(),
      };
    },
  },
  {
    name: 'global fetch (policyRetryInterceptor via setGlobalDispatcher)',
    abortable: true,
    make(url, policy, options) {
      const previous = getGlobalDispatcher();
      const agent = new Agent().compose(policyRetryInterceptor(policy, options));
      setGlobalDispatcher(agent);
      return {
        async send(signal) {
          const response = await fetch(`${url}/item`, signal === undefined ? {} : { signal });
          await response.text();
          return response.status;
        },
        // fetch rejects with TypeError('fetch failed'), the dispatcher's error as its cause.
        retryErrorOf: (rejection) => ownError((rejection as { cause?: unknown } | undefined)?.cause),
        close: async () => {
          setGlobalDispatcher(previous);
          await agent.close();
        },
      };
    },
  },
];

let server: ScriptServer;
let clock: TestClock;
let client: Client | undefined;

beforeAll(async () => {
  server = await startScriptServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.times.length = 0;
  clock = new TestClock(1_700_000_000_000);
  server.now = () => clock.now() - 1_700_000_000_000;
  server.answer(ok);
});
afterEach(async () => {
  await client?.close();
  client = undefined;
});

/** Polls (real time) until the condition holds: for the server to see requests in flight. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const giveUpAt = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > giveUpAt) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${String(value)}`);
    },
    (error: unknown) => error,
  );
}

describe.each(adapters)('rateLimiter with $name', (adapter) => {
  const use = (limiter: RateLimiter, options: HttpAdapterOptions = {}, policy: Policy = paced): Client =>
    (client = adapter.make(server.url, policy, { clock, random: () => 0, rateLimiter: limiter, ...options }));

  it('paces first attempts: the burst at once, then one per 1/rate, none early', async () => {
    const send = use(rateLimiter({ ratePerSecond: 2, burst: 2 })).send;
    const sent = Promise.all([send(), send(), send(), send()]);
    // Two on the wire, two asleep on the clock for their tokens.
    await until(() => server.times.length === 2 && clock.pending === 2, 'two requests sent and two waiting');
    await clock.advance(499);
    expect([server.times.length, clock.pending]).toEqual([2, 2]);
    await clock.advance(1);
    await until(() => server.times.length === 3 && clock.pending === 1, 'the third request at 500 ms');
    await clock.advance(499);
    expect(server.times.length).toBe(3);
    await clock.advance(1);
    expect(await sent).toEqual([200, 200, 200, 200]);
    expect(server.times).toEqual([0, 0, 500, 1000]);
    // Waits in arrival order: the third call waited 500 ms, the fourth 1000.
    expect(clock.sleeps).toEqual([500, 1000]);
  });

  it('a retry takes its own token', async () => {
    server.answer(failure(503, 'ServiceUnavailable'), failure(503, 'ServiceUnavailable'), ok);
    const { send } = use(rateLimiter({ ratePerSecond: 1, burst: 1 }));
    expect(await clock.run(send())).toBe(200);
    expect(server.times).toEqual([0, 1000, 2000]);
  });

  it('learns the rate from a 429 with x-amzn-RateLimit-Limit and paces the retry by it', async () => {
    server.answer(failure(429, 'ThrottlingException', { 'x-amzn-RateLimit-Limit': '2' }), ok);
    const limiter = rateLimiter({ ratePerSecond: 10, burst: 1 });
    expect(await clock.run(use(limiter).send())).toBe(200);
    expect(limiter.plan.ratePerSecond).toBe(2);
    // The server's bucket is empty after a 429: the retry waits a token of the learnt rate.
    expect(server.times).toEqual([0, 500]);
  });

  it('tells the limiter of every failure and success: a 429 lowers the rate, the success raises it again', async () => {
    server.answer(failure(429, 'ThrottlingException'), ok);
    const limiter = rateLimiter({ ratePerSecond: 10, burst: 5 });
    expect(await clock.run(use(limiter).send())).toBe(200);
    // CUBIC's β: 10 · 0.7 = 7, then a success adds 5% of the plan's rate.
    expect(limiter.plan.ratePerSecond).toBeCloseTo(7.5, 10);
  });

  it('a token wait past maxElapsedMs stops before the attempt with deadline, and gives the token back', async () => {
    const limiter = rateLimiter({ ratePerSecond: 1, burst: 1 });
    const giveUps: RetryError[] = [];
    const { send, retryErrorOf } = use(limiter, { maxElapsedMs: 500, onGiveUp: (error) => giveUps.push(error) });
    expect(await clock.run(send())).toBe(200);
    const error = retryErrorOf(await rejectionOf(clock.run(send())));
    expect(error && [error.reason, error.refusedDelayMs, error.attempts.length]).toEqual(['deadline', 1000, 0]);
    expect(giveUps).toEqual([error]);
    expect(server.times).toEqual([0]);
    expect(clock.pending).toBe(0);
    expect((await limiter.acquire(clock.now())).waitMs).toBe(1000);
  });

  it('a token wait past maxElapsedMs before a retry stops with deadline, the journal kept', async () => {
    server.answer(failure(503, 'ServiceUnavailable'), ok);
    const { send, retryErrorOf } = use(rateLimiter({ ratePerSecond: 1, burst: 1 }), { maxElapsedMs: 500 });
    const error = retryErrorOf(await rejectionOf(clock.run(send())));
    expect(error && [error.reason, error.refusedDelayMs, error.attempts.map((a) => a.status)]).toEqual(['deadline', 1000, [503]]);
    expect(server.times).toEqual([0]);
  });

  it("a token wait longer than the policy's maxDelayMs stops with rate-limited", async () => {
    const { send, retryErrorOf } = use(rateLimiter({ ratePerSecond: 1, burst: 1 }), {}, paced.with({ maxDelayMs: 500 }));
    expect(await clock.run(send())).toBe(200);
    expect(retryErrorOf(await rejectionOf(clock.run(send())))?.reason).toBe('rate-limited');
    expect(server.times).toEqual([0]);
  });

  it.runIf(adapter.abortable)("the client's abort ends a token wait at once and gives the token back", async () => {
    const limiter = rateLimiter({ ratePerSecond: 1, burst: 1 });
    const { send } = use(limiter);
    expect(await clock.run(send())).toBe(200);
    const controller = new AbortController();
    const waiting = rejectionOf(send(controller.signal));
    await until(() => clock.pending === 1, 'the second request waiting for its token');
    const reason = new Error('left');
    controller.abort(reason);
    expect(await waiting).toBe(reason);
    expect(clock.pending).toBe(0);
    expect(server.times).toEqual([0]);
    // Given back: the next token is still the one due at 1 s, not 2 s.
    expect((await limiter.acquire(clock.now())).waitMs).toBe(1000);
  });

  it.runIf(!adapter.abortable)('an abort ends the command at once; the strategy never sees the signal, so the token is spent', async () => {
    const limiter = rateLimiter({ ratePerSecond: 1, burst: 1 });
    const { send } = use(limiter);
    expect(await clock.run(send())).toBe(200);
    const controller = new AbortController();
    const waiting = rejectionOf(send(controller.signal));
    await until(() => clock.pending === 1, 'the second command waiting for its token');
    controller.abort(new Error('left'));
    expect(await waiting).toMatchObject({ name: 'AbortError' });
    // The wait runs out unseen, and no request is sent for the aborted command.
    await clock.runAll();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.times).toEqual([0]);
    expect((await limiter.acquire(clock.now())).waitMs).toBe(1000);
  });

  it('on the real clock, no request reaches the server before its token (10 per second, burst 1)', async () => {
    // The limiter and the server read the same clock (Date.now, the system clock's).
    server.now = () => Date.now();
    const { send } = (client = adapter.make(server.url, paced, { rateLimiter: rateLimiter({ ratePerSecond: 10, burst: 1 }) }));
    const sentAt = Date.now();
    expect(await Promise.all([send(), send(), send(), send()])).toEqual([200, 200, 200, 200]);
    // The k-th token is due 100·k ms after the first, itself taken after sentAt: a slow machine
    // only delays arrivals, so this lower bound holds however loaded it is (1 ms for rounding).
    expect([...server.times].sort((a, b) => a - b).map((at, k) => at - sentAt - 100 * k >= -1)).toEqual([true, true, true, true]);
  });

  it('rejects a misspelt or bad rateLimiter option where it is given', () => {
    const misspelt = (() => {
      try {
        adapter.make(server.url, paced, { rateLimter: rateLimiter({ ratePerSecond: 1, burst: 1 }) } as HttpAdapterOptions);
      } catch (error) {
        return error;
      }
    })();
    expect(isOptionsError(misspelt) && misspelt.message).toMatch(/rateLimter is not an option of .*; did you mean rateLimiter\?/);
    expect(() => adapter.make(server.url, paced, { rateLimiter: {} as RateLimiter })).toThrow(/rateLimiter.*must be a RateLimiter/);
  });
});
