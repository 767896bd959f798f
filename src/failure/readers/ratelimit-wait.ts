import { readRateLimitField } from './ietf-ratelimit.js';
import type { HintReader } from './reader.js';

/**
 * The wait the IETF `RateLimit` field implies: when the service limit closest to exhaustion has
 * nothing left (`r=0`, or -07's `remaining=0`), the time until more quota comes (`t`, or -07's
 * `reset`), in ms. No wait while quota remains, or when the field says no time. It ranks below
 * every explicit wait header: "If a response contains both the RateLimit and Retry-After fields,
 * the Retry-After field MUST take precedence and the reset parameter MAY be ignored" (-10,
 * Client Behavior).
 *
 * @example
 * ```ts
 * rateLimitWaitHint.read({ RateLimit: '"problemPolicy";r=0;t=10' }, Date.now()); // 10000
 * rateLimitWaitHint.read({ RateLimit: '"default";r=50;t=30' }, Date.now()); // undefined
 * ```
 */
export const rateLimitWaitHint: HintReader<'retryAfterMs'> = {
  name: 'ratelimit-wait',
  field: 'retryAfterMs',
  read: (headers, now) => {
    const quota = readRateLimitField(headers, now, false);
    return quota?.remaining === 0 ? quota.resetsInMs : undefined;
  },
};
