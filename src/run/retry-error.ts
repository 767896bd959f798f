import type { Failure } from '../failure/failure.js';
import type { StopReason } from '../policy/decision.js';
import { hasBrand } from '../shared/brand.js';
import type { AttemptRecord } from './journal.js';

const RETRY_ERROR = Symbol.for('retry-table.RetryError');

/**
 * The policy stopped retrying. Carries the reason, the last failure (`cause` is what the last
 * attempt threw or the failed `Response` it returned, unread) and the journal of every attempt.
 *
 * @example
 * ```ts
 * try {
 *   await withRetry(mwsPolicy)(callMws)();
 * } catch (error) {
 *   if (isRetryError(error)) {
 *     console.error(error.reason, error.attempts.map((a) => [a.requestId, a.timestamp]));
 *   }
 * }
 * ```
 */
export class RetryError extends Error {
  override readonly name = 'RetryError' as const;
  /** Why retrying stopped. */
  readonly reason: StopReason;
  /** The name of the policy that decided. */
  readonly policy: string;
  /** The last failure, normalized. */
  readonly failure: Failure;
  /** One record per attempt, in order; the last one is the attempt that stopped the call. */
  readonly attempts: readonly AttemptRecord[];
  /** For `quota-exhausted`: when the quota resets, in epoch ms (when the server said). */
  readonly resetsAt: number | undefined;
  /** For `deadline`, `retry-after-too-long` and `quota-exhausted`: the wait that was refused. */
  readonly refusedDelayMs: number | undefined;

  constructor(details: {
    reason: StopReason;
    policy: string;
    failure: Failure;
    attempts: readonly AttemptRecord[];
    cause: unknown;
    resetsAt?: number;
    refusedDelayMs?: number;
  }) {
    super(describe(details), { cause: details.cause });
    this.reason = details.reason;
    this.policy = details.policy;
    this.failure = details.failure;
    this.attempts = details.attempts;
    this.resetsAt = details.resetsAt;
    this.refusedDelayMs = details.refusedDelayMs;
    Object.defineProperty(this, RETRY_ERROR, { value: true });
  }
}

/**
 * True when `value` is a {@link RetryError}, from this or any other copy of retry-table.
 * @example
 * ```ts
 * if (isRetryError(error) && error.reason === 'quota-exhausted') scheduleFor(error.resetsAt);
 * ```
 */
export function isRetryError(value: unknown): value is RetryError {
  return hasBrand(value, RETRY_ERROR);
}

function describe(details: { reason: StopReason; policy: string; failure: Failure; attempts: readonly unknown[] }): string {
  const { failure } = details;
  const what = [failure.status, failure.code, failure.message].filter((part) => part !== undefined).join(' ');
  const count = details.attempts.length;
  return `${details.policy}: gave up after ${count} attempt${count === 1 ? '' : 's'} (${details.reason}): ${failure.kind}${what ? ` ${what}` : ''}`;
}
