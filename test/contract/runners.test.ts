// The cross-runner contract: ONE table of scenarios, run against EVERY runner of the library
// (test/contract/runners.ts: engine withRetry and retry, axios, undici, the AWS SDK, BullMQ).
// Every runner drives the same CallRun (src/run/call-run.ts), so every runner must show the same
// behaviour; where a runner's client cannot do something (cut a running attempt, take a signal,
// take onAttempt), its entry says so and the scenario asserts the documented alternative: no
// scenario is skipped for any runner. A runner added later gets the whole table by adding one
// entry to RUNNERS.
//
// Expected values come from the policy table below (CONTRACT), not from the code. The runners on
// a TestClock (all but BullMQ) wait for nothing real: `clock.run` advances through their sleeps,
// and the server stamps requests by that clock, so gaps are exact. BullMQ parks jobs in Redis in
// real time: its delays are short, and its gaps are asserted as lower bounds.
import diagnostics_channel from 'node:diagnostics_channel';
import { UnrecoverableError } from 'bullmq';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bullmqRetry } from '../../src/adapters/bullmq.js';
import { policyRetryStrategy } from '../../src/adapters/aws.js';
import {
  definePolicy,
  isOptionsError,
  rateLimiter,
  retryBudget,
  TestClock,
  type AttemptEvent,
  type CallInfo,
  type Failure,
  type RateLimiter,
  type RetryEvent,
  type RetryInfo,
  type StopReason,
} from '../../src/index.js';
import { startScriptServer, type Answer, type ScriptServer } from '../adapters/http-script.js';
import { OK_BODY, RUNNERS, type Client, type ContractOptions, type MakeContext, type Outcome, type Runner } from './runners.js';

/** The policy table every expectation below is derived from. */
const CONTRACT = {
  maxAttempts: 4,
  /** 503: retried on this list. */
  unavailableDelaysMs: [60, 120, 240],
  /** 429: retried after Retry-After when given, else this. A throttling row (coolDown). */
  throttledFallbackMs: 50,
  /** Timeouts and connection failures: retried after this. */
  transportDelayMs: 50,
} as const;

const contractPolicy = definePolicy({
  name: 'contract',
  maxAttempts: CONTRACT.maxAttempts,
  maxDelayMs: 10_000,
  jitter: 'none',
  rules: [
    { id: 'throttled', match: { status: 429 }, retry: true, coolDown: true, schedule: { type: 'retry-after', fallback: { type: 'constant', delayMs: CONTRACT.throttledFallbackMs } } },
    { id: 'unavailable', match: { status: 503 }, retry: true, schedule: { type: 'list', delaysMs: CONTRACT.unavailableDelaysMs } },
    { id: 'transport', match: { kind: ['network', 'timeout'] }, retry: true, schedule: { type: 'constant', delayMs: CONTRACT.transportDelayMs } },
    { id: 'other', match: {}, retry: false },
  ],
});

/** Answers shaped as DynamoDB's (AWS JSON 1.0), which the SDK parses and the HTTP clients read by status. */
const dynamoError = (status: number, type: string, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': `rid-${status}`, ...headers },
  body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `${type} (test)` }),
});
const unavailable = dynamoError(503, 'ServiceUnavailable');
const throttled = (retryAfterS?: number): Answer => dynamoError(429, 'ThrottlingException', retryAfterS === undefined ? {} : { 'Retry-After': String(retryAfterS) });
const ok: Answer = { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': 'rid-ok' }, body: OK_BODY };

/** The clock's start: an epoch reading, so budgets and limiters see plausible times. */
const T0 = 1_700_000_000_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls (in real time) until `check` holds; fails the test after `timeoutMs`. */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(5);
  }
}

/** The gaps between consecutive numbers. */
const gaps = (times: readonly number[]): number[] => times.slice(1).map((time, i) => time - times[i]!);

/** A real rate limiter (room for every attempt: no waits), counting what it is taught. */
function countingLimiter(): { limiter: RateLimiter; failures: Failure[]; successes: number[] } {
  const real = rateLimiter({ ratePerSecond: 1000, burst: 100 });
  const failures: Failure[] = [];
  const successes: number[] = [];
  const limiter: RateLimiter = {
    key: real.key,
    get plan() {
      return real.plan;
    },
    acquire: (nowMs) => real.acquire(nowMs),
    release: (nowMs) => real.release(nowMs),
    observeFailure: (failure, nowMs) => {
      failures.push(failure);
      return real.observeFailure(failure, nowMs);
    },
    observeSuccess: (nowMs, response) => {
      successes.push(nowMs);
      real.observeSuccess(nowMs, response);
    },
  };
  return { limiter, failures, successes };
}

let server: ScriptServer;

beforeAll(async () => {
  server = await startScriptServer();
});
afterAll(() => server.close());

describe.each(RUNNERS)('contract: $name', (runner: Runner) => {
  /** BullMQ's scenarios run in real time: a Worker and a Queue each, and real delays. */
  const timeoutMs = runner.testClock ? 10_000 : 20_000;
  let clock: TestClock;
  let realTime = false;
  const clients: Client[] = [];

  beforeEach(() => {
    clock = new TestClock(T0);
    realTime = false;
    server.requests.length = 0;
    server.times.length = 0;
    server.now = () => (runner.testClock && !realTime ? clock.now() - T0 : Date.now());
    server.answer(ok);
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
  });

  /** The runner's client for this test: on the TestClock, unless the scenario runs in real time. */
  async function open(options: ContractOptions, extra: { realTime?: boolean; clientTimeoutMs?: number } = {}): Promise<Client> {
    realTime = extra.realTime ?? false;
    const context: MakeContext = { url: server.url, clock: runner.testClock && !realTime ? clock : undefined, clientTimeoutMs: extra.clientTimeoutMs };
    const client = await runner.make(contractPolicy, { random: () => 0, ...options }, context);
    clients.push(client);
    return client;
  }

  /** Settles a pending outcome: through the TestClock's sleeps, or (BullMQ, real-time scenarios) by waiting. */
  function drive<T>(pending: Promise<T>): Promise<T> {
    return runner.testClock && !realTime ? clock.run(pending) : pending;
  }

  /** The waits between the server's requests, as the policy's delays: exact on the TestClock, at least them in real time. */
  function expectGaps(actual: readonly number[], expected: readonly number[]): void {
    if (runner.testClock && !realTime) {
      expect(actual).toEqual(expected);
      return;
    }
    expect(actual).toHaveLength(expected.length);
    // BullMQ delays a job by the policy's delay from when it failed, after the request arrived: never less.
    actual.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(expected[i]!);
      expect(gap).toBeLessThan(expected[i]! + 2_000);
    });
  }

  /** The runner's documented way of handing the caller a stop (see runners.ts), with the reason. */
  function expectStopped(outcome: Outcome, reason: StopReason, answeredStatus: number | undefined): void {
    expect(outcome.retryError?.reason).toBe(reason);
    const retryError = outcome.retryError!;
    switch (runner.stop) {
      case 'rejects-retry-error':
        expect(outcome.settled).toBe('rejected');
        expect(outcome.error).toBe(retryError);
        break;
      case 'resolves-answer':
        if (answeredStatus === undefined) {
          // No answer to hand over (a timeout): the RetryError itself.
          expect(outcome.settled).toBe('rejected');
          expect(outcome.error).toBe(retryError);
        } else {
          expect(outcome).toMatchObject({ settled: 'resolved', status: answeredStatus });
        }
        break;
      case 'rejects-sdk-error':
        expect(outcome.settled).toBe('rejected');
        expect(retryError.cause).toBe(outcome.error);
        if (answeredStatus !== undefined) expect(outcome.error).toMatchObject({ $metadata: { httpStatusCode: answeredStatus } });
        break;
      case 'fails-job':
        expect(outcome.settled).toBe('rejected');
        expect(outcome.error).toBeInstanceOf(UnrecoverableError);
        expect((outcome.error as Error).message).toContain(reason);
        expect((outcome.error as { cause?: unknown }).cause).toBe(retryError);
        break;
    }
  }

  it(
    '1. success after failures (503, 503, 200): resolves, 3 requests, the delays follow the 503 row\'s list',
    async () => {
      const retries: RetryInfo[] = [];
      const client = await open({ onRetry: (info) => void retries.push(info) });
      server.answer(unavailable, unavailable, ok);
      const outcome = await drive(client.start().outcome);
      expect(outcome).toMatchObject({ settled: 'resolved', status: 200, body: OK_BODY });
      expect(server.requests).toHaveLength(3);
      const expected = CONTRACT.unavailableDelaysMs.slice(0, 2);
      expect(retries.map((r) => [r.attempt, r.delayMs, r.failure.status, r.decision.rule.id])).toEqual([
        [1, expected[0], 503, 'unavailable'],
        [2, expected[1], 503, 'unavailable'],
      ]);
      expectGaps(gaps(server.times), expected);
      if (runner.testClock) expect(clock.sleeps).toEqual(expected);
    },
    timeoutMs,
  );

  it(
    '2. budget refusal: a budget with no room for a retry stops with budget-exhausted after 1 request',
    async () => {
      // AWS quota of 5 units: a retry after a 503 (transient) costs 10, so none is granted.
      const budget = retryBudget({ type: 'aws-quota', capacity: 5 });
      const client = await open({ budget });
      server.answer(unavailable);
      const outcome = await drive(client.start().outcome);
      expectStopped(outcome, 'budget-exhausted', 503);
      expect(outcome.retryError!.attempts.map((a) => [a.attempt, a.status, a.action, a.reason])).toEqual([[1, 503, 'stop', 'budget-exhausted']]);
      expect(server.requests).toHaveLength(1);
      expect(await budget.level()).toBe(5);
      if (runner.testClock) expect(clock.sleeps).toEqual([]);
    },
    timeoutMs,
  );

  it(
    '3. limiter: observeFailure on the 429, one observeSuccess per successful call',
    async () => {
      const { limiter, failures, successes } = countingLimiter();
      const client = await open({ rateLimiter: limiter });
      server.answer(throttled(), ok);
      expect(await drive(client.start().outcome)).toMatchObject({ settled: 'resolved', status: 200 });
      expect(await drive(client.start().outcome)).toMatchObject({ settled: 'resolved', status: 200 });
      expect(server.requests).toHaveLength(3);
      expect(failures.map((f) => [f.status, f.kind])).toEqual([[429, 'http']]);
      expect(successes).toHaveLength(2);
      // No Retry-After: the 429 row's fallback; the limiter had a token for every attempt.
      expectGaps(gaps(server.times).slice(0, 1), [CONTRACT.throttledFallbackMs]);
      if (runner.testClock) expect(clock.sleeps).toEqual([CONTRACT.throttledFallbackMs]);
    },
    timeoutMs,
  );

  it(
    '4. cool-down: a 429 with Retry-After on a throttling row makes the next call wait it out before its first attempt',
    async () => {
      const retryAfterS = 1;
      const budget = retryBudget({ type: 'aws-quota' });
      const client = await open({ budget });
      server.answer(throttled(retryAfterS), ok);
      const first = client.start({ tag: 'first' });
      const now = () => (runner.testClock ? clock.now() : Date.now());
      // The first call's 429 set the budget's shared cool-down.
      await until('the cool-down is set', async () => (await budget.coolDownUntil(now())) > now());
      expect(server.requests.map(runner.tagOf)).toEqual(['first']);
      const second = client.start({ tag: 'second' });
      const [a, b] = await drive(Promise.all([first.outcome, second.outcome]));
      expect(a).toMatchObject({ settled: 'resolved', status: 200 });
      expect(b).toMatchObject({ settled: 'resolved', status: 200 });
      const tags = server.requests.map(runner.tagOf);
      expect(tags.filter((tag) => tag === 'first')).toHaveLength(2);
      expect(tags.filter((tag) => tag === 'second')).toHaveLength(1);
      const firstAt = server.times[0]!;
      const secondAt = server.times[tags.indexOf('second')]!;
      // The second call's only attempt went no earlier than the cool-down's end.
      expect(secondAt - firstAt).toBeGreaterThanOrEqual(retryAfterS * 1000);
      // On the TestClock: the first call's retry waits Retry-After, the second its cool-down, both 1 s.
      if (runner.testClock) expect(clock.sleeps).toEqual([retryAfterS * 1000, retryAfterS * 1000]);
    },
    timeoutMs,
  );

  it(
    `5. deadline mid-attempt: a stalled answer past maxElapsedMs stops with deadline (${runner.deadline})`,
    async () => {
      // Real time: an attempt's limit and a client's timeout are real timers, measured against the deadline.
      const maxElapsedMs = 200;
      const clientTimeoutMs = 600;
      const client = await open({ maxElapsedMs }, { realTime: true, clientTimeoutMs });
      server.answer('stall');
      const startedAt = Date.now();
      const outcome = await client.start().outcome;
      const elapsedMs = Date.now() - startedAt;
      expectStopped(outcome, 'deadline', undefined);
      expect(outcome.retryError!.attempts.map((a) => [a.attempt, a.action, a.reason])).toEqual([[1, 'stop', 'deadline']]);
      // A transport failure either way: undici's own HeadersTimeoutError (UND_ERR_HEADERS_TIMEOUT)
      // is classified `network` (src/failure/network-codes.ts), every other runner's timeout `timeout`.
      expect(outcome.retryError!.attempts[0]!.kind).toBe(runner.name.startsWith('undici') ? 'network' : 'timeout');
      expect(server.requests).toHaveLength(1);
      if (runner.deadline === 'cuts-attempt') {
        // The attempt's limit is clipped to the deadline: the call ends at maxElapsedMs, long before the client's own timeout.
        expect(elapsedMs).toBeGreaterThanOrEqual(maxElapsedMs - 5);
        expect(elapsedMs).toBeLessThan(clientTimeoutMs - 50);
      } else {
        // Documented: the running attempt is not cut; the client's timeout ends it, and the
        // deadline, past by then, stops the retry instead of another attempt.
        expect(elapsedMs).toBeGreaterThanOrEqual(clientTimeoutMs - 10);
      }
    },
    timeoutMs,
  );

  it(
    '6. an async onRetry that rejects: the call still retries and succeeds, with a warning and no unhandled rejection',
    async () => {
      const unhandled: unknown[] = [];
      const warnings: Error[] = [];
      const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
      const onWarning = (warning: Error): void => void warnings.push(warning);
      process.on('unhandledRejection', onUnhandled);
      process.on('warning', onWarning);
      try {
        const client = await open({
          onRetry: async () => {
            throw new Error('hook');
          },
        });
        server.answer(unavailable, ok);
        const outcome = await drive(client.start().outcome);
        expect(outcome).toMatchObject({ settled: 'resolved', status: 200, body: OK_BODY });
        expect(server.requests).toHaveLength(2);
        expectGaps(gaps(server.times), CONTRACT.unavailableDelaysMs.slice(0, 1));
        // Let a rejection nobody handled, and the warning, surface.
        await sleep(50);
        expect(unhandled).toEqual([]);
        expect(warnings.filter((w) => w.name === 'RetryTableHookWarning').map((w) => w.message)).toEqual(['retry-table: the onRetry hook threw and was ignored: hook']);
      } finally {
        process.off('unhandledRejection', onUnhandled);
        process.off('warning', onWarning);
      }
    },
    timeoutMs,
  );

  it(
    `7. abort during a wait (${runner.abort})`,
    async () => {
      const retryAfterS = 1;
      const client = await open({});
      server.answer(throttled(retryAfterS), ok);
      switch (runner.abort) {
        case 'signal': {
          // The call takes a signal: aborting during the 1 s wait rejects at once with its reason, leaving no timer.
          const controller = new AbortController();
          const pending = client.start({ signal: controller.signal }).outcome;
          await until('the retry wait started', () => clock.pending === 1);
          const reason = new Error('caller gave up');
          controller.abort(reason);
          const outcome = await pending;
          expect(outcome.settled).toBe('rejected');
          expect(outcome.error).toBe(reason);
          expect(clock.pending).toBe(0);
          await clock.runAll();
          expect(server.requests).toHaveLength(1);
          break;
        }
        case 'sdk-race': {
          // Documented (PolicyRetryStrategyOptions): the SDK races the command against its
          // abortSignal but never hands it to the strategy, so the command rejects at once while
          // the strategy's wait runs on; no attempt follows it.
          const controller = new AbortController();
          const pending = client.start({ signal: controller.signal }).outcome;
          await until('the retry wait started', () => clock.pending === 1);
          controller.abort(new Error('caller gave up'));
          const outcome = await pending;
          expect(outcome.settled).toBe('rejected');
          expect(outcome.error).toMatchObject({ name: 'AbortError' });
          expect(outcome.retryError).toBeUndefined();
          expect(clock.pending).toBe(1);
          await clock.runAll();
          await sleep(50);
          expect(server.requests).toHaveLength(1);
          expect(() => policyRetryStrategy(contractPolicy, { signal: controller.signal } as never)).toThrow(/signal is not an option of policyRetryStrategy/);
          break;
        }
        case 'none': {
          // Documented: a BullMQ job takes no signal (an OptionsError says so). Its abort is
          // removing the job while it waits delayed: it is never attempted again.
          expect(() => bullmqRetry(contractPolicy, { signal: new AbortController().signal } as never)).toThrow(/signal is not an option of bullmqRetry/);
          const call = client.start();
          void call.outcome.catch(() => undefined);
          await call.remove!();
          await sleep(retryAfterS * 1000 + 300);
          expect(server.requests).toHaveLength(1);
          break;
        }
      }
    },
    timeoutMs,
  );

  it(
    '8. attempt and retry events carry the call id: one per call, distinct for two concurrent calls, the hooks\' too',
    async () => {
      const attempts: AttemptEvent[] = [];
      const retryEvents: RetryEvent[] = [];
      const onAttemptEvent = (event: unknown): void => {
        if ((event as AttemptEvent).policy === 'contract') attempts.push(event as AttemptEvent);
      };
      const onRetryEvent = (event: unknown): void => {
        if ((event as RetryEvent).policy === 'contract') retryEvents.push(event as RetryEvent);
      };
      const hookAttempts: CallInfo[] = [];
      const hookRetries: RetryInfo[] = [];
      const onAttempt = (call: CallInfo): void => void hookAttempts.push(call);
      if (!runner.onAttempt) {
        // The HTTP adapters' options leave onAttempt out: refused where given, not ignored.
        const refused = await runner.make(contractPolicy, { onAttempt }, { url: server.url, clock }).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(isOptionsError(refused)).toBe(true);
        expect((refused as Error).message).toMatch(/onAttempt is not an option/);
      }
      diagnostics_channel.subscribe('retry-table:attempt', onAttemptEvent);
      diagnostics_channel.subscribe('retry-table:retry', onRetryEvent);
      try {
        const client = await open({ onRetry: (info) => void hookRetries.push(info), ...(runner.onAttempt ? { onAttempt } : {}) });
        // Each call: a 503, then a 200, whichever arrives first.
        server.answer(unavailable, unavailable, ok);
        const outcomes = await drive(Promise.all([client.start({ tag: 'a' }).outcome, client.start({ tag: 'b' }).outcome]));
        expect(outcomes.map((o) => [o.settled, o.status])).toEqual([
          ['resolved', 200],
          ['resolved', 200],
        ]);
      } finally {
        diagnostics_channel.unsubscribe('retry-table:attempt', onAttemptEvent);
        diagnostics_channel.unsubscribe('retry-table:retry', onRetryEvent);
      }
      const ids = [...new Set(attempts.map((e) => e.callId))];
      expect(ids).toHaveLength(2);
      expect(ids.every((id) => id !== undefined)).toBe(true);
      for (const id of ids) {
        expect(attempts.filter((e) => e.callId === id).map((e) => [e.attempt, e.ok])).toEqual([
          [1, false],
          [2, true],
        ]);
        expect(retryEvents.filter((e) => e.callId === id).map((e) => [e.attempt, e.delayMs, e.rule])).toEqual([[1, CONTRACT.unavailableDelaysMs[0], 'unavailable']]);
      }
      expect(retryEvents).toHaveLength(2);
      expect(hookRetries.map((r) => r.callId).sort()).toEqual([...ids].sort());
      if (runner.onAttempt) {
        expect(hookAttempts).toHaveLength(4);
        for (const id of ids) expect(hookAttempts.filter((c) => c.callId === id).map((c) => c.attempt)).toEqual([1, 2]);
      }
    },
    timeoutMs,
  );
});
