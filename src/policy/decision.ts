import type { CompiledRule } from './compiled-rule.js';

/**
 * Why a call stopped.
 *
 * - `not-retryable`: the matching row says not to retry (or no row matched).
 * - `attempts-exhausted`: the policy's `maxAttempts`, the row's `maxRetries` or the end of a
 *   delay list was reached.
 * - `deadline`: the next wait would cross `maxElapsedMs`.
 * - `retry-after-too-long`: the server's hint or the schedule asks for more than `maxDelayMs`.
 * - `quota-exhausted`: the quota resets later than `maxDelayMs` from now.
 * - `budget-exhausted`: the policy would retry, but the shared {@link RetryBudget} refused
 *   (decided by the scheduler, never by `decide`).
 * - `server-declined`: the server said explicitly not to retry (`Stripe-Should-Retry: false`,
 *   a negative `grpc-retry-pushback-ms`), whatever the row says.
 * - `unsafe-to-retry`: the call (or row) is not idempotent and the failed request may have been
 *   processed: a retry could repeat its effect (decided by the runner's step, never by `decide`).
 * - `rate-limited`: the call's rate limiter has no token for the next attempt within the policy's
 *   `maxDelayMs` (a wait for a token that would cross `maxElapsedMs` stops with `deadline`).
 * - `stalled`: a BullMQ job stalled more often than its worker's `maxStalledCount` allows, and
 *   BullMQ failed it (recorded by the BullMQ adapter's `attach(worker)`).
 *
 * @example
 * ```ts
 * try {
 *   await retry(mwsPolicy, () => listOrders());
 * } catch (error) {
 *   if (!isRetryError(error)) throw error;
 *   const reason: StopReason = error.reason;
 *   if (reason === 'quota-exhausted' && error.resetsAt !== undefined) requeueAt(error.resetsAt); // try again once the hour's quota is back
 *   else throw error;
 * }
 * ```
 */
export type StopReason =
  | 'not-retryable'
  | 'attempts-exhausted'
  | 'deadline'
  | 'retry-after-too-long'
  | 'quota-exhausted'
  | 'budget-exhausted'
  | 'server-declined'
  | 'unsafe-to-retry'
  | 'rate-limited'
  | 'stalled';

/** Every reason, as a record so the compiler checks it against {@link StopReason} both ways. */
const REASONS: { readonly [R in StopReason]: true } = {
  'not-retryable': true,
  'attempts-exhausted': true,
  deadline: true,
  'retry-after-too-long': true,
  'quota-exhausted': true,
  'budget-exhausted': true,
  'server-declined': true,
  'unsafe-to-retry': true,
  'rate-limited': true,
  stalled: true,
};

/**
 * Every {@link StopReason}.
 *
 * @example
 * ```ts
 * STOP_REASONS.includes('deadline'); // true
 * ```
 */
export const STOP_REASONS: readonly StopReason[] = /* @__PURE__ */ Object.freeze(/* @__PURE__ */ Object.keys(REASONS) as StopReason[]);

/**
 * Where a retry's delay came from.
 *
 * @example
 * ```ts
 * const decision = scraperPolicy.decide({ kind: 'http', status: 429, retryAfterMs: 2000 }, { attempt: 1 });
 * const source: DelaySource | undefined = decision.action === 'retry' ? decision.source : undefined; // 'retry-after'
 * ```
 */
export type DelaySource = 'schedule' | 'retry-after' | 'quota-reset';

/**
 * The decision to retry after `delayMs`.
 *
 * @example
 * ```ts
 * const decision = mwsPolicy.decide({ kind: 'http', status: 503, code: 'RequestThrottled' }, { attempt: 2 });
 * if (decision.action === 'retry') {
 *   const retrying: RetryDecision = decision; // { action: 'retry', delayMs: 4000, rule: { id: 'RequestThrottled', ... }, source: 'schedule' }
 * }
 * ```
 */
export interface RetryDecision {
  /** The tag: retry. */
  readonly action: 'retry';
  /** The wait before the next attempt: an integer in [0, maxDelayMs]. */
  readonly delayMs: number;
  /** The row that matched. */
  readonly rule: CompiledRule;
  /** Whether the delay came from the schedule, a `Retry-After` hint or a quota reset. */
  readonly source: DelaySource;
}

/**
 * The decision to stop.
 *
 * @example
 * ```ts
 * const decision = mwsPolicy.decide({ kind: 'http', status: 400, code: 'InvalidParameterValue' }, { attempt: 1 });
 * if (decision.action === 'stop') {
 *   const stopping: StopDecision = decision; // { action: 'stop', reason: 'not-retryable', rule: { id: 'InvalidParameterValue', ... } }
 * }
 * ```
 */
export interface StopDecision {
  /** The tag: stop. */
  readonly action: 'stop';
  /** Why the call stops. */
  readonly reason: StopReason;
  /** The row that matched, absent when no row did. */
  readonly rule?: CompiledRule;
  /** The delay that was refused, for `deadline`, `retry-after-too-long` and `quota-exhausted`. */
  readonly refusedDelayMs?: number;
  /** When the quota resets (epoch ms), for `quota-exhausted`. */
  readonly resetsAt?: number;
}

/**
 * What {@link Policy.decide} returns: a tagged union on `action`. Consume it exhaustively, e.g.
 * with ts-pattern's `match(decision).with({ action: 'retry' }, ...).with({ action: 'stop' }, ...).exhaustive()`.
 *
 * @example
 * ```ts
 * import { match } from 'ts-pattern';
 *
 * const decision: Decision = scraperPolicy.decide({ kind: 'http', status: 429, retryAfterMs: 2000 }, { attempt: 1, random: 0.5 });
 * const line = match(decision)
 *   .with({ action: 'retry' }, (d) => `retry in ${d.delayMs} ms (${d.source})`) // 'retry in 2500 ms (retry-after)': 2 s + 0.5 · 1 s of jitter
 *   .with({ action: 'stop' }, (d) => `stop: ${d.reason}`)
 *   .exhaustive();
 * ```
 */
export type Decision = RetryDecision | StopDecision;

/**
 * The input of {@link Policy.decide} besides the failure.
 *
 * @example
 * ```ts
 * const state: DecisionState = { attempt: 1, elapsedMs: 120, random: 0.42 };
 * ```
 */
export interface DecisionState {
  /** The 1-based number of the attempt that just failed. */
  readonly attempt: number;
  /** Time since the call started, in ms. @defaultValue 0 */
  readonly elapsedMs?: number;
  /** The call's deadline, in ms since it started: no wait may end past it. @defaultValue none */
  readonly maxElapsedMs?: number;
  /** A random number in [0, 1) for jitter. @defaultValue 0.5, the mean */
  readonly random?: number;
  /** The previous delay of this call, for decorrelated jitter. @defaultValue the schedule's base */
  readonly previousDelayMs?: number;
}
