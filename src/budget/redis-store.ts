import { channels } from '../shared/channels.js';
import { checkOptionKeys } from '../shared/option-keys.js';
import { OptionsError } from '../shared/options-error.js';
import { isDuration, isFiniteNumber } from '../shared/validate.js';
import type { BudgetStore } from './budget-store.js';
import { callWithDeadline } from './deadline-call.js';
import type { BudgetRules } from './designs.js';
import { FallbackEpisodes } from './fallback-episodes.js';
import { LastSeenLevels } from './last-seen.js';
import { MemoryBudgetStore } from './memory-store.js';
import { readBucketReply, readValueReply, type BucketReply } from './redis-replies.js';
import { COOL_DOWN, FENCED_CREDIT, fencedSpend, READ, TIME, UNDO } from './redis-scripts.js';
import { monotonicMs, ServerClock } from './server-clock.js';

/**
 * The one method of a Redis client this store needs: ioredis' `eval(script, numKeys, ...args)`.
 * Typed structurally so retry-table does not depend on a Redis client; ioredis is the one tested.
 *
 * @example
 * ```ts
 * const redis: RedisLike = new Redis(process.env.REDIS_URL!);
 * ```
 */
export interface RedisLike {
  /** Runs a Lua script with `numKeys` keys followed by its arguments (Redis EVAL). */
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/**
 * Options of {@link RedisBudgetStore}.
 *
 * @example
 * ```ts
 * const options: RedisBudgetStoreOptions = { timeoutMs: 250, fallbackFraction: 0.25 };
 * ```
 */
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
  /**
   * The share, from 0 to 1, of the last level Redis reported that the local fallback starts an
   * outage with. With N processes, 1/N keeps a whole outage within about one shared bucket; 0
   * refuses every retry while Redis is away (fail closed). @defaultValue 1
   */
  readonly fallbackFraction?: number;
}

const OPTION_KEYS = ['prefix', 'timeoutMs', 'idleTtlMs', 'coolDownCacheMs', 'fallback', 'fallbackFraction'] as const;

/**
 * What a {@link RedisBudgetStore} has seen go wrong, for tests, chaos runs and metrics.
 *
 * @example
 * ```ts
 * const { fallbacks, lateCharges } = store.stats();
 * ```
 */
export interface RedisStoreStats {
  /** Operations the local fallback answered (Redis failed, was too slow, or fenced them). */
  readonly fallbacks: number;
  /** Scripts Redis ran past their deadline: they wrote nothing (the fence held). */
  readonly fencedLate: number;
  /** Scripts that changed a bucket in time but were answered after the client fell back. */
  readonly lateCharges: number;
  /** Of {@link RedisStoreStats.lateCharges}, those undone since (Redis confirmed the undo). */
  readonly lateChargesUndone: number;
}

const FELL_BACK = Symbol('fell back');
type FellBack = typeof FELL_BACK;

/**
 * A {@link BudgetStore} in Redis, so worker processes on many machines share one budget and one
 * cool-down per key (one per account, say). Every operation is one Lua script, atomic, one round
 * trip; keys expire when idle. When Redis does not answer within `timeoutMs`, or fails, the call
 * is answered by a local in-memory store instead (fail open: a Redis outage must not stop retries
 * altogether, nor hang a call) and an event is published on `retry-table:budget-fallback`
 * (`channels.budgetFallback`).
 *
 * What it guarantees, and how:
 *
 * - **A call given up on changes nothing later.** Each script that changes a bucket carries a
 *   deadline in Redis's own clock (`TIME`) and, past it, writes nothing. The deadline is the
 *   moment the client falls back less a margin (`timeoutMs / 5`, at most 50 ms), converted with
 *   the measured offset between the clocks (see `ServerClock`): a script that writes does so at
 *   least the margin before the client can give up. A script queued behind a stopped Redis, or
 *   resent by the client after a reconnection, finds its deadline passed. Should a reply that ran
 *   in time still arrive after the fallback (it took longer than the margin to come back), the
 *   change is undone, and counted in {@link RedisBudgetStore.stats}. Cool-downs are not fenced:
 *   one that lands late only makes calls wait as the server asked.
 * - **A busy process is not a Redis failure.** When the timer fires, a reply that arrived while
 *   the event loop was blocked is read first (one more event-loop turn) and used.
 * - **An outage costs at most one burst per process.** The fallback starts from the last level
 *   Redis reported, times `fallbackFraction`, and never grants again what an earlier outage spent
 *   (see `FallbackEpisodes`). A Redis that comes back empty (restarted without persistence)
 *   resumes each bucket from the level the first client to touch it last saw, not from full.
 *   Fleet-wide retries are then at most the shared bucket's allowance, plus, per process, one
 *   fallback bucket of `fallbackFraction` × the level it first fell back from (and its own
 *   successes' refunds), plus after an empty restart what the fleet spent after that first
 *   client's last reply.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
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
  /** How much earlier than the fallback a script's deadline falls: the time its reply has to come back. */
  private readonly marginMs: number;
  private readonly coolDownCache = new Map<string, { value: number; readAt: number }>();
  private readonly clock = new ServerClock();
  private readonly seen = new LastSeenLevels();
  private readonly episodes: FallbackEpisodes;
  private probe: { readonly done: Promise<void>; readonly sentAt: number } | undefined;
  private readonly counts = { fallbacks: 0, fencedLate: 0, lateCharges: 0, lateChargesUndone: 0 };

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
    const fraction = options.fallbackFraction ?? 1;
    if (!(isFiniteNumber(fraction) && fraction >= 0 && fraction <= 1)) throw new OptionsError('fallbackFraction', fraction, 'must be a number from 0 to 1');
    this.episodes = new FallbackEpisodes(this.fallback, fraction);
    this.marginMs = Math.min(50, this.timeoutMs / 5);
  }

  /**
   * Counts of fallbacks, fenced scripts and late charges since the store was made.
   *
   * @example
   * ```ts
   * setInterval(() => metrics.gauge('retry_budget_late_charges', store.stats().lateCharges), 10_000);
   * ```
   */
  stats(): RedisStoreStats {
    return { ...this.counts };
  }

  async spend(key: string, design: BudgetRules, cost: number): Promise<{ allowed: boolean; taken: number }> {
    const bucket = this.bucketKey(key);
    const reply = await this.changeBucket('spend', key, design, (deadline) =>
      this.redis.eval(fencedSpend(design), 1, bucket, this.startLevel(key, design), cost, this.idleTtlMs, ...design.redisParams, deadline),
    );
    if (reply === FELL_BACK) return this.fromFallback(key, design, () => this.fallback.spend(key, design, cost));
    return { allowed: reply.allowed, taken: reply.taken };
  }

  async credit(key: string, design: BudgetRules, taken: number): Promise<void> {
    const bucket = this.bucketKey(key);
    const reply = await this.changeBucket('credit', key, design, (deadline) =>
      this.redis.eval(FENCED_CREDIT, 1, bucket, this.startLevel(key, design), design.creditAmount(taken), this.idleTtlMs, design.full, deadline),
    );
    // The fallback's bucket is fed by this process's successes either way, so the next outage has
    // what they gave back (see FallbackEpisodes).
    if (reply === FELL_BACK) await this.fromFallback(key, design, () => this.fallback.credit(key, design, taken));
    else await this.fallback.credit(key, design, taken);
  }

  async level(key: string, design: BudgetRules): Promise<number> {
    const read = await this.call('level', key, false, () => this.redis.eval(READ, 1, this.bucketKey(key)), readValueReply);
    if (read === FELL_BACK) return this.fromFallback(key, design, () => this.fallback.level(key, design));
    if (read.value !== undefined) this.seen.note(key, read.value, read.serverMicros, monotonicMs());
    this.episodes.end(key);
    // A missing bucket is at the level its next spend would start it from.
    return read.value ?? this.startLevel(key, design);
  }

  async coolDownUntil(key: string, nowMs: number = Date.now()): Promise<number> {
    const cached = this.coolDownCache.get(key);
    // A cache read on a clock that went backwards is stale, not fresh.
    if (cached !== undefined && nowMs >= cached.readAt && nowMs - cached.readAt < this.coolDownCacheMs) return cached.value;
    const read = await this.call('coolDownUntil', key, false, () => this.redis.eval(READ, 1, this.coolDownKey(key)), readValueReply);
    const value = read === FELL_BACK ? await this.fallback.coolDownUntil(key, nowMs) : (read.value ?? 0);
    this.coolDownCache.set(key, { value, readAt: nowMs });
    return value;
  }

  async coolDown(key: string, untilMs: number, nowMs: number = Date.now()): Promise<void> {
    // Keep the key as long as the cool-down lasts (by the calls' clock), at least a second.
    const ttl = Math.max(1000, Math.ceil(untilMs - nowMs));
    this.coolDownCache.delete(key);
    const answer = await this.call('coolDown', key, false, () => this.redis.eval(COOL_DOWN, 1, this.coolDownKey(key), untilMs, ttl), readValueReply);
    if (answer === FELL_BACK) await this.fallback.coolDown(key, untilMs, nowMs);
  }

  private bucketKey(key: string): string {
    return `${this.prefix}${key}:bucket`;
  }

  private coolDownKey(key: string): string {
    return `${this.prefix}${key}:cool-down`;
  }

  /** The level a missing bucket starts from: the last one seen (Redis was emptied), else full. */
  private startLevel(key: string, design: BudgetRules): number {
    return Math.min(design.full, this.seen.level(key, monotonicMs(), this.idleTtlMs) ?? design.full);
  }

  /** The fallback's answer, seeded first if this starts an outage of the key. */
  private async fromFallback<T>(key: string, design: BudgetRules, answer: () => T | Promise<T>): Promise<T> {
    await this.episodes.begin(key, design, this.seen.level(key, monotonicMs(), this.idleTtlMs));
    return answer();
  }

  /** A fenced spend or credit: its reply, or FELL_BACK when Redis failed, was late, or fenced it. */
  private async changeBucket(operation: string, key: string, design: BudgetRules, send: (deadlineMicros: number) => Promise<unknown>): Promise<BucketReply | FellBack> {
    const reply = await this.call(operation, key, true, send, readBucketReply, (late) => this.settleLate(key, design, late));
    if (reply === FELL_BACK) return FELL_BACK;
    if (reply.level !== undefined) this.seen.note(key, reply.level, reply.serverMicros, monotonicMs());
    if (reply.late) {
      // Redis answered in time, but only just: after the fence. Nothing was written.
      this.counts.fencedLate++;
      return this.fellBack(operation, key, new Error(`Redis ran ${operation} after its deadline; it changed nothing`));
    }
    this.episodes.end(key);
    return reply;
  }

  /** A bucket reply that came after the client fell back: fenced (nothing to do), or undone. */
  private settleLate(key: string, design: BudgetRules, reply: BucketReply): void {
    if (reply.level !== undefined) this.seen.note(key, reply.level, reply.serverMicros, monotonicMs());
    if (reply.late) {
      this.counts.fencedLate++;
      return;
    }
    const delta = (reply.before ?? 0) - (reply.level ?? 0);
    if (delta === 0 || reply.before === undefined || reply.level === undefined) return;
    this.counts.lateCharges++;
    // The fallback answered this call already: give Redis back what the late script changed.
    void Promise.resolve()
      .then(() => this.redis.eval(UNDO, 1, this.bucketKey(key), delta, design.full, this.idleTtlMs))
      .then(
        () => void this.counts.lateChargesUndone++,
        () => undefined,
      );
  }

  /**
   * One Redis call with a deadline; on timeout or error, reports and answers FELL_BACK. Every
   * reply, in time or late, is a clock sample. `fenced` calls get a deadline in Redis time, which
   * needs an offset measured first: a probe of Redis's clock when none is known yet or the one
   * known has aged (no reply for tens of seconds). Otherwise the command is sent synchronously,
   * so a caller that blocks its event loop right after asking does not delay the asking.
   */
  private async call<T extends { readonly serverMicros: number }>(
    operation: string,
    key: string,
    fenced: boolean,
    send: (deadlineMicros: number) => Promise<unknown>,
    read: (raw: unknown) => T,
    onLate: (reply: T) => void = () => undefined,
  ): Promise<T | FellBack> {
    const startedAt = monotonicMs();
    const fenceAt = startedAt + this.timeoutMs - this.marginMs;
    const sendNow = (): Promise<T> => {
      const sentAt = monotonicMs();
      if (fenced && sentAt >= fenceAt) return Promise.reject(new Error(`no time left to send ${operation} before its deadline`));
      return send(fenced ? this.clock.toServerMicros(fenceAt, sentAt) : 0).then((raw) => {
        const reply = read(raw);
        this.clock.sample(sentAt, monotonicMs(), reply.serverMicros);
        return reply;
      });
    };
    // A deadline is as much earlier than it could be as the estimate is uncertain. Measure again
    // (one round trip first) when that would take half the time the script has (a first sample
    // that waited for the connection), or its age a quarter (no reply for a while); else send now.
    const scriptMs = this.timeoutMs - this.marginMs;
    const ready = !fenced || (this.clock.uncertaintyMs(startedAt) <= scriptMs / 2 && this.clock.stalenessMs(startedAt) <= scriptMs / 4);
    const answer = await callWithDeadline(() => (ready ? sendNow() : this.measureClock().then(sendNow)), this.timeoutMs, onLate);
    if (answer.answered) return answer.reply;
    return this.fellBack(operation, key, answer.error);
  }

  private fellBack(operation: string, key: string, error: unknown): FellBack {
    this.counts.fallbacks++;
    if (channels.budgetFallback.hasSubscribers) channels.budgetFallback.publish({ key, operation, error });
    return FELL_BACK;
  }

  /** Reads Redis's clock once for every call waiting on it; a probe older than the timeout is retried. */
  private measureClock(): Promise<void> {
    const now = monotonicMs();
    if (this.probe !== undefined && now - this.probe.sentAt < this.timeoutMs) return this.probe.done;
    let sent: Promise<unknown>;
    try {
      sent = this.redis.eval(TIME, 0);
    } catch (error) {
      sent = Promise.reject(error);
    }
    const probe = {
      sentAt: now,
      done: sent
        .then((raw) => this.clock.sample(now, monotonicMs(), readValueReply(raw).serverMicros))
        .finally(() => {
          if (this.probe === probe) this.probe = undefined;
        }),
    };
    // Callers that gave up no longer listen; the probe's failure is theirs to see, not unhandled.
    probe.done.catch(() => undefined);
    this.probe = probe;
    return probe.done;
  }
}

function positive(option: string, value: number): number {
  if (!(isDuration(value) && value > 0)) throw new OptionsError(option, value, 'must be a number of milliseconds above 0');
  return value;
}
