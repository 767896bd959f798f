/**
 * The kinds of failure retry-table tells apart.
 *
 * - `http`: the server answered with a status of 400 or more.
 * - `network`: the request never got an answer (connection refused, reset, DNS, undici socket errors).
 * - `timeout`: the attempt ran out of time (`attemptTimeoutMs`, `AbortSignal.timeout`, a client's `TimeoutError`).
 * - `abort`: something aborted the attempt (an `AbortError` that is not a timeout).
 * - `unknown`: anything else, such as a `TypeError` from the caller's own code.
 *
 * @example
 * ```ts
 * const transport: FailureKind[] = ['network', 'timeout'];
 * ```
 */
export type FailureKind = 'http' | 'network' | 'timeout' | 'abort' | 'unknown';

/**
 * Every {@link FailureKind}, in a fixed order (used to validate tables and to generate docs).
 *
 * @example
 * ```ts
 * FAILURE_KINDS.includes('abort'); // true
 * ```
 */
export const FAILURE_KINDS: readonly FailureKind[] = ['http', 'network', 'timeout', 'abort', 'unknown'];

/**
 * Rate-limit quota the server reported alongside a failure: Amazon MWS sends
 * `x-mws-quota-max`, `x-mws-quota-remaining` and `x-mws-quota-resetsOn`; Amazon SP-API
 * `x-amzn-RateLimit-Limit` (a rate); others the IETF `RateLimit` fields or `X-RateLimit-*`.
 *
 * @example
 * ```ts
 * const quota: Quota = { max: 200, remaining: 0, resetsAt: 1704889800000, resetsInMs: 1800000 };
 * ```
 */
export interface Quota {
  /** Requests allowed in the quota window. */
  readonly max?: number;
  /** Requests left in the quota window. */
  readonly remaining?: number;
  /** When the quota resets, as epoch milliseconds. */
  readonly resetsAt?: number;
  /** Milliseconds from the moment of normalization until the reset (never negative). */
  readonly resetsInMs?: number;
  /** The rate the server allows, in requests per second (SP-API `x-amzn-RateLimit-Limit`). */
  readonly ratePerSecond?: number;
  /** The length of the quota window, in ms (IETF `RateLimit-Policy` `w`). */
  readonly windowMs?: number;
}

/**
 * One error of a body that lists several (Amazon SP-API's `errors[]`).
 *
 * @example
 * ```ts
 * const error: ServerError = { code: 'InvalidInput', message: 'Invalid MarketplaceId', details: '' };
 * ```
 */
export interface ServerError {
  readonly code: string;
  readonly message?: string;
  readonly details?: string;
}

/**
 * What the server said explicitly about retrying, overriding the table's row: `retry`
 * (`Stripe-Should-Retry: true`) or `stop` (`Stripe-Should-Retry: false`, a negative
 * `grpc-retry-pushback-ms`).
 *
 * @example
 * ```ts
 * const verdict: ServerVerdict = 'stop';
 * ```
 */
export type ServerVerdict = 'retry' | 'stop';

/**
 * One failed attempt, reduced to plain data: what a policy table matches on and what the
 * attempt journal records. Produced by {@link normalizeFailure}; fields are absent when the
 * failure did not carry them.
 *
 * @example
 * ```ts
 * const failure: Failure = { kind: 'http', status: 503, code: 'RequestThrottled' };
 * ```
 */
export interface Failure {
  /** What kind of failure this is: see {@link FailureKind}. */
  readonly kind: FailureKind;
  /** HTTP status, for `http` failures. */
  readonly status?: number;
  /** The server's error code (`RequestThrottled`, `rate_limited`) or a network code (`ECONNRESET`). */
  readonly code?: string;
  /** A human-readable message from the body or the error. */
  readonly message?: string;
  /** The server's request id (MWS `x-mws-request-id` / `<RequestID>`, the scraper API's `request_id`). */
  readonly requestId?: string;
  /** The server's timestamp for the request (MWS `x-mws-timestamp`), verbatim. */
  readonly timestamp?: string;
  /** The server's `Retry-After` hint in milliseconds, relative to the moment of normalization. */
  readonly retryAfterMs?: number;
  /** Quota information, when the server sent any. */
  readonly quota?: Quota;
  /** Every error the body listed, when it listed several (SP-API); `code` and `message` are the first's. */
  readonly errors?: readonly ServerError[];
  /** The server's explicit verdict on retrying, when it sent one: it overrides the row. */
  readonly verdict?: ServerVerdict;
}
