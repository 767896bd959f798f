import type { LibraryReaderSet } from '../failure/readers/reader.js';
import { mwsQuotaHint } from '../failure/readers/mws-quota.js';
import { mwsTimestampHint } from '../failure/readers/mws-timestamp.js';
import { mwsXmlReader } from '../failure/readers/mws-xml.js';
import { mwsRequestIdHint } from '../failure/readers/request-id.js';
import { retryAfterHint } from '../failure/readers/retry-after.js';
import { definePrebuiltPolicy, type Policy } from '../policy/define-policy.js';
import type { ScheduleSpec } from '../schedule/schedules.js';

/**
 * What an MWS answer carries, and so all `mwsPolicy` reads: the XML error body (`Code`,
 * `Message`, `RequestID`: "A message is normally sent with the error code"), the
 * `x-mws-request-id` and `x-mws-timestamp` headers ("Record the RequestId and Timestamp" of every
 * request), the `x-mws-quota-*` headers (the `QuotaExceeded` row waits for their reset), and
 * the standard `Retry-After` (RFC 9110 §10.2.3), which any server or proxy may send with a 503
 * and which a `with({ schedule: { type: 'retry-after', ... } })` reads. Nothing else: MWS sends
 * no IETF `RateLimit`, `X-RateLimit-*`, gRPC or Stripe header.
 */
const MWS_READERS: LibraryReaderSet = {
  body: [mwsXmlReader],
  hints: [mwsRequestIdHint, mwsTimestampHint, retryAfterHint, mwsQuotaHint],
  fallbackHints: [],
  headerlessHints: [],
};

/** MWS "Handling errors": "you can time your retries with the following time spacing: 1s, 4s, 10s, 30s". */
const MWS_SPACING: ScheduleSpec = { type: 'list', delaysMs: [1000, 4000, 10_000, 30_000] };

/**
 * Amazon Marketplace Web Service error handling, from the MWS developer guide's "Handling
 * errors" page, row by row:
 *
 * - 500 and 503 service errors are retried with exponential backoff, "up to four retries",
 *   spaced 1 s, 4 s, 10 s, 30 s, then the call stops (`attempts-exhausted`): 5 attempts at most.
 *   No jitter by default, as in the guide; opt in with `mwsPolicy.with({ jitter: 'equal' })`.
 * - `QuotaExceeded` (hourly quota): when `x-mws-quota-resetsOn` says when the quota resets, the
 *   call waits until then if that is within `maxDelayMs` (5 minutes), else stops at once with
 *   `quota-exhausted` and the reset time on the error.
 * - Every 4xx in the guide's table is permanent (`not-retryable`).
 * - Judgement calls (not in the guide, written as visible rows): 502 and 504 gateway errors,
 *   network failures and attempt timeouts are retried like 500/503; other statuses and unknown
 *   failures stop.
 * - The rows are idempotent (MWS sends reads and writes alike). When submitting a feed
 *   (`SubmitFeed`), call with `idempotent: false`: a connection reset after the feed was sent, a
 *   timeout or a 500 then stops with `unsafe-to-retry` instead of submitting the feed twice.
 *
 * Failures are read with MWS's readers only (`mwsPolicy.readers.builtIn`): the XML error body,
 * `x-mws-request-id`, `x-mws-timestamp`, `x-mws-quota-max` / `-remaining` / `-resetsOn`, and the
 * standard `Retry-After`. Headers MWS does not send (the IETF `RateLimit` fields,
 * `X-RateLimit-*`, `Stripe-Should-Retry`, `grpc-retry-pushback-ms`, other vendors' request ids)
 * are not read, so they are not bundled either; for an API that sends them, use
 * {@link definePolicy}, which reads every built-in header.
 *
 * @example
 * ```ts
 * import { withRetry, mwsPolicy } from 'retry-table';
 * const listOrders = withRetry(mwsPolicy)((body: URLSearchParams) =>
 *   fetch('https://mws.amazonservices.com/Orders/2013-09-01', { method: 'POST', body }),
 * );
 * ```
 */
export const mwsPolicy: Policy = /* @__PURE__ */ definePrebuiltPolicy({
  name: 'mws',
  description: 'Amazon MWS "Handling errors": retry 500/503 at 1 s, 4 s, 10 s, 30 s; 4xx are permanent.',
  maxAttempts: 5,
  maxDelayMs: 300_000, // 5 min; a literal, not 5 * 60_000: a bundler drops an unused policy only when its spec is plain data
  schedule: MWS_SPACING,
  jitter: 'none',
  rules: [
    { id: 'InputStreamDisconnected', match: { code: 'InputStreamDisconnected' }, retry: false, note: '400: There was an error reading the input stream.' },
    {
      id: 'InvalidParameterValue',
      match: { code: 'InvalidParameterValue' },
      retry: false,
      note: '400: An invalid parameter value was used, or the request size exceeded the maximum accepted size, or the request expired.',
    },
    { id: 'AccessDenied', match: { code: 'AccessDenied' }, retry: false, note: '401: Access was denied.' },
    { id: 'InvalidAccessKeyId', match: { code: 'InvalidAccessKeyId' }, retry: false, note: '403: An invalid AWSAccessKeyId value was used.' },
    {
      id: 'SignatureDoesNotMatch',
      match: { code: 'SignatureDoesNotMatch' },
      retry: false,
      note: "403: The signature used does not match the server's calculated signature value.",
    },
    {
      id: 'InvalidAddress',
      match: { code: 'InvalidAddress' },
      retry: false,
      note: '404: An invalid API section or operation value was used, or an invalid path was used.',
    },
    { id: 'InternalError', match: { code: 'InternalError' }, retry: true, note: '500: There was an internal service failure. Retry at 1 s, 4 s, 10 s, 30 s.' },
    {
      id: 'QuotaExceeded',
      match: { code: 'QuotaExceeded' },
      retry: true,
      schedule: { type: 'quota-reset', fallback: MWS_SPACING },
      coolDown: true,
      note: '503: The total number of requests in an hour was exceeded. Wait for the quota reset (x-mws-quota-resetsOn) when known and within 5 min, else stop; without the header, 1 s, 4 s, 10 s, 30 s.',
    },
    { id: 'RequestThrottled', match: { code: 'RequestThrottled' }, retry: true, coolDown: true, note: '503: The frequency of requests was greater than allowed. Retry at 1 s, 4 s, 10 s, 30 s.' },
    { id: 'service-error', match: { status: [500, 503] }, retry: true, note: 'Any other 500 or 503 service error: "try the request again".' },
    { id: 'gateway-error', match: { status: [502, 504] }, retry: true, note: 'Judgement (not in the guide): gateway errors are transient, retried like 500/503.' },
    { id: 'network', match: { kind: ['network', 'timeout'] }, retry: true, note: 'Judgement: no answer (connection reset/refused, DNS, timeout) is transient, retried like 500/503.' },
    { id: 'client-error', match: { status: '4xx' }, retry: false, note: 'Any other 4xx: fix the request.' },
    { id: 'other', match: {}, retry: false, note: 'Anything else (other statuses, aborts, errors in your own code) is not retried.' },
  ],
}, MWS_READERS);
