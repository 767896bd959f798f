import { amzRetryAfterHint } from './amz-retry-after.js';
import { amznRateLimitQuotaHint } from './amzn-ratelimit-quota.js';
import { amznRateLimitWaitHint } from './amzn-ratelimit-wait.js';
import { grpcPushbackHint } from './grpc-pushback.js';
import { grpcPushbackVerdictHint } from './grpc-pushback-verdict.js';
import { mwsQuotaHint } from './mws-quota.js';
import { mwsTimestampHint } from './mws-timestamp.js';
import { mwsXmlReader } from './mws-xml.js';
import { SP_API_CLIENT_ERRORS } from '../sp-api-clients.js';
import type { LibraryReaderSet } from './reader.js';
import { rateLimitFieldsQuotaHint } from './ratelimit-fields-quota.js';
import { rateLimitFieldsWaitHint } from './ratelimit-fields-wait.js';
import { rateLimitQuotaHint } from './ratelimit-quota.js';
import { rateLimitWaitHint } from './ratelimit-wait.js';
import { amznRequestIdHint, mwsRequestIdHint, requestIdHint } from './request-id.js';
import { retryAfterHint } from './retry-after.js';
import { retryAfterMsHint } from './retry-after-ms.js';
import { scraperJsonReader } from './scraper-json.js';
import { spApiJsonReader } from './sp-api-json.js';
import { stripeShouldRetryHint } from './stripe-should-retry.js';
import { xRateLimitQuotaHint } from './x-ratelimit-quota.js';
import { xRateLimitWaitHint } from './x-ratelimit-wait.js';

/**
 * The built-in readers, in the order they are tried. This list is the precedence, and it is
 * the only place that says it:
 *
 * - `body`: the first reader that returns fields wins (a user's body readers go first).
 *   The body's code, message and request id win over the error object's own: the server
 *   knows its own code better than the client library that wrapped it.
 * - each failure field takes the first value found, in this order: the body, the user's hint
 *   readers, `hints`, the error object's own request id (AWS SDK v3 `$metadata.requestId`),
 *   then `fallbackHints`. So a request id is taken from the body, then `x-mws-request-id`,
 *   then `$metadata.requestId`, then `x-amzn-requestid`, then `x-request-id`.
 * - `retryAfterMs`, the wait: first the headers that say the wait outright, the standard one
 *   first (the IETF RateLimit draft: "the Retry-After field MUST take precedence"): `Retry-After`,
 *   `retry-after-ms`, `x-amz-retry-after`, `grpc-retry-pushback-ms`. Then the waits that rate-limit
 *   headers imply, from the most to the least specific: the IETF `RateLimit` field's `t` when its
 *   `r` is 0 (-07: `reset` when `remaining` is 0), -05's `RateLimit-Reset` when
 *   `RateLimit-Remaining` is 0, `X-RateLimit-Reset-After` / `X-RateLimit-Reset` when
 *   `X-RateLimit-Remaining` is 0, and last 1/rate from SP-API's `x-amzn-RateLimit-Limit` (it says
 *   how fast the bucket refills, not when this request may go). The MWS `x-mws-quota-*` headers
 *   give no wait here: the MWS policy reads their reset through its own quota-reset schedule.
 * - `verdict`: `Stripe-Should-Retry`, then a negative or unparseable `grpc-retry-pushback-ms`.
 * - `clients`: the error classes of client packages whose status hides in a code or a `cause`
 *   (the SP-API clients'), tried after the generic checks of every cause chain node.
 * - `quota`: the first format present, whole: `x-mws-quota-*`, the IETF `RateLimit` field (with
 *   `RateLimit-Policy`), -05's `RateLimit-Limit`/`-Remaining`/`-Reset`, `X-RateLimit-*` (or
 *   `X-Rate-Limit-*`), then `x-amzn-RateLimit-Limit` (`ratePerSecond`).
 *
 * Reset values of the rate-limit headers are read by value: at or above 1e9 an epoch in seconds,
 * at or above 1e12 in milliseconds, below that delta seconds (see `setReset`). A header that is
 * absent costs one `readHeader` lookup, and a field already filled is not read again.
 *
 * @example
 * ```ts
 * BUILT_IN_READERS.body.map((reader) => reader.name); // ['sp-api-json', 'scraper-json', 'mws-xml']
 * ```
 */
export const BUILT_IN_READERS: LibraryReaderSet = {
  // Exclusive formats (JSON is never XML; SP-API's list is `errors`, the scraper's `error`), so
  // their order only matters for a user's formats.
  body: [spApiJsonReader, scraperJsonReader, mwsXmlReader],
  // One field each, so the order among them only matters within a field.
  hints: [
    mwsRequestIdHint,
    mwsTimestampHint,
    // retryAfterMs: explicit waits first, then the waits that rate-limit headers imply.
    retryAfterHint,
    retryAfterMsHint,
    amzRetryAfterHint,
    grpcPushbackHint,
    rateLimitWaitHint,
    rateLimitFieldsWaitHint,
    xRateLimitWaitHint,
    amznRateLimitWaitHint,
    // verdict
    stripeShouldRetryHint,
    grpcPushbackVerdictHint,
    // quota: MWS first, so the MWS policy reads what it always read.
    mwsQuotaHint,
    rateLimitQuotaHint,
    rateLimitFieldsQuotaHint,
    xRateLimitQuotaHint,
    amznRateLimitQuotaHint,
  ],
  // Generic request id headers, which the error object's own request id outranks.
  fallbackHints: [amznRequestIdHint, requestIdHint],
  // The error classes of the SP-API client packages (amazon-sp-api, @scaleleap's).
  clients: SP_API_CLIENT_ERRORS,
  // Every reader above reads headers: a failure without any is read by none of them.
  headerlessHints: [],
};
