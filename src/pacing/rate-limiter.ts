import type { Failure } from '../failure/failure.js';
import { checkOptionKeys } from '../shared/option-keys.js';
import { OptionsError } from '../shared/options-error.js';
import { isFiniteNumber } from '../shared/validate.js';
import { MemoryRateLimiterStore, type RateLimiterStore } from './limiter-store.js';
import { isThrottling } from '../failure/throttling.js';
import type { UsagePlan } from './token-bucket.js';

/**
 * Options of {@link rateLimiter}.
 *
 * @example
 * ```ts
 * // One bucket per seller and operation for the whole fleet (RedisRateLimiterStore is in 'retry-table/redis')
 * const options: RateLimiterOptions = { key: `getOrderItems:${sellerId}`, store: new RedisRateLimiterStore(redis) };
 * const limiter = rateLimiter({ ratePerSecond: 0.5, burst: 30 }, options);
 * ```
 */
export interface RateLimiterOptions {
  /** The bucket's name: calls and processes sharing a key share one bucket. @defaultValue 'default' */
  readonly key?: string;
  /** Where the bucket lives. @defaultValue a new {@link MemoryRateLimiterStore} (this process only) */
  readonly store?: RateLimiterStore;
  /**
   * Whether to learn from the server: a rate it announces (`x-amzn-RateLimit-Limit`) replaces the
   * plan's, a quota it says is used up (`RateLimit: r=0;t=…`, `X-RateLimit-Remaining: 0`) empties
   * the bucket until the reset, and a throttling failure (429, `QuotaExceeded`, `rate_limited`, …)
   * lowers the rate by a factor of 0.7 (CUBIC's β; at most once per token interval, so 429s
   * answered together count once), which each success raises again by 5% of the plan's rate, up
   * to it.
   * @defaultValue true
   */
  readonly learn?: boolean;
}

const OPTION_KEYS = ['key', 'store', 'learn'] as const satisfies readonly (keyof RateLimiterOptions)[];
/** CUBIC's multiplicative decrease (the AWS SDK's adaptive mode uses the same β). */
const BETA = 0.7;
/** How much of the plan's rate a success gives back after a throttle. */
const RECOVERY = 0.05;
/** The rate never falls below this share of the plan's: a limiter that stops sending learns nothing. */
const FLOOR = 0.015625; // 1/64: a literal, which a bundler can drop when unused

/**
 * A rate limiter shared by every call that uses it (`withRetry(policy, { rateLimiter })`): every
 * attempt, first or retry, takes a token before it is sent, so the server never has to say 429.
 * Times are ms by the calling call's clock.
 *
 * @example
 * ```ts
 * const limiter: RateLimiter = rateLimiter({ ratePerSecond: 0.5, burst: 30 }, { key: `getOrderItems:${sellerId}` });
 * limiter.plan; // { ratePerSecond: 0.5, burst: 30 }, until the server says otherwise
 * ```
 */
export interface RateLimiter {
  readonly key: string;
  /** The plan in force: the one given, corrected by what the server said. */
  readonly plan: UsagePlan;
  /** Takes a token: how long to wait before sending (0: at once). */
  acquire(nowMs: number): Promise<{ waitMs: number }>;
  /** Gives back a token that was taken but not used (the call stopped or was aborted while waiting). */
  release(nowMs: number): Promise<void>;
  /** Learns from an attempt's failure (see {@link RateLimiterOptions.learn}). */
  observeFailure(failure: Failure, nowMs: number): Promise<void>;
  /** Learns from a success (`response`: what the attempt returned, for limiters that read its rate-limit headers): the rate recovers after a throttle. */
  observeSuccess(nowMs: number, response?: unknown): void;
}

/**
 * Creates a {@link RateLimiter}: a token bucket of `burst` tokens refilled at `ratePerSecond`,
 * handing out waits in arrival order (FIFO), so no window of length w sees more than
 * `burst + rate · w` attempts. A wait that would cross the call's `maxElapsedMs` stops the call
 * with `deadline`, one longer than the policy's `maxDelayMs` with `rate-limited`; an abort while
 * waiting gives the token back.
 *
 * @param plan - the usage plan: rate in requests per second, and burst
 * @param options - the bucket's key, its store, and whether to learn from the server
 * @example
 * ```ts
 * // SP-API getOrderItems: 0.5 requests per second, burst 30, per selling partner and application.
 * const limiter = rateLimiter({ ratePerSecond: 0.5, burst: 30 }, { key: `getOrderItems:${sellerId}` });
 * const getOrderItems = withRetry(spApiPolicy, { rateLimiter: limiter })(callGetOrderItems);
 * ```
 */
export function rateLimiter(plan: UsagePlan, options: RateLimiterOptions = {}): RateLimiter {
  checkOptionKeys('rateLimiter', plan, ['ratePerSecond', 'burst']);
  checkOptionKeys('rateLimiter', options, OPTION_KEYS);
  const { ratePerSecond, burst } = plan;
  if (!(isFiniteNumber(ratePerSecond) && ratePerSecond > 0)) throw new OptionsError('ratePerSecond', ratePerSecond, 'must be a number above 0');
  if (!(isFiniteNumber(burst) && burst >= 1)) throw new OptionsError('burst', burst, 'must be a number of 1 or more');
  const key = options.key ?? 'default';
  if (typeof key !== 'string' || key === '') throw new OptionsError('key', key, 'must be a non-empty string');
  const store = options.store ?? new MemoryRateLimiterStore();
  if (typeof store?.reserve !== 'function') throw new OptionsError('store', store, 'must be a RateLimiterStore (MemoryRateLimiterStore)');
  const learn = options.learn ?? true;
  if (typeof learn !== 'boolean') throw new OptionsError('learn', learn, 'must be true or false');
  return new LearningLimiter(key, { ratePerSecond, burst }, store, learn);
}

class LearningLimiter implements RateLimiter {
  /** The plan's rate, or the server's when it announced one: what recovery climbs back to. */
  private nominal: number;
  private current: UsagePlan;
  /** When the rate was last lowered: 429s arriving together are one congestion event, not many. */
  private loweredAt = -Infinity;

  constructor(
    readonly key: string,
    plan: UsagePlan,
    private readonly store: RateLimiterStore,
    private readonly learn: boolean,
  ) {
    this.nominal = plan.ratePerSecond;
    this.current = plan;
  }

  get plan(): UsagePlan {
    return this.current;
  }

  async acquire(nowMs: number): Promise<{ waitMs: number }> {
    return this.store.reserve(this.key, this.current, nowMs);
  }

  async release(nowMs: number): Promise<void> {
    await this.store.release(this.key, this.current, nowMs);
  }

  async observeFailure(failure: Failure, nowMs: number): Promise<void> {
    if (!this.learn) return;
    const quota = failure.quota;
    const announced = quota?.ratePerSecond;
    if (announced !== undefined && announced > 0) {
      // The server's own figure for this caller: it replaces the documented plan's.
      this.nominal = announced;
      this.current = { ratePerSecond: announced, burst: this.current.burst };
    } else if (isThrottling(failure) && nowMs - this.loweredAt >= 1000 / this.current.ratePerSecond) {
      // Once per token interval at most: a burst of 429s answered together says one thing.
      const lowered = Math.max(this.nominal * FLOOR, this.current.ratePerSecond * BETA);
      this.current = { ratePerSecond: lowered, burst: this.current.burst };
      this.loweredAt = nowMs;
    }
    if (quota?.remaining === 0 && quota.resetsInMs !== undefined) {
      await this.store.drainUntil(this.key, this.current, nowMs, nowMs + quota.resetsInMs);
    } else if (isThrottling(failure)) {
      // The server's bucket is empty: so is ours, until its next token.
      await this.store.drainUntil(this.key, this.current, nowMs, nowMs + Math.ceil(1000 / this.current.ratePerSecond));
    }
  }

  observeSuccess(_nowMs?: number): void {
    if (!this.learn || this.current.ratePerSecond >= this.nominal) return;
    this.current = { ratePerSecond: Math.min(this.nominal, this.current.ratePerSecond + this.nominal * RECOVERY), burst: this.current.burst };
  }
}
