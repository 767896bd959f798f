import { readRateLimitFields } from './ietf-ratelimit.js';
import type { HintReader } from './reader.js';

/**
 * The older IETF drafts' separate fields (-05 and -06, 2022) as a quota: `RateLimit-Limit: 10`,
 * `RateLimit-Remaining: 1`, `RateLimit-Reset: 7` (delta seconds: "the number of seconds until
 * the quota resets"), and the window from `RateLimit-Policy: 10;w=1`. A value at or above 1e9 in
 * `RateLimit-Reset` is read as an epoch, as for `X-RateLimit-Reset` (see `setReset`).
 *
 * @example
 * ```ts
 * rateLimitFieldsQuotaHint.read({ 'RateLimit-Limit': '10', 'RateLimit-Remaining': '1', 'RateLimit-Reset': '7' }, 0);
 * // { max: 10, remaining: 1, resetsInMs: 7000, resetsAt: 7000 }
 * ```
 */
export const rateLimitFieldsQuotaHint: HintReader<'quota'> = {
  name: 'ratelimit-fields-quota',
  field: 'quota',
  read: readRateLimitFields,
};
