import type { Quota } from '../failure.js';
import { readHeader } from '../headers.js';
import { countOf, secondsToMs, setResetFrom, setResetIn, type QuotaDraft } from './header-numbers.js';

/*
 * The de-facto `X-RateLimit-*` headers, shared by the quota reader and the wait reader. No
 * standard defines them; the vendors agree on Limit and Remaining (counts) and disagree on Reset:
 *
 * - GitHub `x-ratelimit-reset`: "The time at which the current rate limit window resets, in UTC
 *   epoch seconds" (github/docs, rate-limits-for-the-rest-api.md).
 * - X/Twitter spells them `x-rate-limit-*`: "x-rate-limit-reset  Unix timestamp when the limit
 *   resets" (docs.x.com/fundamentals/rate-limits).
 * - Discord `X-RateLimit-Reset`: "Epoch time (seconds since 00:00:00 UTC on January 1, 1970) at
 *   which the rate limit resets" (`1470173023.123`), and `X-RateLimit-Reset-After`: "Total time
 *   (in seconds) of when the current rate limit bucket will reset. Can have decimals" (`64.57`)
 *   (discord-api-docs, rate-limits.md).
 * - WHOOP `X-RateLimit-Reset: 3`: delta seconds (developer.whoop.com, rate-limiting).
 *
 * So Reset is read with the epoch rule of `setReset` (≥ 1e9 is epoch seconds, ≥ 1e12 epoch ms,
 * below that delta seconds). Reset-After is always a delay, and wins over Reset when both are
 * there: a delay does not depend on the two clocks agreeing. One vendor misreads: MuleSoft sends
 * delta milliseconds ("the time in milliseconds before the remain rate count is reset"), which
 * read as seconds give a wait 1000 times too long, the safe direction; a policy's `maxDelayMs`
 * refuses it. Lemlist's date strings are not numbers and are ignored.
 */

interface Family {
  readonly limit: string;
  readonly remaining: string;
  readonly reset: string;
  readonly resetAfter: string | undefined;
}

/** The names spelled out once: building them per failure would allocate on the hot path. */
const FAMILIES: readonly Family[] = [
  { limit: 'x-ratelimit-limit', remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset', resetAfter: 'x-ratelimit-reset-after' },
  { limit: 'x-rate-limit-limit', remaining: 'x-rate-limit-remaining', reset: 'x-rate-limit-reset', resetAfter: undefined },
];

/**
 * The `X-RateLimit-*` (or X's `X-Rate-Limit-*`) headers as a quota: `max` from Limit,
 * `remaining`, and the reset from Reset-After or Reset. Read only when Limit or Remaining is
 * there; a value that does not parse is left out.
 *
 * @param headers - the response headers, in any shape `readHeader` reads
 * @param now - the clock reading, epoch ms
 * @example
 * ```ts
 * readXRateLimit({ 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1705420800' }, Date.parse('2024-01-16T15:59:00Z'));
 * // { max: 5000, remaining: 0, resetsAt: 1705420800000, resetsInMs: 60000 }
 * ```
 */
export function readXRateLimit(headers: unknown, now: number): Quota | undefined {
  for (const family of FAMILIES) {
    const limitText = readHeader(headers, family.limit);
    const remainingText = readHeader(headers, family.remaining);
    if (limitText === undefined && remainingText === undefined) continue;
    const quota: QuotaDraft = {};
    const limit = countOf(limitText);
    if (limit !== undefined) quota.max = limit;
    const remaining = countOf(remainingText);
    if (remaining !== undefined) quota.remaining = remaining;
    const after = family.resetAfter === undefined ? undefined : readHeader(headers, family.resetAfter);
    const afterMs = after === undefined ? undefined : secondsToMs(after);
    if (afterMs !== undefined) setResetIn(quota, afterMs, now);
    else setResetFrom(quota, readHeader(headers, family.reset), now);
    if (Object.keys(quota).length > 0) return quota;
  }
  return undefined;
}

/**
 * How long until the `X-RateLimit-*` quota is back when Remaining is 0: Reset-After, else Reset
 * (epoch rule), in ms. Undefined otherwise; reads only the two Remaining headers when absent.
 *
 * @example
 * ```ts
 * xRateLimitWait({ 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset-After': '64.57' }, 0); // 64570
 * xRateLimitWait({ 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '1705420800' }, Date.parse('2024-01-16T15:59:00Z')); // 60000
 * ```
 */
export function xRateLimitWait(headers: unknown, now: number): number | undefined {
  for (const family of FAMILIES) {
    const remainingText = readHeader(headers, family.remaining);
    if (remainingText === undefined) continue;
    if (countOf(remainingText) !== 0) return undefined;
    const after = family.resetAfter === undefined ? undefined : readHeader(headers, family.resetAfter);
    const afterMs = after === undefined ? undefined : secondsToMs(after);
    if (afterMs !== undefined) return afterMs;
    const quota: QuotaDraft = {};
    setResetFrom(quota, readHeader(headers, family.reset), now);
    return quota.resetsInMs;
  }
  return undefined;
}
