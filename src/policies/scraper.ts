import type { LibraryReaderSet } from '../failure/readers/reader.js';
import { retryAfterHint } from '../failure/readers/retry-after.js';
import { scraperJsonReader } from '../failure/readers/scraper-json.js';
import { definePrebuiltPolicy, type Policy } from '../policy/define-policy.js';
import type { JitterSpec } from '../schedule/jitter.js';
import type { ScheduleSpec } from '../schedule/schedules.js';

/**
 * What the scraping API's answers carry, and so all `scraperPolicy` reads: its JSON error body
 * ("All errors return a JSON body with the same shape": `error`, `message`, `request_id`) and
 * `Retry-After` ("Check the Retry-After header", "Respect our Retry-After if we sent one").
 */
const SCRAPER_READERS: LibraryReaderSet = { body: [scraperJsonReader], hints: [retryAfterHint], fallbackHints: [], headerlessHints: [] };

/** The canonical loop's backoff: `min(2 ** attempt * 1000, 30_000)`, after `Retry-After` if sent. */
const CANONICAL: ScheduleSpec = {
  type: 'retry-after',
  fallback: { type: 'exponential', baseMs: 1000, factor: 2, capMs: 30_000 },
};
/** The canonical loop's `+ Math.random() * 1000`. */
const UP_TO_ONE_SECOND: JitterSpec = { type: 'additive', maxMs: 1000 };
/** "60s+": at least 60 s, longer when the server's Retry-After says so. */
const SIXTY_SECONDS_OR_MORE: ScheduleSpec = { type: 'retry-after', mode: 'max', fallback: { type: 'constant', delayMs: 60_000 } };

/**
 * The scraping API's "Error codes & retry semantics", row by row: its 16 error codes, then its
 * canonical retry loop for everything else (4 attempts; `Retry-After` first, else
 * `min(2^attempt · 1000, 30 000)` ms; plus up to 1 s of random jitter).
 *
 * Judgement calls, all visible rows:
 * - `insufficient_credits` (402, "Yes, after topping up") stops: topping up is a human action,
 *   and the canonical loop treats 402 as permanent.
 * - Every retried row honours `Retry-After` first, as the canonical loop does; the "60s+" rows
 *   wait the larger of 60 s and the hint.
 * - A bare status without a known code is treated like its code's row (408, 422, 429), other 4xx
 *   stop, 5xx and network failures use the canonical loop.
 * - A hint longer than `maxDelayMs` (5 minutes) stops with `retry-after-too-long`.
 *
 * Failures are read with the scraping API's readers only (`scraperPolicy.readers.builtIn`): its
 * JSON error body and `Retry-After`. Other headers (the IETF `RateLimit` fields,
 * `X-RateLimit-*`, `retry-after-ms`, `Stripe-Should-Retry`, request id headers) are not read,
 * so they are not bundled either; for an API that sends them, use {@link definePolicy}.
 *
 * @example
 * ```ts
 * import { retry, scraperPolicy } from 'retry-table';
 * const res = await retry(scraperPolicy, (ctx) => fetch(url, { headers, signal: ctx.signal }));
 * ```
 */
export const scraperPolicy: Policy = /* @__PURE__ */ definePrebuiltPolicy({
  name: 'scraper',
  description: 'Amazon Scraper API "Error codes & retry semantics": 16 codes, then the canonical loop (4 attempts, Retry-After first, else min(2^n·1000, 30000) ms + U(0, 1000) ms).',
  maxAttempts: 4,
  maxDelayMs: 300_000, // 5 min; a literal, not 5 * 60_000: a bundler drops an unused policy only when its spec is plain data
  schedule: CANONICAL,
  jitter: UP_TO_ONE_SECOND,
  rules: [
    { id: 'invalid_params', match: { code: 'invalid_params' }, retry: false, note: '400: No - fix the request.' },
    { id: 'unauthorized', match: { code: 'unauthorized' }, retry: false, note: '401: No - get a valid key.' },
    { id: 'revoked', match: { code: 'revoked' }, retry: false, note: '401: No - use your current key.' },
    {
      id: 'insufficient_credits',
      match: { code: 'insufficient_credits' },
      retry: false,
      note: '402: Yes, after topping up. Stopped here: topping up is a human action (the canonical loop treats 402 as permanent).',
    },
    { id: 'forbidden_region', match: { code: 'forbidden_region' }, retry: false, note: '403: No - upgrade or drop the country param.' },
    { id: 'not_found', match: { code: 'not_found' }, retry: false, note: '404: No.' },
    {
      id: 'upstream_timeout',
      match: { code: 'upstream_timeout' },
      retry: true,
      maxRetries: 3,
      schedule: { type: 'retry-after', fallback: { type: 'constant', delayMs: 2000 } },
      note: '408: Yes - retry up to 3 times with 2s backoff (+ up to 1 s jitter).',
    },
    { id: 'blocked_by_amazon', match: { code: 'blocked_by_amazon' }, retry: true, schedule: SIXTY_SECONDS_OR_MORE, note: '422: Yes, but with a 60s+ delay.' },
    { id: 'rate_limited', match: { code: 'rate_limited' }, retry: true, coolDown: true, note: '429: Yes - respect Retry-After (else the canonical backoff).' },
    {
      id: 'internal_error',
      match: { code: 'internal_error' },
      retry: true,
      schedule: { type: 'retry-after', fallback: { type: 'constant', delayMs: 5000 } },
      note: '500: Yes, after ~5s (5 s + up to 1 s jitter).',
    },
    { id: 'not_implemented', match: { code: 'not_implemented' }, retry: false, note: '501: No - wait for the feature.' },
    { id: 'target_unreachable', match: { code: 'target_unreachable' }, retry: true, schedule: SIXTY_SECONDS_OR_MORE, note: '502: Yes, with a 60s+ delay.' },
    { id: 'extraction_failed', match: { code: 'extraction_failed' }, retry: true, note: '502: Yes, typically works on retry (canonical backoff).' },
    { id: 'asin_mismatch', match: { code: 'asin_mismatch' }, retry: false, note: "502: No - the source ASIN is what's stale." },
    { id: 'generic_gallery_page', match: { code: 'generic_gallery_page' }, retry: false, note: '502: No - remove the ASIN from your set.' },
    { id: 'capacity', match: { code: 'capacity' }, retry: true, coolDown: true, note: '503: Yes, after Retry-After (else the canonical backoff).' },
    {
      id: 'permanent-status',
      match: { status: [400, 401, 402, 403, 404, 501] },
      retry: false,
      note: "Canonical loop: \"Don't retry permanent errors\" (400, 401, 402, 403, 404, 501), whatever the code.",
    },
    {
      id: 'timeout-status',
      match: { status: 408 },
      retry: true,
      maxRetries: 3,
      schedule: { type: 'retry-after', fallback: { type: 'constant', delayMs: 2000 } },
      note: 'Judgement: a 408 without a known code is treated like upstream_timeout.',
    },
    { id: 'blocked-status', match: { status: 422 }, retry: true, schedule: SIXTY_SECONDS_OR_MORE, note: 'Judgement: a 422 without a known code is treated like blocked_by_amazon.' },
    { id: 'rate-limit-status', match: { status: 429 }, retry: true, coolDown: true, note: 'Judgement: a 429 without a known code is treated like rate_limited.' },
    { id: 'server-error', match: { status: '5xx' }, retry: true, note: 'Unknown 5xx: the canonical loop.' },
    { id: 'network', match: { kind: ['network', 'timeout'] }, retry: true, note: 'No answer (connection reset/refused, DNS, timeout): the canonical loop.' },
    { id: 'client-error', match: { status: '4xx' }, retry: false, note: 'Other 4xx: not retried.' },
    { id: 'other', match: {}, retry: false, note: 'Anything else (aborts, errors in your own code) is not retried.' },
  ],
}, SCRAPER_READERS);
