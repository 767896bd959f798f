import { mock } from 'node:test';
import { ModernFakeTimers } from '@jest/fake-timers';
import FakeTimers from '@sinonjs/fake-timers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { definePolicy, isRetryError, mwsPolicy, withRetry } from '../../src/index.js';

/** MWS "Handling errors": "you can time your retries with the following time spacing: 1s, 4s, 10s, 30s". */
const SEED_SPACING_MS = [1000, 4000, 10_000, 30_000];
const throttled = () => Object.assign(new Error('throttled'), { status: 503, code: 'RequestThrottled' });

/** Records the time of each call, by the (fake) wall clock, and always fails. */
function recordingFailure() {
  const calledAt: number[] = [];
  const fn = async () => {
    calledAt.push(Date.now());
    throw throttled();
  };
  return { fn, gaps: () => calledAt.slice(1).map((t, i) => t - calledAt[i]!) };
}

describe('the default clock under third-party fake timers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is driven by vitest's vi.useFakeTimers() installed after import", async () => {
    vi.useFakeTimers();
    const target = recordingFailure();
    const call = withRetry(mwsPolicy)(target.fn)();
    const settled = call.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(999);
    expect(target.gaps()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(target.gaps()).toEqual([1000]);
    await vi.runAllTimersAsync();
    const error = await settled;
    expect(isRetryError(error) && error.reason).toBe('attempts-exhausted');
    expect(target.gaps()).toEqual(SEED_SPACING_MS);
  });

  it('is driven by @sinonjs/fake-timers', async () => {
    const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const target = recordingFailure();
      const settled = withRetry(mwsPolicy)(target.fn)().catch((e: unknown) => e);
      await clock.runAllAsync();
      expect(isRetryError(await settled)).toBe(true);
      expect(target.gaps()).toEqual(SEED_SPACING_MS);
    } finally {
      clock.uninstall();
    }
  });

  it("is driven by node:test's mock timers", async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
    try {
      const target = recordingFailure();
      const settled = withRetry(mwsPolicy)(target.fn)().catch((e: unknown) => e);
      for (const gap of SEED_SPACING_MS) {
        // Let the failure be normalized and the sleep start, then move time by exactly one gap.
        await new Promise((r) => setImmediate(r));
        mock.timers.tick(gap);
      }
      expect(isRetryError(await settled)).toBe(true);
      expect(target.gaps()).toEqual(SEED_SPACING_MS);
    } finally {
      mock.timers.reset();
    }
  });
});

describe('the default clock under Jest and across installs', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is driven by Jest's modern fake timers (@jest/fake-timers, what jest.useFakeTimers() installs)", async () => {
    // The object Jest's environment builds for `jest.useFakeTimers()`; its config is read only
    // for the fakeTimers options.
    const config = { fakeTimers: { enableGlobally: false }, rootDir: process.cwd() } as unknown as ConstructorParameters<typeof ModernFakeTimers>[0]['config'];
    const jestTimers = new ModernFakeTimers({ global: globalThis as unknown as typeof globalThis & { [key: string]: unknown }, config });
    jestTimers.useFakeTimers();
    try {
      const target = recordingFailure();
      const settled = withRetry(mwsPolicy)(target.fn)().catch((e: unknown) => e);
      await jestTimers.advanceTimersByTimeAsync(999);
      expect(target.gaps()).toEqual([]);
      await jestTimers.runAllTimersAsync();
      expect(isRetryError(await settled)).toBe(true);
      expect(target.gaps()).toEqual(SEED_SPACING_MS);
    } finally {
      jestTimers.useRealTimers();
    }
  });

  it('calls already sleeping when fake timers are installed move to them with the shared timer: none is stranded, none wakes early', async () => {
    // One shared timer for every sleeping call: installing fakes re-arms it through the fake
    // setTimeout at the next sleep, so the calls sleeping then wake on fake time from then on
    // (a per-call real timer would have gone on ticking in real time).
    const short = definePolicy({ name: 'short', maxAttempts: 2, rules: [{ match: {}, retry: true, schedule: { type: 'constant', delayMs: 5000 } }] });
    let realAttempts = 0;
    const sleepingBefore = withRetry(short)(async () => {
      if (++realAttempts === 1) throw throttled();
      return 'woke';
    })();
    while (realAttempts === 0) await new Promise((r) => setImmediate(r));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const fakeTarget = recordingFailure();
    const fakeCall = withRetry(mwsPolicy)(fakeTarget.fn)().catch((e: unknown) => e);
    // Its 5 s began a moment before the fakes (real time): due within (4 s, 5 s] of fake time.
    await vi.advanceTimersByTimeAsync(4000);
    expect(realAttempts).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await sleepingBefore).toBe('woke');
    await vi.runAllTimersAsync();
    expect(isRetryError(await fakeCall)).toBe(true);
    expect(fakeTarget.gaps()).toEqual(SEED_SPACING_MS);
  });
});

describe('aborting a real 30 s wait', () => {
  it('rejects with the abort reason long before the wait ends and leaves no timer keeping the process alive', async () => {
    // MWS's last spacing, 30 s, as the first wait so the test does not sit through 1 s, 4 s, 10 s.
    const thirtySeconds = definePolicy({ name: 'mws-last-gap', rules: [{ match: {}, retry: true, schedule: { type: 'list', delaysMs: [30_000] } }] });
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const timersBefore = timers();
    const controller = new AbortController();
    const settled = withRetry(thirtySeconds, { signal: controller.signal })(async () => {
      throw throttled();
    })().catch((e: unknown) => e);
    // The failure path reaches its sleep after a few turns (more on a loaded machine): wait for
    // it with immediates, which are no Timeout themselves.
    for (let turn = 0; turn < 100_000 && timers() !== timersBefore + 1; turn++) await new Promise((r) => setImmediate(r));
    expect(timers()).toBe(timersBefore + 1); // the real 30 s timer
    controller.abort(new Error('shutting down'));
    // Not a speed assertion: without a prompt abort this would take 30 s and hit the 5 s guard.
    let guardTimer: NodeJS.Timeout | undefined;
    const guard = new Promise((r) => (guardTimer = setTimeout(() => r('still waiting'), 5000)));
    const error = await Promise.race([settled, guard]);
    clearTimeout(guardTimer);
    expect((error as Error).message).toBe('shutting down');
    expect(timers()).toBe(timersBefore);
  });
});
