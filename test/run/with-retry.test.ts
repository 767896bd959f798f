import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { definePolicy, isOptionsError, isRetryError, retry, scaledClock, TestClock, withRetry, type Clock, type PolicySpec } from '../../src/index.js';

const throttled = () => Object.assign(new Error('throttled'), { status: 503, code: 'RequestThrottled' });
const policy = definePolicy({
  name: 'test',
  maxAttempts: 4,
  rules: [
    { match: { status: 503 }, retry: true, schedule: { type: 'list', delaysMs: [100, 200, 300] } },
    { match: { kind: ['network', 'timeout'] }, retry: true, schedule: { type: 'constant', delayMs: 50 } },
    { match: {}, retry: false },
  ],
});

/** A function failing `failures` times with the given error, then resolving with `value`. */
function flaky<T>(failures: number, value: T, error: () => unknown = throttled) {
  const fn = vi.fn(async () => {
    if (fn.mock.calls.length <= failures) throw error();
    return value;
  });
  return fn;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('withRetry: outcomes', () => {
  it('returns the value of a call that succeeds at once, without sleeping', async () => {
    const clock = new TestClock();
    const fn = flaky(0, 42);
    await expect(withRetry(policy, { clock })(fn)()).resolves.toBe(42);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('retries on the policy schedule and returns the eventual value', async () => {
    const clock = new TestClock();
    const fn = flaky(2, 'ok');
    await expect(clock.run(withRetry(policy, { clock })(fn)())).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
    expect(clock.sleeps).toEqual([100, 200]);
  });

  it('passes arguments and this through unchanged', async () => {
    const target = {
      factor: 3,
      times(this: { factor: number }, a: number, b: string) {
        return Promise.resolve(`${a * this.factor}${b}`);
      },
    };
    const wrapped = withRetry(policy)(target.times);
    await expect(wrapped.call(target, 2, 'x')).resolves.toBe('6x');
  });

  it('returns a Response below 400 unread, and retries one of 400 or more', async () => {
    const clock = new TestClock();
    let calls = 0;
    const fn = async () => (++calls === 1 ? new Response('busy', { status: 503 }) : new Response('fine', { status: 200 }));
    const response = await clock.run(withRetry(policy, { clock })(fn)());
    expect(response.bodyUsed).toBe(false);
    expect(await response.text()).toBe('fine');
    expect(clock.sleeps).toEqual([100]);
  });

  it('rejects with a RetryError carrying reason, cause and a journal of every attempt', async () => {
    const clock = new TestClock(1_000);
    const errors: Error[] = [];
    const fn = vi.fn(async () => {
      const error = throttled();
      errors.push(error);
      throw error;
    });
    const error = await clock.run(withRetry(policy, { clock })(fn)()).catch((e: unknown) => e);
    expect(isRetryError(error)).toBe(true);
    if (!isRetryError(error)) return;
    expect(error.name).toBe('RetryError');
    expect(error.reason).toBe('attempts-exhausted');
    expect(error.cause).toBe(errors[3]);
    expect(error.attempts.map(({ attempt, startedAt, action, delayMs, status, code }) => ({ attempt, startedAt, action, delayMs, status, code }))).toEqual([
      { attempt: 1, startedAt: 1000, action: 'retry', delayMs: 100, status: 503, code: 'RequestThrottled' },
      { attempt: 2, startedAt: 1100, action: 'retry', delayMs: 200, status: 503, code: 'RequestThrottled' },
      { attempt: 3, startedAt: 1300, action: 'retry', delayMs: 300, status: 503, code: 'RequestThrottled' },
      { attempt: 4, startedAt: 1600, action: 'stop', delayMs: undefined, status: 503, code: 'RequestThrottled' },
    ]);
    expect(error.attempts[3]!.reason).toBe('attempts-exhausted');
  });

  it('stops at once on a non-retryable failure, keeping the original error as cause', async () => {
    const original = new TypeError('my bug');
    const error = await withRetry(policy)(async () => {
      throw original;
    })().catch((e: unknown) => e);
    expect(isRetryError(error) && error.reason).toBe('not-retryable');
    expect((error as Error).cause).toBe(original);
  });

  it('handles a function that throws synchronously, and thrown non-errors', async () => {
    const clock = new TestClock();
    let calls = 0;
    const sync = withRetry(policy, { clock })(() => {
      if (++calls === 1) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
      return 'second time';
    });
    await expect(clock.run(sync())).resolves.toBe('second time');
    const error = await withRetry(policy)(() => {
      throw 'a string';
    })().catch((e: unknown) => e);
    expect(isRetryError(error) && [error.reason, error.cause, error.failure.message]).toEqual(['not-retryable', 'a string', 'a string']);
  });
});

describe('withRetry: options', () => {
  it('validates options when the function is wrapped, naming the option', () => {
    const bad = (options: object) => () => withRetry(policy, options as never);
    expect(bad({ maxElapsedMs: -1 })).toThrow(expect.objectContaining({ name: 'OptionsError', option: 'maxElapsedMs', value: -1 }));
    expect(bad({ attemptTimeoutMs: Number.NaN })).toThrow(/attemptTimeoutMs/);
    expect(bad({ clock: { now: () => 0 } })).toThrow(/clock/);
    expect(bad({ onRetry: 'log' })).toThrow(/onRetry/);
    expect(bad({ signal: {} })).toThrow(/signal/);
    expect(() => withRetry({} as never)).toThrow(/policy/);
    expect(() => withRetry(policy)('not a function' as never)).toThrow(/fn/);
  });

  it('retry() rejects (not throws) on bad arguments', async () => {
    const error = await retry(policy, () => 1, { maxElapsedMs: Number.POSITIVE_INFINITY }).catch((e: unknown) => e);
    expect(isOptionsError(error)).toBe(true);
  });

  it('gives onRetry the attempt, delay, failure and rule, and onGiveUp the final error once', async () => {
    const clock = new TestClock();
    const onRetry = vi.fn();
    const onGiveUp = vi.fn();
    await clock.run(withRetry(policy, { clock, onRetry, onGiveUp })(flaky(9, 0))()).catch(() => undefined);
    expect(onRetry.mock.calls.map(([info]) => [info.attempt, info.delayMs, info.failure.code, info.decision.rule.id])).toEqual([
      [1, 100, 'RequestThrottled', 'status:503'],
      [2, 200, 'RequestThrottled', 'status:503'],
      [3, 300, 'RequestThrottled', 'status:503'],
    ]);
    expect(onGiveUp).toHaveBeenCalledTimes(1);
    expect(isRetryError(onGiveUp.mock.calls[0]![0])).toBe(true);
  });

  it('does not let a throwing hook break the loop or hide the result; it emits a warning', async () => {
    const clock = new TestClock();
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const hook = () => {
      throw new Error('logger down');
    };
    await expect(clock.run(withRetry(policy, { clock, onRetry: hook, onGiveUp: hook })(flaky(1, 'value'))())).resolves.toBe('value');
    const error = await clock.run(withRetry(policy, { clock, onRetry: hook, onGiveUp: hook })(flaky(9, 'value'))()).catch((e: unknown) => e);
    expect(isRetryError(error) && error.reason).toBe('attempts-exhausted');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('logger down'), 'RetryTableHookWarning');
  });

  it('uses the random option for jitter', async () => {
    const jittered = definePolicy({ name: 'j', maxAttempts: 3, rules: [{ match: {}, retry: true, schedule: { type: 'constant', delayMs: 1000 }, jitter: 'full' }] });
    const clock = new TestClock();
    const randoms = [0.1, 0.7];
    await clock.run(withRetry(jittered, { clock, random: () => randoms.shift()! })(flaky(2, 1))());
    expect(clock.sleeps).toEqual([100, 700]);
  });

  it('stops with deadline when the next wait would cross maxElapsedMs', async () => {
    const clock = new TestClock();
    const error = await clock.run(withRetry(policy, { clock, maxElapsedMs: 250 })(flaky(9, 1))()).catch((e: unknown) => e);
    expect(isRetryError(error) && [error.reason, error.refusedDelayMs, clock.sleeps]).toEqual(['deadline', 200, [100]]);
  });

  it('never sleeps past maxElapsedMs, for any schedule and any deadline', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 5000 }), { minLength: 1, maxLength: 8 }),
        fc.nat({ max: 20_000 }),
        fc.nat({ max: 50 }),
        async (delaysMs, maxElapsedMs, attemptCostMs) => {
          const spec: PolicySpec = { name: 'p', maxAttempts: 10, rules: [{ match: {}, retry: true, schedule: { type: 'list', delaysMs } }] };
          const clock = new TestClock();
          const attempt = async () => {
            await clock.sleep(attemptCostMs); // each attempt takes time on the same clock
            throw throttled();
          };
          const wakeTimes: number[] = [];
          const onRetry = ({ delayMs }: { delayMs: number }) => void wakeTimes.push(clock.now() + delayMs);
          const error = await clock.run(withRetry(definePolicy(spec), { clock, maxElapsedMs, onRetry })(attempt)()).catch((e: unknown) => e);
          expect(isRetryError(error)).toBe(true);
          for (const wakeAt of wakeTimes) expect(wakeAt).toBeLessThanOrEqual(maxElapsedMs);
          expect(clock.now()).toBeLessThanOrEqual(maxElapsedMs + attemptCostMs);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never makes more attempts than the policy allows, and settles exactly once, for any outcome sequence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('ok', 'throttled', 'network', 'bug'), { minLength: 1, maxLength: 8 }), async (outcomes) => {
        const clock = new TestClock();
        let calls = 0;
        const fn = async () => {
          const outcome = outcomes[calls++] ?? 'throttled';
          if (outcome === 'ok') return 'ok';
          if (outcome === 'network') throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
          if (outcome === 'bug') throw new RangeError('bug');
          throw throttled();
        };
        let settlements = 0;
        const result = await clock.run(
          withRetry(policy, { clock })(fn)().then(
            (value) => {
              settlements++;
              return value;
            },
            (error: unknown) => {
              settlements++;
              return isRetryError(error) ? error.reason : 'other';
            },
          ),
        );
        expect(calls).toBeLessThanOrEqual(policy.maxAttempts);
        expect(settlements).toBe(1);
        const firstTerminal = outcomes.findIndex((o) => o === 'ok' || o === 'bug');
        const expected = firstTerminal !== -1 && firstTerminal < 4 ? (outcomes[firstTerminal] === 'ok' ? 'ok' : 'not-retryable') : 'attempts-exhausted';
        expect(result).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('withRetry: abort and attempt timeouts', () => {
  it('rejects with signal.reason without calling fn when already aborted', async () => {
    const fn = vi.fn(async () => 1);
    const reason = new Error('cancelled by user');
    await expect(withRetry(policy, { signal: AbortSignal.abort(reason) })(fn)()).rejects.toBe(reason);
    expect(fn).not.toHaveBeenCalled();
  });

  it('rejects at once when aborted mid-attempt, and aborts the attempt\'s own signal', async () => {
    const controller = new AbortController();
    let attemptSignal: AbortSignal | undefined;
    const call = retry(policy, (ctx) => {
      attemptSignal = ctx.signal;
      return new Promise<never>(() => undefined); // never settles
    }, { signal: controller.signal });
    await Promise.resolve();
    controller.abort(new Error('stop'));
    await expect(call).rejects.toThrow('stop');
    expect(attemptSignal?.aborted).toBe(true);
  });

  it('rejects at once when aborted mid-sleep, and leaves no sleep pending', async () => {
    const clock = new TestClock();
    const controller = new AbortController();
    const fn = vi.fn(async () => {
      throw throttled();
    });
    const call = withRetry(policy, { clock, signal: controller.signal })(fn)();
    call.catch(() => undefined);
    await clock.advance(0);
    expect(clock.pending).toBe(1);
    controller.abort(new Error('user left'));
    await expect(call).rejects.toThrow('user left');
    expect(clock.pending).toBe(0);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('fails an attempt that runs past attemptTimeoutMs as a timeout, retries it, and ignores its late result', async () => {
    const clock = new TestClock();
    const resolvers: ((value: string) => void)[] = [];
    const seen: AbortSignal[] = [];
    const call = retry(
      policy,
      (ctx) => {
        seen.push(ctx.signal);
        return new Promise<string>((resolve) => resolvers.push(resolve));
      },
      { clock, attemptTimeoutMs: 1000 },
    );
    call.catch(() => undefined);
    await clock.advance(1000); // attempt 1 times out; 50 ms backoff (timeout row)
    expect(seen[0]?.aborted).toBe(true);
    expect((seen[0]?.reason as DOMException).name).toBe('TimeoutError');
    resolvers[0]!('late'); // must be ignored
    await clock.advance(50);
    expect(resolvers).toHaveLength(2);
    resolvers[1]!('on time');
    await expect(call).resolves.toBe('on time');
    expect(clock.pending).toBe(0);
  });

  it('gives up after timeouts with a journal of timeout failures', async () => {
    const clock = new TestClock();
    const error = await clock.run(withRetry(policy, { clock, attemptTimeoutMs: 10 })(() => new Promise(() => undefined))()).catch((e: unknown) => e);
    expect(isRetryError(error) && error.attempts.map((a) => [a.kind, a.durationMs])).toEqual([
      ['timeout', 10],
      ['timeout', 10],
      ['timeout', 10],
      ['timeout', 10],
    ]);
  });
});

describe('withRetry: a misbehaving clock', () => {
  it('survives now() jumping backwards and forwards: no negative durations, deadline by the clock\'s own reading', async () => {
    const readings = [1000, 500, 400, 9000, 100, 50, 20_000, 0];
    let i = 0;
    const sleeps: number[] = [];
    const clock: Clock = { now: () => readings[i++ % readings.length]!, sleep: async (ms) => void sleeps.push(ms) };
    const error = await withRetry(policy, { clock, maxElapsedMs: 10_000 })(async () => {
      throw throttled();
    })().catch((e: unknown) => e);
    expect(isRetryError(error)).toBe(true);
    if (!isRetryError(error)) return;
    for (const attempt of error.attempts) expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
    expect(sleeps.every((ms) => ms >= 0)).toBe(true);
  });

  it('rejects promptly on abort even when a custom clock ignores the signal', async () => {
    const clock: Clock = { now: () => 0, sleep: () => new Promise(() => undefined) };
    const controller = new AbortController();
    const call = withRetry(policy, { clock, signal: controller.signal })(async () => {
      throw throttled();
    })();
    await new Promise((r) => setImmediate(r));
    controller.abort(new Error('bye'));
    await expect(call).rejects.toThrow('bye');
  });
});

describe('TestClock', () => {
  it('advance() ends only the sleeps that fall due, in order; runAll() ends the rest', async () => {
    const clock = new TestClock(100);
    const woke: string[] = [];
    void clock.sleep(300).then(() => woke.push(`300 at ${clock.now()}`));
    void clock.sleep(100).then(() => woke.push(`100 at ${clock.now()}`));
    void clock.sleep(200).then(() => woke.push(`200 at ${clock.now()}`));
    await clock.advance(250);
    expect(woke).toEqual(['100 at 200', '200 at 300']);
    expect(clock.now()).toBe(350);
    expect(clock.pending).toBe(1);
    await expect(clock.runAll()).resolves.toBe(1);
    expect(woke).toEqual(['100 at 200', '200 at 300', '300 at 400']);
    expect(clock.sleeps).toEqual([300, 100, 200]);
    expect(clock.totalSleptMs).toBe(600);
  });

  it('runAll() drives a whole retrying call', async () => {
    const clock = new TestClock();
    const settled = withRetry(policy, { clock })(flaky(9, 1))().catch((e: unknown) => e);
    await expect(clock.runAll()).resolves.toBe(3);
    expect(isRetryError(await settled)).toBe(true);
  });
});

describe('scaledClock', () => {
  it('sleeps ms / speed on the base clock and reads virtual time', async () => {
    const base = new TestClock(1000);
    const clock = scaledClock(20, base);
    const slept = clock.sleep(60_000);
    await base.advance(2999);
    expect(base.pending).toBe(1);
    await base.advance(1);
    await slept;
    expect(clock.now()).toBe(1000 + 3000 * 20);
  });

  it('rejects a speed that is not a positive finite number', () => {
    expect(() => scaledClock(0)).toThrow(/speed/);
    expect(() => scaledClock(Number.NaN)).toThrow(/speed/);
  });
});
