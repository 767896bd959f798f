import type { Failure } from '../../failure/failure.js';
import { AWS_THROTTLING_CODES } from '../../failure/throttling.js';

/**
 * The AWS SDK for JavaScript v3's error types that decide what a retry costs, as
 * smithy-typescript classifies them (`@smithy/core` retry middleware, `getRetryErrorType`:
 * throttling first, then transient). Its lists, copied from `service-error-classification`'s
 * constants.ts: a status of 429 or a throttling code is throttling; a timeout or connection
 * error code, or a status of 500, 502, 503 or 504, is transient. retry-table's own kinds
 * `timeout` and `network` are transient too (smithy's Node and browser network checks).
 *
 * @example
 * ```ts
 * awsErrorType({ kind: 'http', status: 503 }); // 'transient'
 * awsErrorType({ kind: 'http', status: 400, code: 'ThrottlingException' }); // 'throttling'
 * ```
 */
export function awsErrorType(failure: Failure): 'throttling' | 'transient' | 'other' {
  const { status, code } = failure;
  if (status === 429 || (code !== undefined && AWS_THROTTLING_CODES.has(code))) return 'throttling';
  if (failure.kind === 'timeout' || failure.kind === 'network') return 'transient';
  if (status !== undefined && TRANSIENT_ERROR_STATUS_CODES.has(status)) return 'transient';
  if (code !== undefined && TRANSIENT_ERROR_CODES.has(code)) return 'transient';
  return 'other';
}

const TRANSIENT_ERROR_STATUS_CODES: ReadonlySet<number> = new Set([500, 502, 503, 504]);

/** TRANSIENT_ERROR_CODES, NODEJS_TIMEOUT_ERROR_CODES and NODEJS_NETWORK_ERROR_CODES. */
const TRANSIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
