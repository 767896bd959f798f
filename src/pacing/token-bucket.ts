/**
 * A token bucket as plain numbers, the arithmetic every limiter store shares: `burst` tokens at
 * most, refilled at `ratePerSecond`. A reservation takes a token now and may leave the bucket
 * below zero: the deficit is the queue, and the wait of each reservation is how long the bucket
 * takes to refill to it, so waits are handed out in the order reservations were made (FIFO) and
 * no window of length w grants more than `burst + rate · w` tokens.
 *
 * @example
 * ```ts
 * let bucket = fullBucket({ ratePerSecond: 2, burst: 1 }, 0);
 * const first = reserve(bucket, { ratePerSecond: 2, burst: 1 }, 0); // waitMs 0
 * const second = reserve(first.bucket, { ratePerSecond: 2, burst: 1 }, 0); // waitMs 500
 * ```
 */
export interface Bucket {
  /** Tokens left at `at`; negative while reservations wait for tokens to come. */
  readonly tokens: number;
  /** When `tokens` was computed, ms by the limiter's clock. */
  readonly at: number;
  /**
   * When the latest reservation may be used: no later reservation is granted before it, so the
   * order holds even when the rate changes between reservations (a faster rate would otherwise
   * price a newcomer's wait below an earlier caller's).
   */
  readonly lastGrantAt?: number;
}

/**
 * A usage plan: how fast tokens come and how many may be saved up. Amazon SP-API publishes one
 * per operation ("rate (requests per second)" and "burst").
 *
 * @example
 * ```ts
 * const getOrders: UsagePlan = { ratePerSecond: 0.0167, burst: 20 };
 * ```
 */
export interface UsagePlan {
  readonly ratePerSecond: number;
  readonly burst: number;
}

/** A bucket that nothing has used yet: full. */
export function fullBucket(plan: UsagePlan, now: number): Bucket {
  return { tokens: plan.burst, at: now };
}

/** The bucket refilled up to `now` (never past `burst`; a clock that went back refills nothing). */
export function refill(bucket: Bucket, plan: UsagePlan, now: number): Bucket {
  if (now <= bucket.at) return bucket;
  const tokens = Math.min(plan.burst, bucket.tokens + ((now - bucket.at) / 1000) * plan.ratePerSecond);
  return { tokens, at: now, lastGrantAt: bucket.lastGrantAt };
}

/** Takes one token at `now`; `waitMs` is how long the caller must wait before using it (0: at once). */
export function reserve(bucket: Bucket, plan: UsagePlan, now: number): { bucket: Bucket; waitMs: number } {
  const current = refill(bucket, plan, now);
  const tokens = current.tokens - 1;
  // A token is whole: wait until the deficit has refilled (rounded up to whole ms, never early),
  // and never before an earlier reservation (FIFO across rate changes).
  const refillWaitMs = tokens >= 0 ? 0 : Math.ceil((-tokens / plan.ratePerSecond) * 1000);
  const waitMs = Math.max(refillWaitMs, (current.lastGrantAt ?? -Infinity) - current.at, 0);
  return { bucket: { tokens, at: current.at, lastGrantAt: current.at + waitMs }, waitMs };
}

/** Gives a reserved token back (its call was aborted or gave up before sending), never past `burst`. */
export function release(bucket: Bucket, plan: UsagePlan, now: number): Bucket {
  const current = refill(bucket, plan, now);
  return { tokens: Math.min(plan.burst, current.tokens + 1), at: current.at, lastGrantAt: current.lastGrantAt };
}

/** Empties the bucket until `untilMs` (the server said its quota is used up until then). */
export function drainUntil(bucket: Bucket, plan: UsagePlan, now: number, untilMs: number): Bucket {
  const current = refill(bucket, plan, now);
  // Tokens that would refill before the reset must not: the next token comes at the reset.
  const deficit = ((untilMs - now) / 1000) * plan.ratePerSecond;
  return { tokens: Math.min(current.tokens, 1 - deficit), at: current.at, lastGrantAt: current.lastGrantAt };
}
