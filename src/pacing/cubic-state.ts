import { OptionsError } from '../shared/options-error.js';
import { isFiniteNumber } from '../shared/validate.js';
import { resolveCubicOptions, type CubicConstants, type CubicRateOptions } from './cubic-options.js';

/**
 * The whole state of the AWS SDK's adaptive (CUBIC) client-side rate limiter, as immutable data:
 * every function of this module takes one and returns a new one, and none reads a clock. The
 * caller passes the time, in seconds by any clock it likes (epoch, monotonic, fake), as long as
 * it is the same clock for the whole life of the state.
 *
 * Why data, not a class: so a state can be logged, compared in a test, kept per host or stored
 * (it is plain data, no methods), and so concurrent callers in one process share it by passing
 * the latest value along, which makes every interleaving explicit.
 *
 * The fields are smithy-typescript's `DefaultRateLimiter` fields (DefaultRateLimiter.ts, commit
 * 6815d3e9), with smithy's names, except `lastRefillTime` (smithy's `lastTimestamp`) and the
 * added `calculatedRate`. smithy's `timeWindow` is not kept: it is recomputed from `lastMaxRate`
 * before every use there, so it is a function of that field, not state.
 *
 * @example
 * ```ts
 * let rate: CubicRate = createCubicRate(0);
 * rate = cubicUpdate(rate, 0.5, true); // a throttle: the bucket is now enabled
 * rate.fillRate; // 1.12
 * ```
 */
export interface CubicRate {
  /** The tuning, defaults filled in. */
  readonly constants: CubicConstants;
  /** False until the first throttle: until then nothing waits (the AWS SDK starts unlimited). */
  readonly enabled: boolean;
  /** Tokens in the bucket, 0 to `maxCapacity`; a request takes one. */
  readonly availableTokens: number;
  /** Tokens added per second, never below `constants.minFillRate`. */
  readonly fillRate: number;
  /** The most tokens the bucket holds: about one second's worth, never below `constants.minCapacity`. */
  readonly maxCapacity: number;
  /** When the bucket was last refilled, in seconds; undefined before the first refill. */
  readonly lastRefillTime: number | undefined;
  /** The rate in force at the last throttle: where the CUBIC curve flattens out. */
  readonly lastMaxRate: number;
  /** When the last throttle was seen, in seconds (the creation time before any). */
  readonly lastThrottleTime: number;
  /** The smoothed rate at which responses were reported, per second (half-second buckets). */
  readonly measuredTxRate: number;
  /** Responses reported in the current half-second bucket so far. */
  readonly requestCount: number;
  /** The start of the current half-second bucket, in seconds. */
  readonly lastTxRateBucket: number;
  /**
   * The CUBIC curve's rate at the last update (smithy's `cubicSuccess` or `cubicThrottle`),
   * before the cap at twice the measured rate and the floor at `minFillRate`: kept because
   * `fillRate` hides it whenever either applies. Undefined before the first update.
   */
  readonly calculatedRate: number | undefined;
}

/**
 * A fresh limiter at `nowSeconds`, as smithy's constructor makes it: disabled, an empty bucket,
 * `fillRate = minFillRate`, `maxCapacity = minCapacity`, and the measurement and the CUBIC curve
 * both starting now. The time is required, not defaulted to 0: the first measured rate is
 * counted from it, so a state created at 0 and then driven with epoch seconds would measure a
 * rate of almost nothing.
 *
 * @param nowSeconds - the current time by the caller's clock, in seconds
 * @param options - the tuning; smithy's defaults when absent
 * @throws {@link OptionsError} for a bad option or a time that is not a finite number
 * @example
 * ```ts
 * const rate = createCubicRate(performance.now() / 1000);
 * rate.enabled; // false
 * createCubicRate(0, { minFillRate: 2 }).fillRate; // 2
 * ```
 */
export function createCubicRate(nowSeconds: number, options?: CubicRateOptions): CubicRate {
  const constants = resolveCubicOptions(options);
  checkTime(nowSeconds);
  return {
    constants,
    enabled: false,
    availableTokens: 0,
    fillRate: constants.minFillRate,
    maxCapacity: constants.minCapacity,
    lastRefillTime: undefined,
    lastMaxRate: 0,
    lastThrottleTime: nowSeconds,
    // Whole seconds, as smithy's constructor does (later buckets are half seconds).
    lastTxRateBucket: Math.floor(nowSeconds),
    measuredTxRate: 0,
    requestCount: 0,
    calculatedRate: undefined,
  };
}

/**
 * Rejects a time that would poison the state: one NaN makes every later rate and delay NaN.
 *
 * @throws {@link OptionsError} when `nowSeconds` is not a finite number
 * @example
 * ```ts
 * checkTime(12.5); // fine
 * checkTime(Number.NaN); // throws OptionsError: nowSeconds must be ...
 * ```
 */
export function checkTime(nowSeconds: number): void {
  if (!isFiniteNumber(nowSeconds)) throw new OptionsError('nowSeconds', nowSeconds, 'must be a finite number of seconds');
}
