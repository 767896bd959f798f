// Issue #21: what the one call driver owns, through withRetry and retry: the deadline cuts a
// running attempt, async hooks are awaited and never crash the process, a bad random() keeps the
// real failure, every hook and event of a call carries its id, attemptSignal(), unref.
import { spawnSync } from 'node:child_process';
import diagnostics_channel from 'node:diagnostics_channel';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { attemptSignal, definePolicy, isOptionsError, isRetryError, retry, TestClock, withRetry, type AttemptEvent, type CallInfo, type RetryEvent } from '../../src/index.js';

/** Retries network failures and timeouts after 100 ms, 200 ms, 300 ms: no jitter, so waits are exact. */
const policy = definePolicy({
  name: 'driver',
  maxAttempts: 4,
  schedule: { type: 'list', delaysMs: [100, 200, 300] },
  jitter: 'none',
  rules: [
    { match: { kind: ['network', 'timeout'] }, retry: true },
    { match: {}, retry: false },
  ],
});

const networkError = (): Error => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
  unhandled.length = 0;
});

describe('the deadline cuts a running attempt', () => {
  it('retry() with maxElapsedMs: 100 and a 300 ms attempt settles at 100 ms with deadline, and aborts the attempt', async () => {
    const clock = new TestClock(0);
    const signals: AbortSignal[] = [];
    let finished = false;
    const pending = retry(
      policy,
      (ctx) => {
        signals.push(ctx.signal);
        // A 300 ms request that honours its signal, as fetch does.
        return new Promise((resolve, reject) => {
          void clock.sleep(300, ctx.signal).then(() => {
            finished = true;
            resolve('late');
          }, reject);
        });
      },
      { clock, maxElapsedMs: 100 },
    );
    const error = await clock.run(pending).catch((e: unknown) => e);
    expect(isRetryError(error) && error.reason).toBe('deadline');
    expect(clock.now()).toBe(100);
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(true);
    expect(finished).toBe(false);
    // The journal holds the one attempt, cut as a timeout.
    expect(isRetryError(error) && error.attempts.map((a) => [a.attempt, a.kind, a.action])).toEqual([[1, 'timeout', 'stop']]);
  });

  it('clips attemptTimeoutMs to what the deadline leaves: the second attempt gets 150 ms, not 1000', async () => {
    const clock = new TestClock(0);
    const started: number[] = [];
    const error = await clock
      .run(
        retry(
          policy,
          (ctx) => {
            started.push(clock.now());
            if (ctx.attempt === 1) return Promise.reject(networkError());
            return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
          },
          { clock, maxElapsedMs: 250, attemptTimeoutMs: 1000 },
        ),
      )
      .catch((e: unknown) => e);
    // Attempt 1 fails at 0, waits 100 ms; attempt 2 starts at 100 with 150 ms left.
    expect(started).toEqual([0, 100]);
    expect(isRetryError(error) && error.reason).toBe('deadline');
    expect(clock.now()).toBe(250);
  });

  it('a failure past the deadline gets no retry, not even one with no wait', async () => {
    const clock = new TestClock(0);
    const immediate = definePolicy({ name: 'now', maxAttempts: 5, schedule: { type: 'constant', delayMs: 0 }, jitter: 'none', rules: [{ match: {}, retry: true }] });
    let calls = 0;
    const error = await clock
      .run(
        retry(
          immediate,
          async () => {
            calls++;
            await clock.sleep(60);
            throw networkError();
          },
          { clock, maxElapsedMs: 50 },
        ),
      )
      .catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(isRetryError(error) && error.reason).toBe('deadline');
  });
});

describe('hooks: awaited where the call can wait, never changing the outcome', () => {
  it('an async onRetry that rejects: the call still retries and settles, with no unhandled rejection', async () => {
    process.on('unhandledRejection', onUnhandled);
    const clock = new TestClock(0);
    let attempts = 0;
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const value = await clock.run(
        withRetry(policy, {
          clock,
          onRetry: async () => {
            throw new Error('metrics backend down');
          },
        })(async () => {
          if (++attempts < 3) throw networkError();
          return 'ok';
        })(),
      );
      expect(value).toBe('ok');
      expect(attempts).toBe(3);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
      expect(warnings.filter((m) => m.includes('onRetry hook threw and was ignored: metrics backend down'))).toHaveLength(2);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('an async onRetry is awaited before the wait begins', async () => {
    const clock = new TestClock(0);
    const order: string[] = [];
    let attempts = 0;
    await clock.run(
      withRetry(policy, {
        clock,
        onRetry: async () => {
          await Promise.resolve();
          order.push('hook done');
        },
      })(async () => {
        order.push(`attempt ${++attempts} at ${clock.now()}`);
        if (attempts < 2) throw networkError();
        return 'ok';
      })(),
    );
    expect(order).toEqual(['attempt 1 at 0', 'hook done', 'attempt 2 at 100']);
  });

  it('an async onGiveUp or onSuccess that rejects is caught too', async () => {
    process.on('unhandledRejection', onUnhandled);
    const failing = async (): Promise<void> => {
      throw new Error('hook');
    };
    const clock = new TestClock(0);
    const error = await clock.run(withRetry(policy, { clock, onGiveUp: failing })(async () => Promise.reject(new Error('bad request')))()).catch((e: unknown) => e);
    expect(isRetryError(error) && error.reason).toBe('not-retryable');
    expect(await withRetry(policy, { onSuccess: failing })(async () => 'fine')()).toBe('fine');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).toEqual([]);
  });

  it('every hook and event of one call carries the same call id; two calls have two', async () => {
    const clock = new TestClock(0);
    const seen: (string | number | undefined)[][] = [];
    const note = (label: string) => (event: unknown) => seen.push([label, (event as AttemptEvent | RetryEvent).callId]);
    const onAttemptEvent = note('attempt-event');
    const onRetryEvent = note('retry-event');
    diagnostics_channel.subscribe('retry-table:attempt', onAttemptEvent);
    diagnostics_channel.subscribe('retry-table:retry', onRetryEvent);
    const calls: CallInfo[] = [];
    try {
      const wrapped = withRetry(policy, {
        clock,
        onAttempt: (call) => void calls.push(call),
        onRetry: (info) => void seen.push(['onRetry', info.callId]),
        onSuccess: (call) => void seen.push(['onSuccess', call.callId]),
      });
      let failures = 0;
      const flaky = wrapped(async () => {
        if (failures++ === 0) throw networkError();
        return 'ok';
      });
      await clock.run(flaky());
      const ids = new Set(seen.map(([, id]) => id));
      expect(ids.size).toBe(1);
      const [id] = ids;
      expect(calls.map((c) => [c.callId, c.policy, c.attempt])).toEqual([
        [id, 'driver', 1],
        [id, 'driver', 2],
      ]);
      expect(seen.map(([label]) => label)).toEqual(['attempt-event', 'retry-event', 'onRetry', 'attempt-event', 'onSuccess']);
      await clock.run(wrapped(async () => 'second')());
      expect(new Set(calls.map((c) => c.callId)).size).toBe(2);
    } finally {
      diagnostics_channel.unsubscribe('retry-table:attempt', onAttemptEvent);
      diagnostics_channel.unsubscribe('retry-table:retry', onRetryEvent);
    }
  });
});

describe('a bad random()', () => {
  it.each([1, Number.NaN, -0.5, 2])('random() returning %s rejects with an OptionsError naming random, the real failure as its cause', async (drawn) => {
    const real = networkError();
    const error = await withRetry(policy, { random: () => drawn })(async () => Promise.reject(real))().catch((e: unknown) => e);
    expect(isOptionsError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^random must return a number in \[0, 1\)/);
    expect((error as Error).cause).toBe(real);
  });
});

describe('attemptSignal(): withRetry hands each attempt a signal', () => {
  it('attemptTimeoutMs aborts the request through it, and a retry gets a fresh one', async () => {
    const clock = new TestClock(0);
    const signals: (AbortSignal | undefined)[] = [];
    const value = await clock.run(
      withRetry(policy, { clock, attemptTimeoutMs: 50 })(async (answer: string) => {
        const signal = attemptSignal();
        signals.push(signal);
        if (signals.length === 1) {
          await new Promise((_, reject) => signal!.addEventListener('abort', () => reject(signal!.reason)));
        }
        return answer;
      })('ok'),
    );
    expect(value).toBe('ok');
    expect(signals).toHaveLength(2);
    expect(signals[0]!.aborted).toBe(true);
    expect((signals[0]!.reason as Error).name).toBe('TimeoutError');
    expect(signals[1]!.aborted).toBe(false);
    expect(attemptSignal()).toBeUndefined();
  });
});

describe('unref: timers that let the process exit', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const script = (unref: boolean): string => `
    import { withRetry, definePolicy } from './src/index.ts';
    const policy = definePolicy({ name: 'slow', maxAttempts: 3, schedule: { type: 'constant', delayMs: 60000 }, jitter: 'none', rules: [{ match: {}, retry: true }] });
    withRetry(policy, { unref: ${unref} })(async () => { throw new Error('down'); })().catch(() => undefined);
    setTimeout(() => console.log('main work done'), 10);
  `;
  const run = (unref: boolean) => spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(unref)], { cwd: root, timeout: 3000, encoding: 'utf8' });

  it('with unref: true the process exits once its own work is done, during a 60 s backoff', () => {
    const result = run(true);
    expect(result.stdout).toContain('main work done');
    expect(result.status).toBe(0);
    expect(result.signal).toBeNull();
  });

  it('without it the backoff keeps the process alive (killed by a 3 s timeout)', () => {
    const result = run(false);
    expect(result.stdout).toContain('main work done');
    expect(result.signal).toBe('SIGTERM');
  }, 10_000);

  it('unref with a clock of your own is an OptionsError', () => {
    expect(() => withRetry(policy, { unref: true, clock: new TestClock() })).toThrow(/unref applies to the default clock only/);
    expect(() => withRetry(policy, { unref: 'yes' as never })).toThrow(/unref must be true or false/);
  });
});
