import { xRateLimitWait } from './x-ratelimit.js';
import type { HintReader } from './reader.js';

/**
 * The wait the `X-RateLimit-*` headers imply: when Remaining is 0, Discord's
 * `X-RateLimit-Reset-After` (delta seconds, with decimals), else `X-RateLimit-Reset` read by
 * value (epoch seconds at or above 1e9, epoch ms at or above 1e12, else delta seconds; an epoch
 * in the past is 0), in ms. GitHub's REST docs give the same order: "If the `retry-after`
 * response header is present, you should not retry your request until after that many seconds
 * has elapsed. If the `x-ratelimit-remaining` header is `0`, you should not make another request
 * until after the time specified by the `x-ratelimit-reset` header." (rate-limits-for-the-rest-api.md)
 *
 * @example
 * ```ts
 * xRateLimitWaitHint.read({ 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset-After': '64.57' }, Date.now()); // 64570
 * ```
 */
export const xRateLimitWaitHint: HintReader<'retryAfterMs'> = {
  name: 'x-ratelimit-wait',
  field: 'retryAfterMs',
  read: xRateLimitWait,
};
