import type { Failure } from '../failure/failure.js';
import { requestFate } from '../failure/request-fate.js';
import type { Decision, RetryDecision, StopReason } from '../policy/decision.js';
import type { Policy } from '../policy/define-policy.js';
import type { BudgetGrant } from '../budget/retry-budget.js';
import type { AttemptRecord, JournalEntry } from './journal.js';

/**
 * What a call carries from one failure to the next. Immutable: {@link step} returns the next
 * state, so a runner that persists it between attempts (the BullMQ adapter, in the job's data)
 * and one that keeps it in memory (withRetry) step the same way.
 *
 * @example
 * ```ts
 * const state: CallState = { ...START, earlier: recordsFromJobData };
 * ```
 */
export interface CallState {
  /** The previous retry's wait, for decorrelated jitter. */
  readonly previousDelayMs: number | undefined;
  /** What the budget took for the last retry, refunded by a success (AWS quota). */
  readonly budgetTaken: number;
  /** Records of attempts made before this run (a BullMQ job's earlier runs; empty in-process). */
  readonly earlier: readonly AttemptRecord[];
  /** This run's newest journal entry; entries link to the previous one. */
  readonly newest: JournalEntry | undefined;
}

/** The state of a call before its first failure. */
export const START: CallState = Object.freeze({ previousDelayMs: undefined, budgetTaken: 0, earlier: Object.freeze([]), newest: undefined });

/** What the runner observed about one failed attempt. Times are offsets from the call's start. */
export interface StepInput {
  readonly failure: Failure;
  /** The 1-based number of the attempt that failed. */
  readonly attempt: number;
  readonly startedAt: number;
  /** How long the attempt took, when the runner timed it. */
  readonly durationMs: number | undefined;
  /** Time since the call started, now. */
  readonly elapsedMs: number;
  /** The call's deadline, as an offset from its start. */
  readonly maxElapsedMs: number | undefined;
  /** A number in [0, 1) for jitter. */
  readonly random: number;
  /** The clock's reading now, to turn a server hint into a shared cool-down time. */
  readonly nowMs: number;
  /** Whether the call has a retry budget: then a retry must first be granted by it. */
  readonly hasBudget: boolean;
  /** The call's `idempotent` option; undefined leaves it to the row. */
  readonly idempotent: boolean | undefined;
  /** Whether the attempt's time limit was the deadline: a failure past it then stops with `deadline`. */
  readonly cutByDeadline?: boolean;
}

/** The call goes on: wait `delayMs`, then attempt again. */
export interface RetryStep {
  readonly action: 'retry';
  readonly delayMs: number;
  readonly decision: RetryDecision;
  /** Set when every call sharing the budget must wait until then (epoch ms by the call's clock). */
  readonly coolDownUntil: number | undefined;
  readonly state: CallState;
}

/** The call ends with a {@link RetryError} of this reason. */
export interface StopStep {
  readonly action: 'stop';
  readonly reason: StopReason;
  readonly decision: Decision;
  readonly resetsAt: number | undefined;
  readonly refusedDelayMs: number | undefined;
  readonly state: CallState;
}

/**
 * The policy would retry, and the call has a budget: ask it (`budget.requestRetry`) and pass its
 * answer to `resume`. The only suspension point of a step, so the step itself stays pure while
 * budgets live in Redis.
 */
export interface AskBudgetStep {
  readonly action: 'ask-budget';
  readonly decision: RetryDecision;
  resume(grant: BudgetGrant): RetryStep | StopStep;
}

/** What {@link step} returns: a retry, a stop, or a question to the budget first. */
export type Step = RetryStep | StopStep | AskBudgetStep;

/**
 * The one decision step every runner uses (withRetry and retry, the BullMQ adapter, plan): the
 * policy's verdict, then, in this order, the safety of repeating the request (a call or row that
 * is not idempotent retries only failures proven unprocessed), the budget's refusal and the
 * shared cool-down; and the journal entry of the attempt. Pure: no clock, no randomness, no I/O; the same inputs give the
 * same step. The deadline is part of the policy's verdict (`decide` never returns a wait that
 * ends past `maxElapsedMs`).
 *
 * @param policy - the policy deciding
 * @param state - the call's state before this failure
 * @param input - the failure and what the runner measured
 * @example
 * ```ts
 * const result = step(mwsPolicy, START, { failure, attempt: 1, startedAt: 0, durationMs: 80, elapsedMs: 80,
 *   maxElapsedMs: undefined, random: 0.5, nowMs: Date.now(), hasBudget: false, idempotent: undefined });
 * if (result.action === 'retry') await sleep(result.delayMs);
 * ```
 */
export function step(policy: Policy, state: CallState, input: StepInput & { readonly hasBudget: false }): RetryStep | StopStep;
export function step(policy: Policy, state: CallState, input: StepInput): Step;
export function step(policy: Policy, state: CallState, input: StepInput): Step {
  const decision = policy.decide(input.failure, {
    attempt: input.attempt,
    elapsedMs: input.elapsedMs,
    maxElapsedMs: input.maxElapsedMs,
    random: input.random,
    previousDelayMs: state.previousDelayMs,
  });
  // A deadline already past buys no retry, not even an immediate one; an attempt it cut short stops with it, whatever the row.
  if (input.maxElapsedMs !== undefined && input.elapsedMs >= input.maxElapsedMs && (decision.action === 'retry' || input.cutByDeadline === true)) {
    return stopStep(state, input, decision, 'deadline', undefined);
  }
  if (decision.action === 'stop') return stopStep(state, input, decision, decision.reason, undefined);
  // Checked before the budget: a retry that must not happen should not cost the fleet a token.
  if (!(input.idempotent ?? decision.rule.idempotent) && requestFate(input.failure) === 'maybe-processed') {
    return stopStep(state, input, decision, 'unsafe-to-retry', undefined);
  }
  if (!input.hasBudget) return retryStep(state, input, decision, undefined);
  return {
    action: 'ask-budget',
    decision,
    resume: (grant) => (grant.allowed ? retryStep(state, input, decision, grant.taken) : stopStep(state, input, decision, 'budget-exhausted', undefined)),
  };
}

function retryStep(state: CallState, input: StepInput, decision: RetryDecision, budgetTaken: number | undefined): RetryStep {
  const { delayMs, rule, source } = decision;
  let coolDownUntil: number | undefined;
  if (budgetTaken !== undefined && rule.coolDown && source !== 'schedule') {
    // A throttling row retried on the server's hint: every call sharing the budget waits it out.
    const hintMs = source === 'retry-after' ? input.failure.retryAfterMs : input.failure.quota?.resetsInMs;
    if (hintMs !== undefined) coolDownUntil = input.nowMs + hintMs;
  }
  return {
    action: 'retry',
    delayMs,
    decision,
    coolDownUntil,
    state: {
      previousDelayMs: delayMs,
      budgetTaken: budgetTaken ?? state.budgetTaken,
      earlier: state.earlier,
      newest: entry(state, input, rule.id, delayMs, undefined, budgetTaken),
    },
  };
}

function stopStep(state: CallState, input: StepInput, decision: Decision, reason: StopReason, budgetTaken: number | undefined): StopStep {
  // Only the policy's own stops carry these: a budget refusal refused no particular wait.
  const own = decision.action === 'stop' ? decision : undefined;
  return {
    action: 'stop',
    reason,
    decision,
    resetsAt: own?.resetsAt,
    refusedDelayMs: own?.refusedDelayMs,
    // Field by field, not a spread: a runner's state may be a class whose fields are getters.
    state: {
      previousDelayMs: state.previousDelayMs,
      budgetTaken: state.budgetTaken,
      earlier: state.earlier,
      newest: entry(state, input, decision.rule?.id, undefined, reason, budgetTaken),
    },
  };
}

/** The one place a decision becomes a journal entry (and, through `toRecord`, a record). */
function entry(
  state: CallState,
  input: StepInput,
  rule: string | undefined,
  delayMs: number | undefined,
  reason: StopReason | undefined,
  budgetTaken: number | undefined,
): JournalEntry {
  return {
    attempt: input.attempt,
    failure: input.failure,
    rule,
    delayMs,
    reason,
    startedAt: input.startedAt,
    durationMs: input.durationMs,
    budgetTaken,
    previous: state.newest,
  };
}

/**
 * Whether a call may wait `waitMs` before its next attempt (for a rate limiter's token, say):
 * not when the wait would end past the deadline (`deadline`), nor when it is longer than the
 * policy's longest wait (`rate-limited`). The same order of checks as a retry's delay.
 *
 * @example
 * ```ts
 * admitWait(5000, 58_000, 60_000, 300_000); // 'deadline'
 * admitWait(500, 0, undefined, 300_000); // undefined: wait
 * ```
 */
export function admitWait(waitMs: number, elapsedMs: number, maxElapsedMs: number | undefined, maxDelayMs: number): StopReason | undefined {
  if (maxElapsedMs !== undefined && Math.max(0, elapsedMs) + waitMs > maxElapsedMs) return 'deadline';
  if (waitMs > maxDelayMs) return 'rate-limited';
  return undefined;
}

