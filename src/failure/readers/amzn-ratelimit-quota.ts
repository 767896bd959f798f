import { readHeader } from '../headers.js';
import { rateOf } from './header-numbers.js';
import type { HintReader } from './reader.js';

/**
 * Amazon SP-API `x-amzn-RateLimit-Limit`: "Your rate limit (requests per second) for this
 * operation" (the API models), a float such as `2.0` or `0.0167`, as `quota.ratePerSecond`.
 * Amazon sends it "on a best-effort basis, for HTTP status codes 20x, 400 and 404 only" and
 * "you must not depend on the presence of the `x-amzn-RateLimit-Limit` header" (usage plans
 * guide): so it is read on any status, and its absence means nothing.
 *
 * @example
 * ```ts
 * amznRateLimitQuotaHint.read({ 'x-amzn-RateLimit-Limit': '0.0167' }, Date.now()); // { ratePerSecond: 0.0167 }
 * ```
 */
export const amznRateLimitQuotaHint: HintReader<'quota'> = {
  name: 'amzn-ratelimit-quota',
  field: 'quota',
  read: (headers) => {
    const rate = rateOf(readHeader(headers, 'x-amzn-ratelimit-limit'));
    return rate === undefined ? undefined : { ratePerSecond: rate };
  },
};
