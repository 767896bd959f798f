import { describe, expect, it } from 'vitest';
import { cubicSendDelay } from '../../src/pacing/cubic-bucket.js';
import { createCubicRate } from '../../src/pacing/cubic-state.js';
import { cubicUpdate } from '../../src/pacing/cubic-update.js';

/**
 * smithy-typescript's own test vectors for the AWS SDK's adaptive rate limiter
 * (packages/core/src/submodules/retry/util-retry/DefaultRateLimiter.spec.ts, commit 6815d3e9),
 * reproduced exactly (`toBe`, no tolerance). smithy drives its limiter by mocking `Date.now`
 * and spying on private methods; here the time is an argument and the spied values are fields
 * of the returned state, so each vector reads the same number from the same moment.
 */
describe('smithy DefaultRateLimiter vectors', () => {
  // The limiter is created at t = 0, throttled once at t, then asked for a token at t.
  it.each([
    [0.5, 892.8571428571428],
    [1, 1785.7142857142856],
    [2, 2000],
  ])('getSendToken after a throttle at %d s waits %d ms', (t, delayMs) => {
    const throttled = cubicUpdate(createCubicRate(0), t, true);
    const { delaySeconds } = cubicSendDelay(throttled, t);
    expect(delaySeconds * 1000).toBe(delayMs);
  });

  // smithy sets lastMaxRate 10 and lastThrottleTime 5 on a limiter made at 0, then reports one response at t.
  const afterThrottleAt5 = { ...createCubicRate(0), lastMaxRate: 10, lastThrottleTime: 5 };

  it.each([
    [5, 7],
    [6, 9.64893601],
    [7, 10.00003085],
    [8, 10.45328452],
    [9, 13.40869703],
    [10, 21.26626836],
    [11, 36.42599853],
  ])('cubicSuccess at %d s is %d', (t, rate) => {
    expect(cubicUpdate(afterThrottleAt5, t, false).calculatedRate).toBe(rate);
  });

  it.each([
    [5, 0.112],
    [6, 0.09333333],
    [7, 0.08],
    [8, 0.07],
    [9, 0.06222222],
  ])('cubicThrottle at %d s is %d', (t, rate) => {
    expect(cubicUpdate(afterThrottleAt5, t, true).calculatedRate).toBe(rate);
  });

  it('updateClientSendingRate, one response after another', () => {
    // [throttled, t, measuredTxRate, fillRate to 6 decimals]
    const rows: readonly (readonly [boolean, number, number, number])[] = [
      [false, 0.2, 0, 0.5],
      [false, 0.4, 0, 0.5],
      [false, 0.6, 4.8, 0.5],
      [false, 0.8, 4.8, 0.5],
      [false, 1, 4.16, 0.5],
      [false, 1.2, 4.16, 0.6912],
      [false, 1.4, 4.16, 1.0976],
      [false, 1.6, 5.632, 1.6384],
      [false, 1.8, 5.632, 2.3328],
      [true, 2, 4.3264, 3.02848],
      [false, 2.2, 4.3264, 3.486639],
      [false, 2.4, 4.3264, 3.821874],
      [false, 2.6, 5.66528, 4.053386],
      [false, 2.8, 5.66528, 4.200373],
      [false, 3.0, 4.333056, 4.282037],
      [true, 3.2, 4.333056, 2.997426],
      [false, 3.4, 4.333056, 3.452226],
    ];
    let rate = createCubicRate(0);
    const seen = rows.map(([throttled, t]) => {
      rate = cubicUpdate(rate, t, throttled);
      return [throttled, t, rate.measuredTxRate, parseFloat(rate.fillRate.toFixed(6))];
    });
    expect(seen).toEqual(rows);
    expect(rows).toHaveLength(17);
  });
});
