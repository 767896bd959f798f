import type { Failure } from '../failure/failure.js';
import type { RetryError } from './retry-error.js';
import type { RetryDecision } from '../policy/decision.js';

/**
 * Published after every attempt of every call, success or failure. Subscribe with
 * `diagnostics_channel.subscribe('retry-table:attempt', (event) => ...)`.
 *
 * @example
 * ```ts
 * import diagnostics_channel from 'node:diagnostics_channel';
 * diagnostics_channel.subscribe('retry-table:attempt', (message) => {
 *   const event = message as AttemptEvent;
 *   if (!event.ok) console.log(event.policy, event.callId, event.attempt, event.failure?.status);
 * });
 * ```
 */
export interface AttemptEvent {
  /** The policy's name. */
  readonly policy: string;
  /**
   * The call the attempt belongs to, the same on every event of that call (unique in this
   * process; a BullMQ job's id). Absent on a first attempt that succeeded on the fast path.
   */
  readonly callId?: number | string;
  /** 1-based attempt number. */
  readonly attempt: number;
  /** Whether the attempt succeeded. */
  readonly ok: boolean;
  /** The normalized failure, for a failed attempt. */
  readonly failure?: Failure;
}

/**
 * Published before each wait: what failed and how long the call will sleep.
 *
 * @example
 * ```ts
 * diagnostics_channel.subscribe('retry-table:retry', (message) => {
 *   const { policy, attempt, delayMs, rule, source } = message as RetryEvent;
 *   metrics.histogram('retry_delay_ms', delayMs, { policy, rule, source, attempt });
 * });
 * ```
 */
export interface RetryEvent {
  readonly policy: string;
  /** As {@link AttemptEvent.callId}. */
  readonly callId?: number | string;
  /** The attempt that just failed. */
  readonly attempt: number;
  readonly failure: Failure;
  readonly delayMs: number;
  /** The id of the row that decided. */
  readonly rule: string;
  /** Where the delay came from: the schedule, a Retry-After hint or a quota reset. */
  readonly source: RetryDecision['source'];
}

/**
 * Published once when a call gives up, with the error it rejects with (journal included).
 *
 * @example
 * ```ts
 * diagnostics_channel.subscribe('retry-table:giveup', (message) => {
 *   const { policy, error } = message as GiveUpEvent;
 *   logger.error({ policy, reason: error.reason, attempts: error.attempts }, 'gave up');
 * });
 * ```
 */
export interface GiveUpEvent {
  readonly policy: string;
  /** As {@link AttemptEvent.callId}. */
  readonly callId?: number | string;
  readonly error: RetryError;
}

/**
 * Published when a Redis budget store answers from its local fallback (Redis unreachable, slow or
 * failing).
 *
 * @example
 * ```ts
 * diagnostics_channel.subscribe('retry-table:budget-fallback', (event) => {
 *   const { key, operation } = event as BudgetFallbackEvent;
 *   metrics.increment('retry_budget_fallback', { key, operation });
 * });
 * ```
 */
export interface BudgetFallbackEvent {
  /** The budget's key. */
  readonly key: string;
  /** The store operation that fell back: spend, credit, level, coolDownUntil, coolDown. */
  readonly operation: string;
  /** What went wrong: the client's error, or a timeout. */
  readonly error: unknown;
}
