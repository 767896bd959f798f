import type { Failure } from '../failure/failure.js';
import { normalizeFailureEager } from '../failure/normalize.js';
import type { StopReason } from '../policy/decision.js';
import type { Policy } from '../policy/define-policy.js';
import { channels } from '../shared/channels.js';
import type { Clock } from './clock.js';
import type { AttemptEvent, GiveUpEvent, RetryEvent } from './diagnostics.js';
import { callHook } from './hooks.js';
import { journalRecords } from './journal.js';
import { RetryError } from './retry-error.js';
import type { RetryOptions } from './retry-options.js';
import { step, type CallState, type RetryStep, type StopStep } from './step.js';

/** The options a runner hands to the failure handler: what shapes a decision and who hears of it. */
export type FailureOptions = Pick<RetryOptions, 'random' | 'signal' | 'maxElapsedMs' | 'budget' | 'onRetry' | 'onGiveUp' | 'idempotent' | 'rateLimiter'>;

/** One call as the failure handler sees it: its policy, options, clock and when it started. */
export interface CallContext {
  readonly policy: Policy;
  readonly options: FailureOptions;
  readonly clock: Clock;
  /** When the call started, by its clock (a BullMQ job: when it was added). */
  readonly startedAt: number;
  /** Names the call on every diagnostics event (see `AttemptEvent.callId`). */
  readonly callId?: number | string;
}

/** One failed attempt as the runner saw it. Times are offsets from the call's start. */
export interface FailedAttempt {
  /** What the attempt threw, or the failed `Response` it returned. */
  readonly failed: unknown;
  /** Whether `failed` was returned (a Response) rather than thrown. */
  readonly returned: boolean;
  readonly attempt: number;
  readonly startedAt: number;
  readonly endedAt: number;
  /** Whether the runner timed the attempt (the fast path does not read the clock). */
  readonly timed: boolean;
}

/**
 * The effectful shell around {@link step}, shared by every runner that executes calls (withRetry
 * and retry, the BullMQ adapter, the HTTP adapters): normalize the failure, publish the attempt,
 * step, ask the budget when the step says so, then either give up (RetryError, `onGiveUp`,
 * `retry-table:giveup`) or announce the retry (shared cool-down, `onRetry`, `retry-table:retry`).
 * Returns the retry step, or throws the RetryError.
 *
 * Synchronous where it can be: only reading a Response body, a rate limiter, and the budget's
 * answers are waited for, so a thrown error under a policy without budget or limiter is handled
 * without a single promise (the result is then the step itself, and a give-up is thrown).
 * `await` it either way.
 *
 * @example
 * ```ts
 * const { delayMs, state: next } = await handleFailure(call, state, { failed: error, returned: false, attempt, startedAt, endedAt, timed: true });
 * ```
 */
export function handleFailure(call: CallContext, state: CallState, attempt: FailedAttempt): RetryStep | Promise<RetryStep> {
  const { policy, options } = call;
  const found = normalizeFailureEager(attempt.failed, { now: call.startedAt + attempt.endedAt, signal: options.signal, readers: policy.readers });
  if (found instanceof Promise) return found.then((failure) => observe(call, state, attempt, failure));
  return observe(call, state, attempt, found);
}

/** The limiter learns from every failure, retried or not: the next call is paced by it too. */
function observe(call: CallContext, state: CallState, attempt: FailedAttempt, failure: Failure): RetryStep | Promise<RetryStep> {
  const { options, clock } = call;
  options.signal?.throwIfAborted();
  const nowMs = clock.now();
  if (options.rateLimiter === undefined) return decideRetry(call, state, attempt, failure, nowMs);
  return Promise.resolve(options.rateLimiter.observeFailure(failure, nowMs)).then(() => decideRetry(call, state, attempt, failure, nowMs));
}

function decideRetry(call: CallContext, state: CallState, attempt: FailedAttempt, failure: Failure, nowMs: number): RetryStep | Promise<RetryStep> {
  const { policy, options } = call;
  const { budget } = options;
  const random = (options.random ?? Math.random)();
  if (channels.attempt.hasSubscribers) channels.attempt.publish({ policy: policy.name, callId: call.callId, attempt: attempt.attempt, ok: false, failure } satisfies AttemptEvent);
  const result = step(policy, state, {
    failure,
    attempt: attempt.attempt,
    startedAt: attempt.startedAt,
    durationMs: attempt.timed ? attempt.endedAt - attempt.startedAt : undefined,
    elapsedMs: nowMs - call.startedAt,
    maxElapsedMs: options.maxElapsedMs,
    random,
    nowMs,
    hasBudget: budget !== undefined,
    idempotent: options.idempotent,
  });
  if (result.action === 'ask-budget') return Promise.resolve(budget!.requestRetry(failure)).then((grant) => conclude(call, attempt, failure, nowMs, result.resume(grant)));
  return conclude(call, attempt, failure, nowMs, result);
}

/** Gives up (throws the RetryError) or announces the retry, after the shared cool-down is set. */
function conclude(call: CallContext, attempt: FailedAttempt, failure: Failure, nowMs: number, result: RetryStep | StopStep): RetryStep | Promise<RetryStep> {
  const { policy, options } = call;
  if (result.action === 'stop') {
    const { reason, resetsAt, refusedDelayMs } = result;
    const attempts = journalRecords(result.state, call.startedAt);
    throw announceGiveUp(call, new RetryError({ reason, policy: policy.name, failure, attempts, cause: attempt.failed, resetsAt, refusedDelayMs }));
  }
  if (result.coolDownUntil !== undefined) return Promise.resolve(options.budget!.coolDown(result.coolDownUntil, nowMs)).then(() => announceRetry(call, attempt, failure, nowMs, result));
  return announceRetry(call, attempt, failure, nowMs, result);
}

function announceRetry(call: CallContext, attempt: FailedAttempt, failure: Failure, nowMs: number, result: RetryStep): RetryStep {
  const { policy, options } = call;
  const { decision, delayMs } = result;
  callHook('onRetry', options.onRetry, { attempt: attempt.attempt, delayMs, failure, decision, error: attempt.failed, elapsedMs: nowMs - call.startedAt });
  if (channels.retry.hasSubscribers) {
    const event: RetryEvent = { policy: policy.name, callId: call.callId, attempt: attempt.attempt, failure, delayMs, rule: decision.rule.id, source: decision.source };
    channels.retry.publish(event);
  }
  if (attempt.returned) discardBody(attempt.failed);
  return result;
}

/**
 * Ends a call before an attempt it could not make in time (no rate-limiter token before the
 * deadline or within `maxDelayMs`): the RetryError carries the journal so far and, as its
 * failure, the last attempt's (or, before any attempt, a failure saying none was made). Hooks and
 * channels hear of it as of any give-up.
 *
 * @example
 * ```ts
 * throw giveUpBeforeAttempt(call, state, 'deadline', waitMs);
 * ```
 */
export function giveUpBeforeAttempt(call: CallContext, state: CallState, reason: StopReason, refusedDelayMs: number): RetryError {
  const attempts = journalRecords(state, call.startedAt);
  const failure: Failure = state.newest?.failure ?? attempts.at(-1) ?? { kind: 'unknown', message: 'no attempt was made: the rate limiter had no token in time' };
  return announceGiveUp(call, new RetryError({ reason, policy: call.policy.name, failure, attempts, cause: undefined, refusedDelayMs }));
}

/**
 * Tells the call's `onGiveUp` hook and the `retry-table:giveup` channel that a call gave up, in
 * the one way every runner does; returns the error to throw.
 *
 * @example
 * ```ts
 * throw announceGiveUp(call, new RetryError({ ... }));
 * ```
 */
export function announceGiveUp(call: Pick<CallContext, 'policy' | 'callId'> & { readonly options: Pick<FailureOptions, 'onGiveUp'> }, error: RetryError): RetryError {
  callHook('onGiveUp', call.options.onGiveUp, error);
  if (channels.giveup.hasSubscribers) channels.giveup.publish({ policy: call.policy.name, callId: call.callId, error } satisfies GiveUpEvent);
  return error;
}

/**
 * Frees the connection behind a failed `Response` we are about to retry: undici keeps a socket
 * busy until its body is read or cancelled. The last failed Response is kept unread for the caller.
 */
function discardBody(value: unknown): void {
  try {
    const body = (value as { body?: { cancel?: () => Promise<void> } | null }).body;
    body?.cancel?.().catch(() => undefined);
  } catch {
    // A body that cannot be cancelled is left to the garbage collector.
  }
}
