import type { Failure } from '../failure/failure.js';

/**
 * The error codes that count as a throttle for the CUBIC limiter. First smithy-typescript's
 * `THROTTLING_ERROR_CODES` (packages/core/src/submodules/retry/service-error-classification/
 * constants.ts, commit 6815d3e9), which the AWS SDK matches against an error's `name`; then the
 * throttling codes of retry-table's prebuilt APIs, which the AWS list does not know:
 * `QuotaExceeded` and `TooManyRequests` (Amazon SP-API 429s, src/policies/sp-api.ts; MWS's
 * hourly `QuotaExceeded`, src/policies/mws.ts), `RequestThrottled` (MWS 503 and SP-API 429; also
 * on the AWS list), and the scraper API's `rate_limited` (429) and `capacity` (503,
 * src/policies/scraper.ts). Exact, case-sensitive matches, as smithy's `includes` is.
 *
 * @example
 * ```ts
 * CUBIC_THROTTLING_CODES.includes('SlowDown'); // true (Amazon S3)
 * ```
 */
export const CUBIC_THROTTLING_CODES: readonly string[] = [
  // smithy's THROTTLING_ERROR_CODES, in its order.
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
  // retry-table's prebuilt APIs.
  'QuotaExceeded',
  'TooManyRequests',
  'rate_limited',
  'capacity',
];

const CODES: ReadonlySet<string> = new Set(CUBIC_THROTTLING_CODES);

/**
 * Whether a failure is a throttle to report to {@link cubicUpdate}: smithy's `isThrottlingError`
 * (service-error-classification.ts, commit 6815d3e9) read over a retry-table `Failure`. Its
 * `$metadata.httpStatusCode === 429` is `status === 429`, its `name` is `code`, matched against
 * {@link CUBIC_THROTTLING_CODES}. Its third test, the modeled `$retryable.throttling` trait, has
 * no counterpart in a `Failure`, which keeps only what came over the wire.
 *
 * The status is not checked against `kind`: a 429 is a throttle however it was normalized. Only
 * `code` is matched, not every code of `errors[]`: `code` is the first, the one the server leads
 * with, as the AWS SDK looks only at the error's name.
 *
 * @example
 * ```ts
 * isThrottlingFailure({ kind: 'http', status: 429 }); // true
 * isThrottlingFailure({ kind: 'http', status: 503, code: 'RequestThrottled' }); // true (MWS)
 * isThrottlingFailure({ kind: 'http', status: 503 }); // false: a plain 503 is not a throttle
 * ```
 */
export function isThrottlingFailure(failure: Failure): boolean {
  return failure.status === 429 || (failure.code !== undefined && CODES.has(failure.code));
}
