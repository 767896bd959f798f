import { cubicRefill } from './cubic-bucket.js';
import { cubicRound } from './cubic-round.js';
import { checkTime, type CubicRate } from './cubic-state.js';

/**
 * Reports one response (after every attempt, success or failure, as the AWS SDK's
 * `AdaptiveRetryStrategy` calls `updateClientSendingRate`) and returns the state with the new
 * send rate: smithy-typescript's `DefaultRateLimiter.updateClientSendingRate`
 * (packages/core/src/submodules/retry/util-retry/DefaultRateLimiter.ts, commit 6815d3e9), the
 * same arithmetic in the same order, rounded where smithy rounds (see {@link cubicRound}).
 *
 * 1. The response is counted in the measured send rate: half-second buckets, each finished one
 *    blended in with weight `smooth`.
 * 2. A throttle remembers the rate in force (the measured rate on the first throttle, since
 *    until then no rate was in force; afterwards the lower of measured and fill rate) as
 *    `lastMaxRate`, multiplies it by `beta` and enables the bucket. Any other response follows
 *    the CUBIC curve `scaleConstant·(t − lastThrottleTime − timeWindow)³ + lastMaxRate`, where
 *    `timeWindow = ∛(lastMaxRate·(1 − beta)/scaleConstant)` is when the curve is back at
 *    `lastMaxRate`: a fast climb back to the old rate, a plateau there, then a probe beyond it.
 * 3. The new rate is capped at twice the measured rate (never grant far more than is used),
 *    then `fillRate = max(newRate, minFillRate)` and `maxCapacity = max(newRate, minCapacity)`,
 *    about one second of tokens; tokens above a lowered capacity are dropped.
 *
 * Before the first throttle the rate is still tracked, but nothing waits on it.
 *
 * @param throttled - whether the response was a throttle (see {@link isThrottlingFailure})
 * @example
 * ```ts
 * let rate = createCubicRate(0);
 * rate = cubicUpdate(rate, 0.6, false);
 * rate.measuredTxRate; // 1.6
 * rate = cubicUpdate(rate, 1, true);
 * rate.enabled; // true
 * ```
 */
export function cubicUpdate(state: CubicRate, nowSeconds: number, throttled: boolean): CubicRate {
  checkTime(nowSeconds);
  const { beta, scaleConstant } = state.constants;
  const measured = measureSendRate(state, nowSeconds);
  let calculatedRate: number;
  let next: CubicRate;
  if (throttled) {
    const rateToUse = measured.enabled ? Math.min(measured.measuredTxRate, measured.fillRate) : measured.measuredTxRate;
    calculatedRate = cubicRound(rateToUse * beta);
    next = { ...measured, lastMaxRate: rateToUse, lastThrottleTime: nowSeconds, enabled: true };
  } else {
    const timeWindow = cubicRound(Math.pow((measured.lastMaxRate * (1 - beta)) / scaleConstant, 1 / 3));
    calculatedRate = cubicRound(
      scaleConstant * Math.pow(nowSeconds - measured.lastThrottleTime - timeWindow, 3) + measured.lastMaxRate,
    );
    next = measured;
  }
  const newRate = Math.min(calculatedRate, 2 * measured.measuredTxRate);
  return { ...setBucketRate(next, nowSeconds, newRate), calculatedRate };
}

/** smithy's `updateMeasuredRate`: count this response, and close the half-second bucket if a newer one began. */
function measureSendRate(state: CubicRate, nowSeconds: number): CubicRate {
  const timeBucket = Math.floor(nowSeconds * 2) / 2;
  const requestCount = state.requestCount + 1;
  if (!(timeBucket > state.lastTxRateBucket)) return { ...state, requestCount };
  const currentRate = requestCount / (timeBucket - state.lastTxRateBucket);
  const { smooth } = state.constants;
  const measuredTxRate = cubicRound(currentRate * smooth + state.measuredTxRate * (1 - smooth));
  return { ...state, measuredTxRate, requestCount: 0, lastTxRateBucket: timeBucket };
}

/** smithy's `updateTokenBucketRate`: refill at the old rate first, so tokens earned so far are kept. */
function setBucketRate(state: CubicRate, nowSeconds: number, newRate: number): CubicRate {
  const refilled = cubicRefill(state, nowSeconds);
  const { minFillRate, minCapacity } = state.constants;
  const maxCapacity = Math.max(newRate, minCapacity);
  return {
    ...refilled,
    fillRate: Math.max(newRate, minFillRate),
    maxCapacity,
    availableTokens: Math.min(refilled.availableTokens, maxCapacity),
  };
}
