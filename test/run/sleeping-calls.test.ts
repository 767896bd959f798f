import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { definePolicy, isRetryError, retry, TestClock, withRetry } from '../../src/index.js';

// A real garbage collector, to prove what a sleeping call no longer holds.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const slow = definePolicy({ name: 'slow', maxAttempts: 3, rules: [{ match: {}, retry: true, schedule: { type: 'constant', delayMs: 60_000 } }] });

const timers = (): number => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 10 && ref.deref() !== undefined; i++) {
    await turn();
    gc();
  }
  return ref.deref() === undefined;
}

describe('calls sleeping in a backoff', () => {
  it('10,000 calls sleeping on the real clock hold one platform timer; aborting them leaves none', async () => {
    const before = timers();
    const shutdown = new AbortController();
    let failures = 0;
    const call = withRetry(slow, { signal: shutdown.signal })(async () => {
      failures++;
      throw Object.assign(new Error('busy'), { status: 503 });
    });
    const outcomes = Array.from({ length: 10_000 }, () => call().catch((error: unknown) => error));
    for (let i = 0; i < 10_000 && failures < 10_000; i++) await turn();
    for (let i = 0; i < 20; i++) await turn();
    expect(failures).toBe(10_000);
    // At most one more than before (the runner's own timers come and go: not exactly one).
    expect(timers()).toBeLessThanOrEqual(before + 1);
    const reason = new Error('shutting down');
    shutdown.abort(reason);
    const settled = await Promise.all(outcomes);
    expect(settled.every((outcome) => outcome === reason)).toBe(true);
    expect(timers()).toBeLessThanOrEqual(before);
  }, 60_000);

  it("does not keep the failed attempt's Error alive while it sleeps, and still gives the last one as the cause", async () => {
    const clock = new TestClock();
    let first: WeakRef<Error> | undefined;
    let last: Error | undefined;
    const pending = withRetry(slow, { clock })(async () => {
      last = Object.assign(new Error('busy'), { status: 503 });
      first ??= new WeakRef(last);
      throw last;
    })().catch((error: unknown) => error);
    while (clock.pending === 0) await turn();
    last = undefined; // the test's own reference
    expect(await collected(first!)).toBe(true);
    await clock.runAll();
    const error = await pending;
    expect(isRetryError(error) && error.reason).toBe('attempts-exhausted');
    expect(isRetryError(error) && error.attempts.map((a) => a.status)).toEqual([503, 503, 503]);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('does not keep a failed Response it discarded while it sleeps', async () => {
    const clock = new TestClock();
    let first: WeakRef<Response> | undefined;
    const pending = retry(
      slow,
      () => {
        const response = new Response('{"error":"busy"}', { status: 503, headers: { 'content-type': 'application/json' } });
        first ??= new WeakRef(response);
        return response;
      },
      { clock },
    ).catch((error: unknown) => error);
    while (clock.pending === 0) await turn();
    expect(await collected(first!)).toBe(true);
    await clock.runAll();
    // The last failed Response is kept for the caller, unread.
    const error = await pending;
    expect(isRetryError(error) && (error.cause as Response).status).toBe(503);
  });
});

describe('clocks made from ours', () => {
  it('a clock spread from systemClock with its own sleep sleeps through that sleep, not the shared heap', async () => {
    const { systemClock } = await import('../../src/index.js');
    const asked: number[] = [];
    const clock = { ...systemClock, sleep: (ms: number) => (asked.push(ms), Promise.resolve()) };
    const result = await withRetry(slow, { clock })(
      (() => {
        let calls = 0;
        return async () => {
          if (calls++ === 0) throw Object.assign(new Error('busy'), { status: 503 });
          return 'done';
        };
      })(),
    )();
    expect(result).toBe('done');
    expect(asked).toEqual([60_000]);
  });
});
