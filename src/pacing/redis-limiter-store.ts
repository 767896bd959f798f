import type { RedisLike } from '../budget/redis-store.js';
import { callWithDeadline } from '../budget/deadline-call.js';
import { channels } from '../shared/channels.js';
import { checkOptionKeys } from '../shared/option-keys.js';
import { OptionsError } from '../shared/options-error.js';
import { isDuration } from '../shared/validate.js';
import { MemoryRateLimiterStore, type RateLimiterStore } from './limiter-store.js';
import { DRAIN_UNTIL, RELEASE, RESERVE } from './redis-limiter-scripts.js';
import type { UsagePlan } from './token-bucket.js';

/**
 * Options of {@link RedisRateLimiterStore}.
 *
 * @example
 * ```ts
 * const options: RedisRateLimiterStoreOptions = { prefix: 'my-app:', timeoutMs: 250 };
 * ```
 */
export interface RedisRateLimiterStoreOptions {
  /** Prefix of every key. @defaultValue 'retry-table:' */
  readonly prefix?: string;
  /** How long one Redis call may take before the local fallback answers instead. @defaultValue 250 */
  readonly timeoutMs?: number;
}

const OPTION_KEYS = ['prefix', 'timeoutMs'] as const satisfies readonly (keyof RedisRateLimiterStoreOptions)[];

/** The last bucket Redis reported for a key, in the caller's clock. */
interface SeenBucket {
  readonly tokens: number;
  /** The caller's `nowMs` of the call that reported it. */
  readonly atMs: number;
}

/**
 * A {@link RateLimiterStore} in Redis, so worker processes (on one machine or many) share one
 * token bucket per key: one Lua script per operation, atomic, one round trip, with the same
 * arithmetic as the memory store (`token-bucket.ts`, FIFO across rate changes included). The
 * refill runs on Redis's clock (`TIME`), so processes whose clocks disagree still share one
 * bucket; waits are durations, valid on any clock. A bucket expires (PX) once it would be full
 * again and every wait it granted is over.
 *
 * When Redis fails or does not answer within `timeoutMs`, the call is answered by a local
 * {@link MemoryRateLimiterStore} (fail open: an outage must not stop every call), which starts
 * from the last level Redis reported for that key, refilled since, rather than full: a fleet
 * that loses Redis while its bucket is empty must not fire a whole burst per process at a server
 * that is already at its limit. Each fallback publishes `{ key, operation, error }` on
 * `channels.budgetFallback` (`retry-table:budget-fallback`), the channel the Redis budget store
 * uses: subscribers watching "Redis is away, local state answers" see both stores at once.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const store = new RedisRateLimiterStore(new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false }));
 * const limiter = spApiLimiter('getOrderItems', { sellerId, store });
 * // import { RedisRateLimiterStore } from 'retry-table/redis'
 * ```
 */
export class RedisRateLimiterStore implements RateLimiterStore {
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly seen = new Map<string, SeenBucket>();
  /** Per key, the local store answering while Redis does not; dropped when Redis answers again. */
  private readonly local = new Map<string, MemoryRateLimiterStore>();
  private fallbacks = 0;

  constructor(
    private readonly redis: RedisLike,
    options: RedisRateLimiterStoreOptions = {},
  ) {
    if (typeof redis?.eval !== 'function') throw new OptionsError('redis', redis, 'must be a Redis client with eval(), such as ioredis');
    checkOptionKeys('RedisRateLimiterStore', options, OPTION_KEYS);
    this.prefix = options.prefix ?? 'retry-table:';
    if (typeof this.prefix !== 'string') throw new OptionsError('prefix', this.prefix, 'must be a string');
    this.timeoutMs = options.timeoutMs ?? 250;
    if (!(isDuration(this.timeoutMs) && this.timeoutMs > 0)) throw new OptionsError('timeoutMs', this.timeoutMs, 'must be a number of milliseconds above 0');
  }

  /**
   * How many operations the local fallback answered since the store was made.
   *
   * @example
   * ```ts
   * setInterval(() => metrics.gauge('rate_limiter_fallbacks', store.stats().fallbacks), 10_000);
   * ```
   */
  stats(): { readonly fallbacks: number } {
    return { fallbacks: this.fallbacks };
  }

  async reserve(key: string, plan: UsagePlan, nowMs: number): Promise<{ waitMs: number }> {
    const reply = await this.run('reserve', key, nowMs, RESERVE, plan);
    if (reply === undefined) return this.fallback(key, plan, nowMs).reserve(key, plan, nowMs);
    return { waitMs: reply.waitMs };
  }

  async release(key: string, plan: UsagePlan, nowMs: number): Promise<void> {
    const reply = await this.run('release', key, nowMs, RELEASE, plan);
    if (reply === undefined) this.fallback(key, plan, nowMs).release(key, plan, nowMs);
  }

  async drainUntil(key: string, plan: UsagePlan, nowMs: number, untilMs: number): Promise<void> {
    // The reset as a duration: the caller's clock and Redis's need not agree, their seconds do.
    const reply = await this.run('drainUntil', key, nowMs, DRAIN_UNTIL, plan, untilMs - nowMs);
    if (reply === undefined) this.fallback(key, plan, nowMs).drainUntil(key, plan, nowMs, untilMs);
  }

  /** One script with the per-call timeout: its reply, or undefined when the fallback must answer. */
  private async run(operation: string, key: string, nowMs: number, script: string, plan: UsagePlan, ...extra: number[]): Promise<{ waitMs: number } | undefined> {
    const answer = await callWithDeadline(
      () => this.redis.eval(script, 1, `${this.prefix}${key}:rate`, plan.ratePerSecond, plan.burst, ...extra),
      this.timeoutMs,
      // A late reply changed Redis's bucket for a call the fallback answered: it only ever takes
      // a token the fleet then waits for (reserve) or gives one back it had (release): kept.
      () => undefined,
    );
    const reply = answer.answered ? readReply(answer.reply) : undefined;
    if (reply === undefined) {
      this.fallbacks++;
      const error = answer.answered ? new Error(`unexpected reply to ${operation}: ${String(answer.reply)}`) : answer.error;
      if (channels.budgetFallback.hasSubscribers) channels.budgetFallback.publish({ key, operation, error });
      return undefined;
    }
    this.seen.set(key, { tokens: reply.tokens, atMs: nowMs });
    // Redis answers again: the next outage starts from what it says from now on.
    this.local.delete(key);
    return reply;
  }

  /** The local store for `key`, seeded with the last level Redis reported when this starts an outage. */
  private fallback(key: string, plan: UsagePlan, nowMs: number): MemoryRateLimiterStore {
    let store = this.local.get(key);
    if (store !== undefined) return store;
    store = new MemoryRateLimiterStore();
    const seen = this.seen.get(key);
    if (seen !== undefined && seen.tokens < plan.burst) {
      // A fresh memory bucket is full; draining it until the moment that leaves exactly
      // `seen.tokens` (drainUntil's `1 - deficit`) sets the level at `seen.atMs`, and the memory
      // bucket refills from there on the caller's clock.
      const untilMs = seen.atMs + ((1 - seen.tokens) / plan.ratePerSecond) * 1000;
      store.drainUntil(key, plan, Math.min(seen.atMs, nowMs), untilMs);
    }
    this.local.set(key, store);
    return store;
  }
}

function readReply(raw: unknown): { tokens: number; waitMs: number } | undefined {
  if (!Array.isArray(raw) || raw.length < 3) return undefined;
  const tokens = Number(raw[0]);
  const waitMs = Number(raw[2]);
  return Number.isFinite(tokens) && Number.isFinite(waitMs) ? { tokens, waitMs } : undefined;
}
