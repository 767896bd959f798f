import { readRateLimitField } from './ietf-ratelimit.js';
import type { HintReader } from './reader.js';

/**
 * The IETF `RateLimit` field as a quota (draft-ietf-httpapi-ratelimit-headers): -08 to -10's
 * `RateLimit: "default";r=0;t=30` with `RateLimit-Policy: "default";q=100;w=60` gives
 * `{ max: 100, remaining: 0, resetsInMs: 30000, resetsAt: now + 30000, windowMs: 60000 }`; -07's
 * `RateLimit: limit=100, remaining=50, reset=5` gives `max`, `remaining` and the reset. Of several
 * service limits, the one closest to exhaustion. A malformed field is ignored, as the draft says
 * ("Malformed RateLimit header fields MUST be ignored"); see `ietf-ratelimit.ts`.
 *
 * @example
 * ```ts
 * rateLimitQuotaHint.read({ RateLimit: '"default";r=50;t=30' }, 0); // { remaining: 50, resetsInMs: 30000, resetsAt: 30000 }
 * ```
 */
export const rateLimitQuotaHint: HintReader<'quota'> = {
  name: 'ratelimit-quota',
  field: 'quota',
  read: (headers, now) => readRateLimitField(headers, now, true),
};
