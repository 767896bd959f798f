import type { FailureKind } from '../failure/failure.js';
import type { JitterSpec } from '../schedule/jitter.js';
import type { ScheduleSpec } from '../schedule/schedules.js';

/**
 * A status class such as `'5xx'`: matches every status from 500 to 599.
 *
 * @example
 * ```ts
 * const serverErrors: StatusClass = '5xx';
 * const row: RuleSpec = { match: { status: [429, serverErrors] }, retry: true };
 * ```
 */
export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';

/**
 * What a rule matches. Every field given must match (a conjunction); a field may list several
 * values (any of them). An empty match `{}` matches every failure: the catch-all row.
 *
 * @example
 * ```ts
 * const throttled: RuleMatch = { code: 'RequestThrottled' };
 * const serverErrors: RuleMatch = { status: [500, 503] };
 * const otherClientErrors: RuleMatch = { status: '4xx' };
 * const transport: RuleMatch = { kind: ['network', 'timeout'] };
 * ```
 */
export interface RuleMatch {
  /** The server's error code or a network code, compared exactly. */
  readonly code?: string | readonly string[];
  /** An HTTP status, several, or a status class (`'4xx'`). */
  readonly status?: number | StatusClass | readonly (number | StatusClass)[];
  /** The failure kind. */
  readonly kind?: FailureKind | readonly FailureKind[];
}

/**
 * One row of a policy table.
 *
 * @example
 * ```ts
 * const row: RuleSpec = {
 *   id: 'RequestThrottled',
 *   match: { code: 'RequestThrottled' },
 *   retry: true,
 *   schedule: { type: 'list', delaysMs: [1000, 4000, 10000, 30000] },
 *   note: 'The frequency of requests was greater than allowed.',
 * };
 * ```
 */
export interface RuleSpec {
  /** A unique name for the row, used in decisions, errors and docs. @defaultValue derived from `match` */
  readonly id?: string;
  /** What the row matches. */
  readonly match: RuleMatch;
  /** Whether a matching failure is retried. `false` stops with reason `not-retryable`. */
  readonly retry: boolean;
  /** The wait before each retry. @defaultValue the policy's `schedule` */
  readonly schedule?: ScheduleSpec;
  /** Randomization of the wait. @defaultValue the policy's `jitter` */
  readonly jitter?: JitterSpec;
  /**
   * This row's own limit: no retry once `maxRetries` retries have been made in the call (counted
   * over the whole call, i.e. `attempt - 1`). The policy's `maxAttempts` applies as well.
   */
  readonly maxRetries?: number;
  /** The human reason for the row, shown in docs and in `explain`. */
  readonly note?: string;
  /**
   * A throttling row: when it retries on a server hint (Retry-After, quota reset) and the call
   * has a {@link RetryBudget}, every call sharing the budget waits until the hint expires.
   * @defaultValue false
   */
  readonly coolDown?: boolean;
  /**
   * `false`: the requests this row's failures come from may not be repeated safely (they create
   * or charge something), so a failure that may have been processed (a connection reset after the
   * request was written, a timeout waiting for the answer, a 500) stops with `unsafe-to-retry`;
   * one proven unprocessed (connection refused, 429, 503 with Retry-After) is still retried. The
   * call's own `idempotent` option wins over the row's.
   * @defaultValue true
   */
  readonly idempotent?: boolean;
}

/**
 * A whole policy as plain, JSON-serializable data: the input of {@link definePolicy}.
 *
 * @example
 * ```ts
 * const spec: PolicySpec = {
 *   name: 'my-api',
 *   maxAttempts: 3,
 *   schedule: { type: 'exponential', baseMs: 100, capMs: 2000 },
 *   jitter: 'full',
 *   rules: [
 *     { match: { status: 429 }, retry: true, schedule: { type: 'retry-after', fallback: { type: 'constant', delayMs: 1000 } } },
 *     { match: { status: '5xx' }, retry: true },
 *     { match: { kind: 'network' }, retry: true },
 *     { match: {}, retry: false, note: 'everything else is permanent' },
 *   ],
 * };
 * ```
 */
export interface PolicySpec {
  /** The policy's name, used in errors and docs. */
  readonly name: string;
  /** The rows, first match wins. */
  readonly rules: readonly RuleSpec[];
  /** Total attempts allowed in one call, the first included. @defaultValue 3 */
  readonly maxAttempts?: number;
  /**
   * The longest single wait the policy accepts. A server hint or a scheduled delay beyond it
   * stops the call instead of sleeping (reason `retry-after-too-long`; `quota-exhausted` for a
   * quota reset); jitter that pushes a delay past it is capped to it. At most 2^31 − 1, the
   * largest delay a timer can hold.
   * @defaultValue 2^31 − 1
   */
  readonly maxDelayMs?: number;
  /** The schedule of rows that give none. @defaultValue exponential, 100 ms · 2^attempt, capped at 30 s */
  readonly schedule?: ScheduleSpec;
  /** The jitter of rows that give none. @defaultValue `'none'` */
  readonly jitter?: JitterSpec;
  /** A description shown in docs. */
  readonly description?: string;
}
