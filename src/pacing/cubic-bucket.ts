import { checkTime, type CubicRate } from './cubic-state.js';

/**
 * The bucket refilled up to `nowSeconds` at `fillRate`, never past `maxCapacity`: smithy's
 * `refillTokenBucket` (DefaultRateLimiter.ts, commit 6815d3e9). The first refill only records
 * the time, as smithy's does.
 *
 * Two deliberate differences, neither reachable by the AWS SDK's own clock in normal running:
 * "never refilled" is `undefined` here where smithy uses 0 (`if (!this.lastTimestamp)`), since
 * a caller's clock may well read 0; and a clock that went back refills nothing, where smithy
 * would subtract tokens (with `Date.now()` that only happens when the wall clock is stepped).
 *
 * @example
 * ```ts
 * const rate = { ...createCubicRate(0), fillRate: 2, maxCapacity: 2, lastRefillTime: 1 };
 * cubicRefill(rate, 1.25).availableTokens; // 0.5
 * ```
 */
export function cubicRefill(state: CubicRate, nowSeconds: number): CubicRate {
  checkTime(nowSeconds);
  const last = state.lastRefillTime;
  if (last === undefined) return { ...state, lastRefillTime: nowSeconds };
  if (nowSeconds <= last) return state;
  const availableTokens = Math.min(state.maxCapacity, state.availableTokens + (nowSeconds - last) * state.fillRate);
  return { ...state, availableTokens, lastRefillTime: nowSeconds };
}

/**
 * What {@link cubicSendDelay} answers: how long to wait, and the state refilled to now (keep it;
 * dropping it is harmless too, since a later refill catches up).
 *
 * @example
 * ```ts
 * const answer: CubicDelay = cubicSendDelay(createCubicRate(0), 0); // { delaySeconds: 0, state }
 * ```
 */
export interface CubicDelay {
  /** Seconds until the bucket holds a whole token; 0 to send at once. Never negative or NaN. */
  readonly delaySeconds: number;
  readonly state: CubicRate;
}

/**
 * How long the next request must wait before it may be sent: one step of smithy's
 * `acquireTokenBucket(1)` (which `getSendToken` calls before every attempt), without the sleep.
 * 0 while the limiter is disabled (before the first throttle, like smithy, it does not even
 * refill). Otherwise the bucket is refilled and the wait is the missing part of a token over
 * the fill rate, smithy's `((amount - availableTokens) / fillRate) * 1000` ms, here in seconds.
 *
 * The caller sleeps on its own clock, then calls {@link cubicAcquired}.
 *
 * @example
 * ```ts
 * const throttled = cubicUpdate(createCubicRate(0), 0.5, true);
 * cubicSendDelay(throttled, 0.5).delaySeconds * 1000; // 892.8571428571428 (smithy's vector)
 * ```
 */
export function cubicSendDelay(state: CubicRate, nowSeconds: number): CubicDelay {
  checkTime(nowSeconds);
  if (!state.enabled) return { delaySeconds: 0, state };
  const refilled = cubicRefill(state, nowSeconds);
  return { delaySeconds: missingTokenSeconds(refilled), state: refilled };
}

/**
 * What {@link cubicAcquired} answers: either the token was taken, or (the rate fell while the
 * caller slept, or its sleep ran short) how much longer to sleep before asking again.
 *
 * @example
 * ```ts
 * const answer: CubicAcquire = cubicAcquired(createCubicRate(0), 0);
 * if (!answer.acquired) console.log(`sleep ${answer.delaySeconds} s more`);
 * ```
 */
export type CubicAcquire =
  | { readonly acquired: true; readonly state: CubicRate }
  | { readonly acquired: false; readonly delaySeconds: number; readonly state: CubicRate };

/**
 * Takes the request's token after the wait {@link cubicSendDelay} asked for: the rest of
 * smithy's `acquireTokenBucket(1)`, whose loop `while (amount > availableTokens) { sleep;
 * refill }` re-checks after every sleep. So does this: if the bucket still lacks a whole token
 * (another response throttled the rate meanwhile, or the sleep was short, or float rounding
 * left 0.9999999), nothing is taken and `delaySeconds` says how long to sleep before calling
 * again. The bucket therefore never goes below zero. While the limiter is disabled it always
 * succeeds and changes nothing, as smithy returns at once.
 *
 * The second delay is usually tiny. Sleep it with a real timer (which sleeps 1 ms at least),
 * not by adding it to a fake clock: a clock of epoch seconds resolves about 0.2 µs, so adding a
 * smaller delay leaves the time unchanged and the loop would never end.
 *
 * @example
 * ```ts
 * const sleep = (s: number) => new Promise((done) => setTimeout(done, s * 1000));
 * const clock = () => performance.now() / 1000;
 * let rate = cubicUpdate(createCubicRate(clock()), clock(), true);
 *
 * const wait = cubicSendDelay(rate, clock());
 * rate = wait.state;
 * await sleep(wait.delaySeconds);
 * for (let got = cubicAcquired(rate, clock()); ; got = cubicAcquired(rate, clock())) {
 *   rate = got.state;
 *   if (got.acquired) break;
 *   await sleep(got.delaySeconds);
 * }
 * // send the request now, then report it with cubicUpdate(rate, clock(), throttled)
 * ```
 */
export function cubicAcquired(state: CubicRate, nowSeconds: number): CubicAcquire {
  checkTime(nowSeconds);
  if (!state.enabled) return { acquired: true, state };
  const refilled = cubicRefill(state, nowSeconds);
  // smithy's loop condition, `amount > availableTokens`, with amount 1.
  if (refilled.availableTokens < 1) return { acquired: false, delaySeconds: missingTokenSeconds(refilled), state: refilled };
  return { acquired: true, state: { ...refilled, availableTokens: refilled.availableTokens - 1 } };
}

/** Seconds until one whole token has filled in; 0 when there is one already. */
function missingTokenSeconds(state: CubicRate): number {
  if (state.availableTokens >= 1) return 0;
  // Same operand order as smithy, so `delaySeconds * 1000` is its millisecond delay to the bit.
  return (1 - state.availableTokens) / state.fillRate;
}
