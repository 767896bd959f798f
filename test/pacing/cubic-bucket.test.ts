import { describe, expect, it } from 'vitest';
import { isOptionsError } from '../../src/shared/options-error.js';
import { cubicAcquired, cubicRefill, cubicSendDelay } from '../../src/pacing/cubic-bucket.js';
import { CUBIC_DEFAULTS, resolveCubicOptions } from '../../src/pacing/cubic-options.js';
import { cubicRound } from '../../src/pacing/cubic-round.js';
import { createCubicRate, type CubicRate } from '../../src/pacing/cubic-state.js';
import { cubicUpdate } from '../../src/pacing/cubic-update.js';

/** A limiter enabled by a throttle at 1000 s, as smithy's "re-checks after sleep" tests set one up, then adjusted. */
const enabledAt1000 = (fields: Partial<CubicRate>): CubicRate => ({ ...cubicUpdate(createCubicRate(0), 1000, true), ...fields });

describe('before the first throttle', () => {
  it('sends at once and takes nothing, however many requests (the AWS SDK starts unlimited)', () => {
    let rate = createCubicRate(0);
    for (let i = 0; i < 100; i++) {
      expect(cubicSendDelay(rate, 0).delaySeconds).toBe(0);
      const got = cubicAcquired(rate, 0);
      expect(got).toEqual({ acquired: true, state: rate });
      rate = cubicUpdate(got.state, 0, false);
    }
    expect(rate.enabled).toBe(false);
  });
});

describe('acquiring re-checks after the sleep (smithy: "acquireTokenBucket re-checks after sleep")', () => {
  it('takes the token when the sleep refilled enough, never leaving the bucket below zero', () => {
    const rate = enabledAt1000({ availableTokens: 0.1, fillRate: 10, lastRefillTime: 1000 });
    const wait = cubicSendDelay(rate, 1000);
    expect(wait.delaySeconds).toBeCloseTo(0.09, 12);
    const got = cubicAcquired(wait.state, 1000.2); // 200 ms passed
    expect(got.acquired).toBe(true);
    expect(got.state.availableTokens).toBeGreaterThanOrEqual(0);
  });

  it('asks for another sleep when the rate fell while the caller slept', () => {
    const rate = enabledAt1000({ availableTokens: 0, fillRate: 10, maxCapacity: 10, lastRefillTime: 1000 });
    const wait = cubicSendDelay(rate, 1000);
    expect(wait.delaySeconds).toBe(0.1);
    // A concurrent response throttles meanwhile (smithy's test sets fillRate 0.5, maxCapacity 1).
    const slower: CubicRate = { ...wait.state, fillRate: 0.5, maxCapacity: 1 };
    const first = cubicAcquired(slower, 1000.05);
    expect(first.acquired).toBe(false);
    if (first.acquired) return;
    expect(first.state.availableTokens).toBeCloseTo(0.025, 12);
    expect(first.delaySeconds).toBeCloseTo(1.95, 12);
    const second = cubicAcquired(first.state, 1000.05 + first.delaySeconds + 0.001);
    expect(second.acquired).toBe(true);
    expect(second.state.availableTokens).toBeGreaterThanOrEqual(0);
  });

  it('refills before answering, every time', () => {
    const rate = enabledAt1000({ availableTokens: 0, fillRate: 2, maxCapacity: 2, lastRefillTime: 1000 });
    expect(cubicSendDelay(rate, 1000).delaySeconds).toBe(0.5);
    expect(cubicSendDelay(rate, 1000.25).delaySeconds).toBe(0.25);
    expect(cubicAcquired(rate, 1000.6)).toMatchObject({ acquired: true, state: { lastRefillTime: 1000.6 } });
  });

  it('a concurrent caller who slept as long finds the token gone and waits its turn', () => {
    const rate = enabledAt1000({ availableTokens: 0, fillRate: 2, maxCapacity: 2, lastRefillTime: 1000 });
    const a = cubicSendDelay(rate, 1000);
    const b = cubicSendDelay(a.state, 1000);
    expect([a.delaySeconds, b.delaySeconds]).toEqual([0.5, 0.5]);
    const gotA = cubicAcquired(b.state, 1000.5);
    expect(gotA.acquired).toBe(true);
    const gotB = cubicAcquired(gotA.state, 1000.5);
    expect(gotB).toMatchObject({ acquired: false, delaySeconds: 0.5 });
  });
});

describe('refill', () => {
  it('only records the time the first time, and a clock that went back refills nothing', () => {
    const fresh = { ...createCubicRate(0), fillRate: 2, maxCapacity: 2 };
    expect(cubicRefill(fresh, 0)).toMatchObject({ availableTokens: 0, lastRefillTime: 0 });
    // 0 is a time like any other here (smithy would take it for "never refilled").
    expect(cubicRefill(cubicRefill(fresh, 0), 0.25).availableTokens).toBe(0.5);
    const later = cubicRefill(cubicRefill(fresh, 5), 5.5);
    expect(cubicRefill(later, 4)).toBe(later);
  });

  it('never fills past maxCapacity', () => {
    const rate = { ...createCubicRate(0), fillRate: 2, maxCapacity: 2, lastRefillTime: 1 };
    expect(cubicRefill(rate, 1.25).availableTokens).toBe(0.5);
    expect(cubicRefill(rate, 100).availableTokens).toBe(2);
  });
});

describe('options and times', () => {
  it('defaults to smithy DefaultRateLimiter\'s constants', () => {
    expect(resolveCubicOptions()).toEqual({ beta: 0.7, minCapacity: 1, minFillRate: 0.5, scaleConstant: 0.4, smooth: 0.8 });
    expect(resolveCubicOptions({ beta: undefined })).toEqual(CUBIC_DEFAULTS);
    expect(createCubicRate(7.7)).toMatchObject({ fillRate: 0.5, maxCapacity: 1, lastThrottleTime: 7.7, lastTxRateBucket: 7 });
  });

  it.each([
    ['beta', { beta: 1 }],
    ['beta', { beta: 0 }],
    ['minCapacity', { minCapacity: 0.5 }],
    ['minFillRate', { minFillRate: 0 }],
    ['scaleConstant', { scaleConstant: Number.NaN }],
    ['smooth', { smooth: 0 }],
    ['minFillRate', { minFillRate: '2' }],
    ['minFillrate', { minFillrate: 2 }],
  ])('rejects a bad %s', (option, options) => {
    const error = catchError(() => createCubicRate(0, options as never));
    expect(isOptionsError(error) && error.option).toBe(option);
  });

  it('suggests the option a typo meant', () => {
    expect(() => createCubicRate(0, { minFillrate: 2 } as never)).toThrow(/did you mean minFillRate/);
  });

  it.each([Number.NaN, Infinity, -Infinity])('rejects the time %d everywhere', (t) => {
    const rate = cubicUpdate(createCubicRate(0), 1, true);
    const calls = [
      () => createCubicRate(t),
      () => cubicUpdate(rate, t, false),
      () => cubicSendDelay(rate, t),
      () => cubicAcquired(rate, t),
    ];
    for (const call of calls) {
      expect(isOptionsError(catchError(call))).toBe(true);
    }
  });
});

describe('the TSDoc examples', () => {
  it('hold', () => {
    expect(cubicRound((0.4 * 0.7) / 3)).toBe(0.09333333);
    expect(cubicRound(Math.cbrt(7.5))).toBe(1.95743382);
    expect(createCubicRate(0, { beta: 0.8, minFillRate: 1 }).fillRate).toBe(1);
    expect(cubicUpdate(createCubicRate(0), 0.5, true).fillRate).toBe(1.12);
    let rate = cubicUpdate(createCubicRate(0), 0.6, false);
    expect(rate.measuredTxRate).toBe(1.6);
    rate = cubicUpdate(rate, 1, true);
    expect(rate.enabled).toBe(true);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
}
