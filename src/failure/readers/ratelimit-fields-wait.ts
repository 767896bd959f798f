import { rateLimitFieldsWait } from './ietf-ratelimit.js';
import type { HintReader } from './reader.js';

/**
 * The wait the older IETF drafts' fields imply (-05, -06): when `RateLimit-Remaining` is 0,
 * `RateLimit-Reset` in ms. -05 asks servers to keep the two consistent: "If a response contains
 * both the Retry-After and the RateLimit-Reset fields, the RateLimit-Reset field value SHOULD
 * reference the same point in time as the Retry-After field value"; an explicit Retry-After
 * still ranks first.
 *
 * @example
 * ```ts
 * rateLimitFieldsWaitHint.read({ 'RateLimit-Remaining': '0', 'RateLimit-Limit': '10', 'RateLimit-Reset': '10' }, Date.now()); // 10000
 * ```
 */
export const rateLimitFieldsWaitHint: HintReader<'retryAfterMs'> = {
  name: 'ratelimit-fields-wait',
  field: 'retryAfterMs',
  read: rateLimitFieldsWait,
};
