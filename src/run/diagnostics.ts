import diagnostics_channel from 'node:diagnostics_channel';
import type { Failure } from '../failure/failure.js';
import type { RetryError } from './retry-error.js';
import type { RetryDecision } from '../policy/decision.js';

/**
 * Published after every attempt of every call, success or failure. Subscribe with
 * `diagnostics_channel.subscribe('retry-table:attempt', (event) => ...)`.
 */
export interface AttemptEvent {
  /** The policy's name. */
  readonly policy: string;
  /** 1-based attempt number. */
  readonly attempt: number;
  /** Whether the attempt succeeded. */
  readonly ok: boolean;
  /** The normalized failure, for a failed attempt. */
  readonly failure?: Failure;
}

/** Published before each wait: what failed and how long the call will sleep. */
export interface RetryEvent {
  readonly policy: string;
  /** The attempt that just failed. */
  readonly attempt: number;
  readonly failure: Failure;
  readonly delayMs: number;
  /** The id of the row that decided. */
  readonly rule: string;
  /** Where the delay came from: the schedule, a Retry-After hint or a quota reset. */
  readonly source: RetryDecision['source'];
}

/** Published once when a call gives up, with the error it rejects with (journal included). */
export interface GiveUpEvent {
  readonly policy: string;
  readonly error: RetryError;
}

/**
 * The `node:diagnostics_channel` channels retry-table publishes on, so APM tools and loggers can
 * observe every call without options. Publishing is skipped when nobody subscribes, so they cost
 * nothing until used.
 *
 * @example
 * ```ts
 * import diagnostics_channel from 'node:diagnostics_channel';
 * diagnostics_channel.subscribe('retry-table:retry', (event) => {
 *   const { policy, attempt, delayMs, failure } = event as RetryEvent;
 *   logger.warn({ policy, attempt, delayMs, requestId: failure.requestId }, 'retrying');
 * });
 * ```
 */
export const channels = {
  attempt: diagnostics_channel.channel('retry-table:attempt'),
  retry: diagnostics_channel.channel('retry-table:retry'),
  giveup: diagnostics_channel.channel('retry-table:giveup'),
} as const;
