import type { Failure } from '../failure/failure.js';
import { isThrottling } from '../failure/throttling.js';
import { checkOptionKeys } from '../shared/option-keys.js';
import { cubicAcquired } from './cubic-bucket.js';
import type { CubicRateOptions } from './cubic-options.js';
import { createCubicRate, type CubicRate } from './cubic-state.js';
import { cubicUpdate } from './cubic-update.js';
import type { RateLimiter } from './rate-limiter.js';
import type { UsagePlan } from './token-bucket.js';

/**
 * Options of {@link adaptiveRateLimiter}: the CUBIC constants, as the AWS SDK names them.
 *
 * @example
 * ```ts
 * const options: AdaptiveRateLimiterOptions = { key: 'scraper', minFillRate: 0.5 };
 * ```
 */
export interface AdaptiveRateLimiterOptions extends CubicRateOptions {
  /** A name for the limiter. @defaultValue 'adaptive' */
  readonly key?: string;
}

/**
 * A rate limiter for an API whose limit you do not know: the AWS SDK for JavaScript v3's
 * "adaptive" retry mode (smithy-typescript's `DefaultRateLimiter`, reproduced exactly, test
 * vectors included). It sends freely until the first throttling answer, then paces at a rate it
 * learns: CUBIC, with β = 0.7 on every throttle and a cubic climb back, never above twice the
 * measured send rate. In this process's memory.
 *
 * @param options - the CUBIC constants (beta, scaleConstant, smooth, minFillRate, minCapacity) and a key
 * @example
 * ```ts
 * const scrape = withRetry(scraperPolicy, { rateLimiter: adaptiveRateLimiter() })(fetchProduct);
 * ```
 */
export function adaptiveRateLimiter(options: AdaptiveRateLimiterOptions = {}): RateLimiter {
  checkOptionKeys('adaptiveRateLimiter', options, ['key', 'beta', 'minCapacity', 'minFillRate', 'scaleConstant', 'smooth']);
  const { key = 'adaptive', ...cubic } = options;
  return new AdaptiveLimiter(key, cubic);
}

class AdaptiveLimiter implements RateLimiter {
  private state: CubicRate | undefined;

  constructor(
    readonly key: string,
    private readonly options: CubicRateOptions,
  ) {}

  /** The rate in force: unlimited (Infinity) until the first throttle. */
  get plan(): UsagePlan {
    const state = this.state;
    if (state === undefined || !state.enabled) return { ratePerSecond: Infinity, burst: Infinity };
    return { ratePerSecond: state.fillRate, burst: state.maxCapacity };
  }

  async acquire(nowMs: number): Promise<{ waitMs: number }> {
    let state = this.stateAt(nowMs);
    let at = nowMs / 1000;
    // Reserve the token for when the caller will have slept: smithy sleeps, refills, and checks again.
    for (let round = 0; round < 100; round++) {
      const acquired = cubicAcquired(state, at);
      state = acquired.state;
      if (acquired.acquired) break;
      // Real timers sleep at least 1 ms: a shorter step would not move an epoch-seconds clock.
      at += Math.max(acquired.delaySeconds, 0.001);
    }
    this.state = state;
    return { waitMs: Math.ceil(at * 1000 - nowMs) };
  }

  async release(): Promise<void> {
    // smithy's bucket never gives a token back; neither does this one.
  }

  async observeFailure(failure: Failure, nowMs: number): Promise<void> {
    this.state = cubicUpdate(this.stateAt(nowMs), nowMs / 1000, isThrottling(failure));
  }

  observeSuccess(nowMs: number): void {
    this.state = cubicUpdate(this.stateAt(nowMs), nowMs / 1000, false);
  }

  private stateAt(nowMs: number): CubicRate {
    return (this.state ??= createCubicRate(nowMs / 1000, this.options));
  }
}

