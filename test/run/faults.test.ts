import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { definePolicy, isRetryError, retry, retryBudget, TestClock, withRetry, type Clock } from '../../src/index.js';

/**
 * Faults at every point of a call: aborts, attempts that misbehave, clocks that lie. Each test
 * checks the call settles exactly once and leaves no timer and no abort listener behind.
 */
/** 100 ms waits: long enough that a loaded machine still aborts inside them, short enough to be quick. */
const quick = definePolicy({
  name: 'quick',
  maxAttempts: 4,
  rules: [
    { match: { kind: ['network', 'timeout'] }, retry: true, schedule: { type: 'constant', delayMs: 100 } },
    { match: { status: 503 }, retry: true, schedule: { type: 'constant', delayMs: 100 } },
    { match: {}, retry: false },
  ],
});
const throttled = () => Object.assign(new Error('throttled'), { status: 503 });
const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const listeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;
const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

let unhandled = 0;
const onUnhandled = (): void => void unhandled++;
beforeAll(() => void process.on('unhandledRejection', onUnhandled));
afterAll(() => void process.off('unhandledRejection', onUnhandled));

/** Runs a call and counts how often its promise settles. */
function settlements<T>(promise: Promise<T>) {
  const state = { count: 0, value: undefined as unknown, error: undefined as unknown };
  promise.then(
    (value) => {
      state.count++;
      state.value = value;
    },
    (error: unknown) => {
      state.count++;
      state.error = error;
    },
  );
  return state;
}

describe('abort at every point (real timers)', () => {
  it.each(['before the first call', 'during the first attempt', 'during the backoff sleep', 'during a later attempt', 'after it settled'] as const)(
    'abort %s: settles once, no further attempt, no timer or listener left',
    async (point) => {
      const timersBefore = timers();
      const unhandledBefore = unhandled;
      const controller = new AbortController();
      const reason = new Error(`aborted ${point}`);
      let calls = 0;
      const attemptSignals: AbortSignal[] = [];
      const release: (() => void)[] = [];
      if (point === 'before the first call') controller.abort(reason);
      const call = retry(
        quick,
        (ctx) => {
          calls++;
          attemptSignals.push(ctx.signal);
          if (point === 'after it settled') return 'done';
          if (point === 'during a later attempt' && calls === 1) return Promise.reject(throttled());
          // An attempt that waits to be released, like a slow request.
          return new Promise<never>((_resolve, reject) => release.push(() => reject(throttled())));
        },
        { signal: controller.signal },
      );
      const state = settlements(call);
      await tick(1);
      if (point === 'during the backoff sleep') {
        release.shift()?.(); // attempt 1 fails: the call now sleeps 100 ms
        await tick(10);
      }
      // Attempt 1 failed at once; after its 100 ms sleep, attempt 2 is running.
      if (point === 'during a later attempt') await vi.waitFor(() => expect(calls).toBe(2), { timeout: 5000 });
      if (point !== 'before the first call') controller.abort(reason);
      await tick(20);
      const callsAtAbort = calls;
      await tick(150); // longer than a backoff: a retry that should not happen would have started
      expect(state.count).toBe(1);
      if (point === 'after it settled') expect(state.value).toBe('done');
      else expect(state.error).toBe(reason);
      expect(calls).toBe(callsAtAbort); // nothing started after the abort
      expect(calls).toBe({ 'before the first call': 0, 'during the first attempt': 1, 'during the backoff sleep': 1, 'during a later attempt': 2, 'after it settled': 1 }[point]);
      // The attempt in flight when the caller aborted is cancelled through its own signal.
      if (point === 'during the first attempt' || point === 'during a later attempt') expect(attemptSignals[attemptSignals.length - 1]!.aborted).toBe(true);
      expect(listeners(controller.signal)).toBe(0);
      expect(timers()).toBeLessThanOrEqual(timersBefore);
      expect(unhandled).toBe(unhandledBefore);
    },
  );
});

describe('attempts that misbehave', () => {
  it('an attempt that never settles times out; late results are ignored; nothing is left behind', async () => {
    const timersBefore = timers();
    const controller = new AbortController();
    const resolvers: ((v: string) => void)[] = [];
    const state = settlements(
      withRetry(quick, { attemptTimeoutMs: 10, signal: controller.signal })(() => new Promise<string>((resolve) => resolvers.push(resolve)))(),
    );
    await vi.waitFor(() => expect(state.count).toBe(1), { timeout: 5000 });
    for (const resolve of resolvers) resolve('too late');
    await tick(10);
    expect(state.count).toBe(1);
    expect(isRetryError(state.error) && state.error.attempts.map((a) => a.kind)).toEqual(['timeout', 'timeout', 'timeout', 'timeout']);
    expect(listeners(controller.signal)).toBe(0);
    expect(timers()).toBeLessThanOrEqual(timersBefore);
  });

  it('a late rejection of a timed-out attempt is not reported as unhandled', async () => {
    const unhandledBefore = unhandled;
    const rejecters: ((e: Error) => void)[] = [];
    const state = settlements(withRetry(quick, { attemptTimeoutMs: 5 })(() => new Promise((_r, reject) => rejecters.push(reject)))());
    await vi.waitFor(() => expect(state.count).toBe(1), { timeout: 5000 });
    for (const reject of rejecters) reject(new Error('late'));
    await tick(10);
    expect(unhandled).toBe(unhandledBefore);
  });

  it('settles exactly once for any mix of outcomes, hooks that throw included', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('ok', 'throttled', 'network', 'bug', 'sync-throw', 'string'), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        async (outcomes, throwingHooks) => {
          const clock = new TestClock();
          let i = 0;
          const fn = () => {
            const outcome = outcomes[i++] ?? 'throttled';
            if (outcome === 'sync-throw') throw throttled();
            if (outcome === 'string') return Promise.reject('just a string');
            if (outcome === 'ok') return Promise.resolve('ok');
            if (outcome === 'network') return Promise.reject(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
            return Promise.reject(outcome === 'bug' ? new RangeError('bug') : throttled());
          };
          const hook = throwingHooks
            ? () => {
                throw new Error('hook');
              }
            : undefined;
          // clock.run drives the test clock until the call settles; then give a late second
          // settlement, if there were one, a chance to show.
          const driven = clock.run(withRetry(quick, { clock, onRetry: hook, onGiveUp: hook })(fn)());
          const state = settlements(driven);
          await driven.catch(() => undefined);
          await tick();
          expect(state.count).toBe(1);
          expect(i).toBeLessThanOrEqual(quick.maxAttempts);
        },
      ),
      { numRuns: 200 },
    );
    warn.mockRestore();
  });
});

describe('a clock that lies', () => {
  /** A clock whose sleeps end early or late, and whose readings jump. */
  function lyingClock(sleepFactor: number, jitter: readonly number[]): Clock & { readings: number[] } {
    let virtual = 1_000_000;
    let n = 0;
    const readings: number[] = [];
    return {
      readings,
      now: () => {
        const reading = virtual + (jitter[n++ % jitter.length] ?? 0);
        readings.push(reading);
        return reading;
      },
      sleep: async (ms) => {
        virtual += ms * sleepFactor;
      },
    };
  }

  it('never decides a wait past the deadline by the clock\'s own reading, and records nothing negative', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 0.5, 1, 3),
        fc.array(fc.integer({ min: -50_000, max: 50_000 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 60_000 }),
        async (sleepFactor, jitter, maxElapsedMs) => {
          const clock = lyingClock(sleepFactor, jitter);
          const policy = definePolicy({ name: 'p', maxAttempts: 6, rules: [{ match: {}, retry: true, schedule: { type: 'list', delaysMs: [1000, 4000, 10_000, 30_000, 30_000] } }] });
          const decided: { elapsedMs: number; delayMs: number }[] = [];
          const error = await withRetry(policy, { clock, maxElapsedMs, onRetry: ({ elapsedMs, delayMs }) => void decided.push({ elapsedMs, delayMs }) })(async () => {
            throw throttled();
          })().catch((e: unknown) => e);
          expect(isRetryError(error)).toBe(true);
          for (const { elapsedMs, delayMs } of decided) {
            expect(delayMs).toBeGreaterThanOrEqual(0);
            expect(Math.max(0, elapsedMs) + delayMs).toBeLessThanOrEqual(maxElapsedMs);
          }
          if (isRetryError(error)) {
            expect(error.attempts.length).toBeLessThanOrEqual(6);
            for (const attempt of error.attempts) expect(attempt.durationMs ?? 0).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('an abort while a failure is being handled', () => {
  it('starts no further attempt, even when the next wait is 0 ms', async () => {
    const controller = new AbortController();
    const zero = definePolicy({ name: 'zero', maxAttempts: 5, rules: [{ match: {}, retry: true, schedule: { type: 'constant', delayMs: 0 } }] });
    let calls = 0;
    // The abort lands while the first failure is being handled (in onRetry, before the 0 ms retry).
    const call = retry(zero, () => {
      calls++;
      return Promise.reject(throttled());
    }, { signal: controller.signal, onRetry: () => controller.abort(new Error('stop now')) });
    await expect(call).rejects.toThrow('stop now');
    expect(calls).toBe(1);
    expect(listeners(controller.signal)).toBe(0);
  });
});

describe('an abort while waiting out a shared cool-down', () => {
  it('rejects at once and leaves no timer', async () => {
    const timersBefore = timers();
    const budget = retryBudget({ type: 'aws-quota' });
    await budget.coolDown(Date.now() + 60_000); // another call was told to wait a minute
    const controller = new AbortController();
    let calls = 0;
    const state = settlements(withRetry(quick, { budget, signal: controller.signal })(async () => ++calls)());
    await tick(10);
    expect([state.count, calls]).toEqual([0, 0]); // waiting for the cool-down, not calling
    controller.abort(new Error('gave up waiting'));
    await tick(5);
    expect(state.count).toBe(1);
    expect((state.error as Error).message).toBe('gave up waiting');
    expect(calls).toBe(0);
    expect(listeners(controller.signal)).toBe(0);
    expect(timers()).toBeLessThanOrEqual(timersBefore);
  });
});
