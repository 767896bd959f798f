import { amznRateLimitQuotaHint } from '../failure/readers/amzn-ratelimit-quota.js';
import { amznRateLimitWaitHint } from '../failure/readers/amzn-ratelimit-wait.js';
import type { LibraryReaderSet } from '../failure/readers/reader.js';
import { amznRequestIdHint } from '../failure/readers/request-id.js';
import { retryAfterHint } from '../failure/readers/retry-after.js';
import { spApiJsonReader } from '../failure/readers/sp-api-json.js';
import { SP_API_CLIENT_ERRORS } from '../failure/sp-api-clients.js';
import { definePrebuiltPolicy, type Policy } from '../policy/define-policy.js';
import type { ScheduleSpec } from '../schedule/schedules.js';

/**
 * Server errors: exponential backoff with full jitter, as the AWS SDKs do ("t_i = random ·
 * min(x · 2^i, MAXIMUM_RETRY_DELAY)", smithy-typescript's DefaultRetryBackoffStrategy), from 1 s
 * capped at 20 s (the SDKs' MAXIMUM_RETRY_DELAY). The base is ours: SP-API operations are slow
 * and their plans small, so 1 s rather than the SDKs' 100 ms.
 */
const SERVER_ERROR_BACKOFF: ScheduleSpec = { type: 'exponential', baseMs: 500, factor: 2, capMs: 20_000 };

/**
 * What an SP-API answer carries, from its "Response format" page (response headers
 * `x-amzn-RequestId`, `x-amzn-RateLimit-Limit`, `x-amzn-ErrorType`, `x-amz-apigw-id`, and the
 * `errors[]` body), and so all `spApiPolicy` reads: the `errors[]` body,
 * `x-amzn-RateLimit-Limit` (the wait it implies, 1/rate, and the rate as `quota.ratePerSecond`
 * for a rate limiter), `x-amzn-RequestId` (after the error object's own request id, as in
 * `BUILT_IN_READERS`), and the standard `Retry-After` (RFC 9110 §10.2.3), which any server or
 * proxy may send with a 429 or 503. `x-amzn-ErrorType` repeats the body's error; nothing reads
 * the gateway's id. And the error classes of the SP-API client packages (amazon-sp-api's code
 * without a status, @scaleleap's wrapper of the AxiosError).
 */
const SP_API_READERS: LibraryReaderSet = {
  body: [spApiJsonReader],
  hints: [retryAfterHint, amznRateLimitWaitHint, amznRateLimitQuotaHint],
  fallbackHints: [amznRequestIdHint],
  clients: SP_API_CLIENT_ERRORS,
  headerlessHints: [],
};

/**
 * Throttling: the server's hint first (`Retry-After`, and SP-API's own `x-amzn-RateLimit-Limit`,
 * whose inverse is the earliest sensible retry); without one, backoff from 2 s, capped at 60 s:
 * the smallest documented plans refill one token per minute or two (getOrders 0.0167/s,
 * createFeed 0.0083/s).
 */
const THROTTLED: ScheduleSpec = { type: 'retry-after', fallback: { type: 'exponential', baseMs: 1000, factor: 2, capMs: 60_000 } };

/**
 * Amazon Selling Partner API (SP-API), the successor of MWS (MWS was shut down on 2024-03-31),
 * from its documentation: "Response format" (the `errors[]` body, `x-amzn-RequestId`,
 * `x-amzn-RateLimit-Limit`), "Usage plans and rate limits" (token buckets per selling partner
 * and application; "A 429 is a retry-able status code ... repeated throttled requests require a
 * back off strategy"), and the status table every API model shares.
 *
 * - 429 (`QuotaExceeded`, `TooManyRequests`) is retried on the server's hint, with a shared
 *   cool-down so every call sharing a budget backs off together; without a hint, 2 s, 4 s, 8 s
 *   ... with equal jitter.
 * - 500, 502, 503, 504 are retried with exponential backoff and full jitter.
 * - 400 `InvalidInput`, 401/403 (`Unauthorized`, `AccessDenied`, an expired token), 404
 *   `NotFound`, 413, 415 and every other 4xx are not retried: the same request fails the same way.
 * - Judgement: network failures and timeouts are retried like server errors. SP-API sends reads
 *   and writes alike: a `createFeed` or `confirmShipment` whose connection reset after the request
 *   was sent may have been processed, so retrying it can submit it twice. The rows keep today's
 *   behaviour (idempotent); for writes, call with `idempotent: false`: a failure that may have been
 *   processed then stops with `unsafe-to-retry`, while throttling (429) and refused connections
 *   are still retried.
 *
 * Failures are read with SP-API's readers only (`spApiPolicy.readers.builtIn`): the `errors[]`
 * body, `x-amzn-RequestId`, `x-amzn-RateLimit-Limit`, the standard `Retry-After`, and the error
 * classes of the SP-API client packages (amazon-sp-api, @scaleleap's). Headers
 * SP-API does not send (the IETF `RateLimit` fields, `X-RateLimit-*`, `x-amz-retry-after`,
 * `retry-after-ms`, `Stripe-Should-Retry`, `grpc-retry-pushback-ms`) are not read, so they are not
 * bundled either; for an API that sends them, use {@link definePolicy}.
 *
 * When you call SP-API through a client package, turn its own retry off (amazon-sp-api retries
 * 429 without limit by default; @sp-api-sdk's is opt-in) and let this table decide.
 *
 * @example
 * ```ts
 * import { withRetry, spApiPolicy } from 'retry-table';
 * const getOrders = withRetry(spApiPolicy)((createdAfter: string) =>
 *   fetch(`https://sellingpartnerapi-na.amazon.com/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER&CreatedAfter=${createdAfter}`, {
 *     headers: { 'x-amz-access-token': accessToken },
 *   }),
 * );
 * ```
 */
export const spApiPolicy: Policy = /* @__PURE__ */ definePrebuiltPolicy({
  name: 'spapi',
  description: 'Amazon SP-API: 429 QuotaExceeded waits for the rate-limit hint; 5xx back off with full jitter; 4xx are permanent.',
  maxAttempts: 5,
  maxDelayMs: 300_000, // 5 min; a literal, not 5 * 60_000: a bundler drops an unused policy only when its spec is plain data
  schedule: SERVER_ERROR_BACKOFF,
  jitter: 'full',
  rules: [
    {
      id: 'QuotaExceeded',
      match: { code: ['QuotaExceeded', 'TooManyRequests', 'RequestThrottled'] },
      retry: true,
      schedule: THROTTLED,
      jitter: 'equal',
      coolDown: true,
      note: '429: "You exceeded your quota for the requested resource." "A 429 is a retry-able status code ... repeated throttled requests require a back off strategy." Wait for the rate-limit hint (x-amzn-RateLimit-Limit: 1/rate s) when sent, else back off from 2 s.',
    },
    {
      id: 'throttled',
      match: { status: 429 },
      retry: true,
      schedule: THROTTLED,
      jitter: 'equal',
      coolDown: true,
      note: '429 with any other code: "The frequency of requests was greater than allowed." Retried like QuotaExceeded.',
    },
    { id: 'InvalidInput', match: { code: 'InvalidInput' }, retry: false, note: '400: "Request has missing or invalid parameters and cannot be parsed." Fix the request.' },
    {
      id: 'Unauthorized',
      match: { code: ['Unauthorized', 'AccessDenied', 'InvalidSignature'] },
      retry: false,
      note: '401/403: "access to the resource is forbidden. Possible reasons include Access Denied, Unauthorized, Expired Token, or Invalid Signature." Refresh the token or fix the grant; the same request fails the same way.',
    },
    { id: 'NotFound', match: { code: ['NotFound', 'ResourceNotFound'] }, retry: false, note: '404: "The resource specified does not exist."' },
    {
      id: 'server-error',
      match: { status: [500, 502, 503, 504] },
      retry: true,
      note: '500 InternalFailure: "An unexpected condition occurred"; 503 ServiceUnavailable: "Temporary overloading or maintenance of the server." 502/504 (judgement): gateway errors, transient. Backoff from 1 s, full jitter, capped at 20 s.',
    },
    {
      id: 'network',
      match: { kind: ['network', 'timeout'] },
      retry: true,
      note: 'Judgement: no answer (connection reset or refused, DNS, timeout) is transient, retried like a server error. A write may have been processed: see the policy docs.',
    },
    { id: 'client-error', match: { status: '4xx' }, retry: false, note: 'Any other 4xx (413 request too large, 415 bad Content-Type, ...): fix the request.' },
    { id: 'other', match: {}, retry: false, note: 'Anything else (other statuses, aborts, errors in your own code) is not retried.' },
  ],
}, SP_API_READERS);
