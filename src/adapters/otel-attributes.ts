import type { Attributes } from '@opentelemetry/api';
import type { Failure } from '../failure/failure.js';

/**
 * The attribute names `retry-table/otel` writes. Where the OpenTelemetry semantic conventions
 * have a name (`error.type`, `http.response.status_code`, `http.request.resend_count`), it is
 * used with its meaning; everything else is namespaced `retry_table.`.
 *
 * @example
 * ```ts
 * span.attributes[ATTRIBUTE_NAMES.resendCount]; // 2 on a call that took three attempts
 * ```
 */
export const ATTRIBUTE_NAMES = Object.freeze({
  /** Semconv: the class of error an operation (or attempt) ended with; absent on success. */
  errorType: 'error.type',
  /** Semconv: the HTTP status of the failed response. */
  statusCode: 'http.response.status_code',
  /** Semconv: how many times the request was resent; set only when it was (≥ 1). */
  resendCount: 'http.request.resend_count',
  policy: 'retry_table.policy',
  /** 1-based attempt number (on attempt events); the number of attempts (on the call's span). */
  attempt: 'retry_table.attempt',
  attempts: 'retry_table.attempts',
  /** What the policy decided after a failed attempt: `retry` or `stop`. */
  decision: 'retry_table.decision',
  /** How the call ended: `succeeded` or `gave-up`. */
  outcome: 'retry_table.outcome',
  /** The id of the row that decided. */
  rule: 'retry_table.rule',
  delayMs: 'retry_table.delay_ms',
  /** Where a delay came from: `schedule`, `retry-after` or `quota-reset`. */
  delaySource: 'retry_table.delay_source',
  /** The sum of the waits the call made. */
  totalDelayMs: 'retry_table.total_delay_ms',
  stopReason: 'retry_table.stop_reason',
  failureKind: 'retry_table.failure.kind',
  failureCode: 'retry_table.failure.code',
  requestId: 'retry_table.request_id',
  retryAfterMs: 'retry_table.retry_after_ms',
  /** The budget store operation that fell back to local state. */
  budgetOperation: 'retry_table.budget.operation',
});

/**
 * The `error.type` of a failure, low-cardinality as the conventions ask: the HTTP status as a
 * string when there is one (the HTTP conventions' rule), else the error's code (`ECONNRESET`),
 * else the failure's kind (`timeout`, `network`).
 *
 * @example
 * ```ts
 * errorType({ kind: 'http', status: 503, code: 'RequestThrottled' }); // '503'
 * errorType({ kind: 'network', code: 'ECONNRESET' }); // 'ECONNRESET'
 * errorType({ kind: 'timeout' }); // 'timeout'
 * ```
 */
export function errorType(failure: Failure): string {
  return failure.status !== undefined ? String(failure.status) : (failure.code ?? failure.kind);
}

/**
 * What a failed attempt says about itself, as attributes: error type, status, kind, code, the
 * server's request id and its `Retry-After` hint. Absent fields stay absent.
 *
 * @example
 * ```ts
 * failureAttributes({ kind: 'http', status: 429, code: 'rate_limited', requestId: 'req_1' });
 * // { 'error.type': '429', 'http.response.status_code': 429, 'retry_table.failure.kind': 'http',
 * //   'retry_table.failure.code': 'rate_limited', 'retry_table.request_id': 'req_1' }
 * ```
 */
export function failureAttributes(failure: Failure): Attributes {
  const attributes: Attributes = { [ATTRIBUTE_NAMES.errorType]: errorType(failure), [ATTRIBUTE_NAMES.failureKind]: failure.kind };
  if (failure.status !== undefined) attributes[ATTRIBUTE_NAMES.statusCode] = failure.status;
  if (failure.code !== undefined) attributes[ATTRIBUTE_NAMES.failureCode] = failure.code;
  if (failure.requestId !== undefined) attributes[ATTRIBUTE_NAMES.requestId] = failure.requestId;
  if (failure.retryAfterMs !== undefined) attributes[ATTRIBUTE_NAMES.retryAfterMs] = failure.retryAfterMs;
  return attributes;
}

/**
 * The attributes the metrics carry for a failure: only the bounded ones (no request id, no
 * Retry-After value), so every series stays few.
 *
 * @example
 * ```ts
 * metricFailureAttributes({ kind: 'http', status: 503, requestId: 'e3c4' }); // { 'error.type': '503', 'http.response.status_code': 503 }
 * ```
 */
export function metricFailureAttributes(failure: Failure): Attributes {
  const attributes: Attributes = { [ATTRIBUTE_NAMES.errorType]: errorType(failure) };
  if (failure.status !== undefined) attributes[ATTRIBUTE_NAMES.statusCode] = failure.status;
  return attributes;
}
