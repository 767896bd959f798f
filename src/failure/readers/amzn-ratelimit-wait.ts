import { readHeader } from '../headers.js';
import { rateOf } from './header-numbers.js';
import type { HintReader } from './reader.js';

/**
 * The wait SP-API's `x-amzn-RateLimit-Limit` implies: a token bucket refilled at `rate` requests
 * per second ("Tokens are automatically added to the bucket using a set rate-per-second", usage
 * plans guide) has its next token 1/rate seconds later, so the earliest sensible retry is
 * `ceil(1000 / rate)` ms. The JS SP-API clients wait the same (amazon-sp-api: `1 / rate`
 * seconds; @sp-api-sdk: `1000 / rateLimit` ms plus a margin). The weakest wait hint, so it ranks
 * last: it says how fast the bucket fills, not when this request may go.
 *
 * @example
 * ```ts
 * amznRateLimitWaitHint.read({ 'x-amzn-RateLimit-Limit': '0.5' }, Date.now()); // 2000
 * amznRateLimitWaitHint.read({ 'x-amzn-RateLimit-Limit': '0.0167' }, Date.now()); // 59881
 * ```
 */
export const amznRateLimitWaitHint: HintReader<'retryAfterMs'> = {
  name: 'amzn-ratelimit-wait',
  field: 'retryAfterMs',
  read: (headers) => {
    const rate = rateOf(readHeader(headers, 'x-amzn-ratelimit-limit'));
    return rate === undefined ? undefined : Math.min(Math.ceil(1000 / rate), Number.MAX_SAFE_INTEGER);
  },
};
