import { readXRateLimit } from './x-ratelimit.js';
import type { HintReader } from './reader.js';

/**
 * `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (GitHub, Discord, WHOOP,
 * and many more), X's `X-Rate-Limit-*` spelling, and Discord's `X-RateLimit-Reset-After`, as a
 * quota. `X-RateLimit-Reset` is epoch seconds at GitHub, X and Discord but delta seconds
 * elsewhere, so it is read by value: at or above 1e9 (September 2001 as epoch seconds; no server
 * asks for a 31-year wait) an epoch, at or above 1e12 epoch milliseconds, below that delta
 * seconds. An epoch in the past resets in 0 ms. The sources are in `x-ratelimit.ts`.
 *
 * @example
 * ```ts
 * xRateLimitQuotaHint.read(
 *   { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1705420800' },
 *   Date.parse('2024-01-16T15:59:00Z'),
 * ); // { max: 60, remaining: 0, resetsAt: 1705420800000, resetsInMs: 60000 }
 * ```
 */
export const xRateLimitQuotaHint: HintReader<'quota'> = {
  name: 'x-ratelimit-quota',
  field: 'quota',
  read: readXRateLimit,
};
