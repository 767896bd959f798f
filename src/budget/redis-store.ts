import { channels } from '../shared/channels.js';
import { checkOptionKeys } from '../shared/option-keys.js';
import { OptionsError } from '../shared/options-error.js';
import { isDuration } from '../shared/validate.js';
import type { BudgetStore } from './budget-store.js';
import type { BudgetRules } from './designs/budget-rules.js';
import { MemoryBudgetStore } from './memory-store.js';

/**
 * The one method of a Redis client this store needs: ioredis' `eval(script, numKeys, ...args)`.
 * Typed structurally so retry-table does not depend on a Redis client; ioredis is the one tested.
 */
export interface RedisLike {
  /** Runs a Lua script with `numKeys` keys followed by its arguments (Redis EVAL). */
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** Options of {@link RedisBudgetStore}. */
export interface RedisBudgetStoreOptions {
  /** Prefix of every key. @defaultValue 'retry-table:' */
  readonly prefix?: string;
  /** How long one Redis call may take before the local fallback answers instead. @defaultValue 250 */
  readonly timeoutMs?: number;
  /** A bucket untouched this long expires, and starts full again. @defaultValue one day */
  readonly idleTtlMs?: number;
  /** How long a read cool-down is reused before asking Redis again (it is read before every attempt). @defaultValue 100 */
  readonly coolDownCacheMs?: number;
  /** Answers while Redis cannot. @defaultValue a new {@link MemoryBudgetStore} */
  readonly fallback?: BudgetStore;
}

const OPTION_KEYS = ['prefix', 'timeoutMs', 'idleTtlMs', 'coolDownCacheMs', 'fallback'] as const;

// Each design brings its own spend script (BudgetRules.redisSpend, mirroring its spend line for
// line); crediting is the same for all: add what the design gives back, never above full. Each
// runs atomically in Redis, one round trip per decision.
const CREDIT = `
local level = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
level = math.min(tonumber(ARGV[1]), level + tonumber(ARGV[2]))
redis.call('SET', KEYS[1], level, 'PX', ARGV[3])
return level`;
const LEVEL = `return tonumber(redis.call('GET', KEYS[1]) or ARGV[1])`;
const COOL_DOWN = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1`;
const COOL_DOWN_UNTIL = `return redis.call('GET', KEYS[1])`;

/**
 * A {@link BudgetStore} in Redis, so worker processes on many machines share one budget and one
 * cool-down per key (one per account, say). Every operation is one Lua script, atomic, one round
 * trip; keys expire when idle. When Redis does not answer within `timeoutMs`, or fails, the call
 * is answered by a local in-memory store instead (fail open: a Redis outage must not stop retries
 * altogether, nor hang a call) and an event is published on `retry-table:budget-fallback`
 * (`channels.budgetFallback`).
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * const store = new RedisBudgetStore(new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false }));
 * const budget = retryBudget({ type: 'aws-quota' }, { store, key: `mws:${sellerId}` });
 * // import { RedisBudgetStore } from 'retry-table/redis'
 * ```
 */
export class RedisBudgetStore implements BudgetStore {
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly idleTtlMs: number;
  private readonly coolDownCacheMs: number;
  private readonly fallback: BudgetStore;
  private readonly coolDownCache = new Map<string, { value: number; readAt: number }>();

  constructor(
    private readonly redis: RedisLike,
    options: RedisBudgetStoreOptions = {},
  ) {
    if (typeof redis?.eval !== 'function') throw new OptionsError('redis', redis, 'must be a Redis client with eval(), such as ioredis');
    checkOptionKeys('RedisBudgetStore', options, OPTION_KEYS);
    this.prefix = options.prefix ?? 'retry-table:';
    this.timeoutMs = positive('timeoutMs', options.timeoutMs ?? 250);
    this.idleTtlMs = positive('idleTtlMs', options.idleTtlMs ?? 86_400_000);
    this.coolDownCacheMs = options.coolDownCacheMs ?? 100;
    if (!isDuration(this.coolDownCacheMs)) throw new OptionsError('coolDownCacheMs', this.coolDownCacheMs, 'must be a number of milliseconds, 0 or more');
    this.fallback = options.fallback ?? new MemoryBudgetStore();
  }

  async spend(key: string, design: BudgetRules, cost: number): Promise<{ allowed: boolean; taken: number }> {
    const answer = await this.call('spend', key, () =>
      this.redis.eval(design.redisSpend, 1, this.bucketKey(key), design.full, cost, this.idleTtlMs, ...design.redisParams),
    );
    if (answer === FELL_BACK) return this.fallback.spend(key, design, cost);
    const [allowed, taken] = answer as [number, number];
    return { allowed: allowed === 1, taken: Number(taken) };
  }

  async credit(key: string, design: BudgetRules, taken: number): Promise<void> {
    const answer = await this.call('credit', key, () => this.redis.eval(CREDIT, 1, this.bucketKey(key), design.full, design.creditAmount(taken), this.idleTtlMs));
    if (answer === FELL_BACK) await this.fallback.credit(key, design, taken);
  }

  async level(key: string, design: BudgetRules): Promise<number> {
    const answer = await this.call('level', key, () => this.redis.eval(LEVEL, 1, this.bucketKey(key), design.full));
    return answer === FELL_BACK ? this.fallback.level(key, design) : Number(answer);
  }

  async coolDownUntil(key: string, nowMs: number = Date.now()): Promise<number> {
    const cached = this.coolDownCache.get(key);
    // A cache read on a clock that went backwards is stale, not fresh.
    if (cached !== undefined && nowMs >= cached.readAt && nowMs - cached.readAt < this.coolDownCacheMs) return cached.value;
    const answer = await this.call('coolDownUntil', key, () => this.redis.eval(COOL_DOWN_UNTIL, 1, this.coolDownKey(key)));
    const value = answer === FELL_BACK ? await this.fallback.coolDownUntil(key, nowMs) : Number(answer ?? 0) || 0;
    this.coolDownCache.set(key, { value, readAt: nowMs });
    return value;
  }

  async coolDown(key: string, untilMs: number, nowMs: number = Date.now()): Promise<void> {
    // Keep the key as long as the cool-down lasts (by the calls' clock), at least a second.
    const ttl = Math.max(1000, Math.ceil(untilMs - nowMs));
    this.coolDownCache.delete(key);
    const answer = await this.call('coolDown', key, () => this.redis.eval(COOL_DOWN, 1, this.coolDownKey(key), untilMs, ttl));
    if (answer === FELL_BACK) await this.fallback.coolDown(key, untilMs, nowMs);
  }

  private bucketKey(key: string): string {
    return `${this.prefix}${key}:bucket`;
  }

  private coolDownKey(key: string): string {
    return `${this.prefix}${key}:cool-down`;
  }

  /** One Redis call with a deadline; on timeout or error, reports and answers FELL_BACK. */
  private async call(operation: string, key: string, send: () => Promise<unknown>): Promise<unknown> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const sent = send();
      // A late answer after the timeout must not become an unhandled rejection.
      sent.catch(() => undefined);
      return await Promise.race([
        sent,
        new Promise((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`Redis did not answer ${operation} within ${this.timeoutMs} ms`)), this.timeoutMs);
          timer.unref?.();
        }),
      ]);
    } catch (error) {
      if (channels.budgetFallback.hasSubscribers) channels.budgetFallback.publish({ key, operation, error });
      return FELL_BACK;
    } finally {
      clearTimeout(timer);
    }
  }
}

const FELL_BACK = Symbol('fell back');

function positive(option: string, value: number): number {
  if (!(isDuration(value) && value > 0)) throw new OptionsError(option, value, 'must be a number of milliseconds above 0');
  return value;
}
