import { fullBucket, release, reserve, drainUntil, type Bucket, type UsagePlan } from './token-bucket.js';

/**
 * Where a rate limiter keeps its buckets, one per key. Every operation is atomic per key; times
 * are ms by the calling call's clock. The memory store answers at once; a shared store (Redis)
 * answers in one round trip.
 *
 * @example
 * ```ts
 * const store: RateLimiterStore = new MemoryRateLimiterStore();
 * const { waitMs } = await store.reserve('seller-1:getOrders', { ratePerSecond: 0.0167, burst: 20 }, Date.now());
 * ```
 */
export interface RateLimiterStore {
  /** Takes a token; resolves with how long to wait before using it. */
  reserve(key: string, plan: UsagePlan, nowMs: number): { waitMs: number } | Promise<{ waitMs: number }>;
  /** Gives back a token reserved but never used (the call was aborted or stopped before sending). */
  release(key: string, plan: UsagePlan, nowMs: number): void | Promise<void>;
  /** Empties the bucket until `untilMs`: the server said the quota is used up until then. */
  drainUntil(key: string, plan: UsagePlan, nowMs: number, untilMs: number): void | Promise<void>;
}

/**
 * The default store: buckets in this process's memory, shared by every call using the same
 * limiter key.
 *
 * @example
 * ```ts
 * const limiter = rateLimiter({ ratePerSecond: 2, burst: 5 }, { store: new MemoryRateLimiterStore() });
 * ```
 */
export class MemoryRateLimiterStore implements RateLimiterStore {
  private readonly buckets = new Map<string, Bucket>();

  reserve(key: string, plan: UsagePlan, nowMs: number): { waitMs: number } {
    const { bucket, waitMs } = reserve(this.bucketOf(key, plan, nowMs), plan, nowMs);
    this.buckets.set(key, bucket);
    return { waitMs };
  }

  release(key: string, plan: UsagePlan, nowMs: number): void {
    this.buckets.set(key, release(this.bucketOf(key, plan, nowMs), plan, nowMs));
  }

  drainUntil(key: string, plan: UsagePlan, nowMs: number, untilMs: number): void {
    this.buckets.set(key, drainUntil(this.bucketOf(key, plan, nowMs), plan, nowMs, untilMs));
  }

  private bucketOf(key: string, plan: UsagePlan, nowMs: number): Bucket {
    return this.buckets.get(key) ?? fullBucket(plan, nowMs);
  }
}
