import type { Failure } from './failure.js';

/**
 * Whether a failure says the caller sent too much: status 429, or a throttling code of the AWS
 * SDKs (smithy-typescript's THROTTLING_ERROR_CODES) or of retry-table's prebuilt APIs (Amazon
 * MWS and SP-API `QuotaExceeded`, `RequestThrottled`, `TooManyRequests`; the scraping API's
 * `rate_limited` and `capacity`).
 *
 * @example
 * ```ts
 * isThrottling({ kind: 'http', status: 503, code: 'RequestThrottled' }); // true
 * ```
 */
export function isThrottling(failure: Failure): boolean {
  return failure.status === 429 || (failure.code !== undefined && THROTTLING_CODE_SET.has(failure.code));
}

/**
 * The AWS SDKs' throttling codes (smithy-typescript's THROTTLING_ERROR_CODES, service-error-
 * classification constants.ts), for designs that must follow the SDK exactly.
 *
 * @example
 * ```ts
 * AWS_THROTTLING_CODES.has('ThrottlingException'); // true
 * ```
 */
export const AWS_THROTTLING_CODES: ReadonlySet<string> = /* @__PURE__ */ new Set([
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
]);

/**
 * Every code {@link isThrottling} counts: the AWS SDKs' and the prebuilt APIs' (SP-API and MWS
 * `QuotaExceeded`, `TooManyRequests`; the scraping API's `rate_limited`, `capacity`).
 *
 * @example
 * ```ts
 * THROTTLING_CODES.includes('rate_limited'); // true
 * ```
 */
export const THROTTLING_CODES: readonly string[] = /* @__PURE__ */ Object.freeze([...AWS_THROTTLING_CODES, 'QuotaExceeded', 'TooManyRequests', 'rate_limited', 'capacity']);

const THROTTLING_CODE_SET: ReadonlySet<string> = /* @__PURE__ */ new Set(THROTTLING_CODES);
