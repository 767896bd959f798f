import type { Failure } from '../failure/failure.js';
import type { Decision, StopReason } from '../policy/decision.js';
import type { Policy } from '../policy/define-policy.js';
import { START, step, type CallState } from '../run/step.js';
import { checkOptionKeys } from '../shared/option-keys.js';
import { OptionsError } from '../shared/options-error.js';
import { isDuration } from '../shared/validate.js';

/**
 * Options of {@link plan}.
 *
 * @example
 * ```ts
 * const options: PlanOptions = { random: 0, maxElapsedMs: 20_000, attemptDurationMs: 500 };
 * const throttled = { kind: 'http', status: 503, code: 'RequestThrottled' } as const;
 * plan(mwsPolicy, Array(5).fill(throttled), options).outcome; // { stopped: true, reason: 'deadline' }: the 30 s wait would end past 20 s
 * ```
 */
export interface PlanOptions {
  /**
   * The random number for jitter, the same for every step, in [0, 1).
   * @defaultValue 0.5, the mean, so the plan shows typical delays
   */
  readonly random?: number;
  /** The call's deadline, as for {@link RetryOptions.maxElapsedMs}. */
  readonly maxElapsedMs?: number;
  /** How long each attempt itself takes, in ms, counted in the cumulative time. @defaultValue 0 */
  readonly attemptDurationMs?: number;
  /** As for {@link RetryOptions.idempotent}. @defaultValue the rows' own */
  readonly idempotent?: boolean;
}

/**
 * One step of a {@link plan}: an attempt, its failure and what the policy decided.
 *
 * @example
 * ```ts
 * const [first]: readonly PlanStep[] = plan(scraperPolicy, [{ kind: 'http', status: 429, retryAfterMs: 2000 }]).steps;
 * // { attempt: 1, failure, decision, delayMs: 2500, cumulativeMs: 2500, rule: 'rate-limit-status', reason: undefined }
 * ```
 */
export interface PlanStep {
  /** 1-based attempt number. */
  readonly attempt: number;
  /** The failure the attempt ended with. */
  readonly failure: Failure;
  /** The decision. */
  readonly decision: Decision;
  /** The wait before the next attempt, for retries. */
  readonly delayMs: number | undefined;
  /** Time from the call's start to the end of this step's wait (or to this failure, for a stop). */
  readonly cumulativeMs: number;
  /** The id of the row that matched, if any. */
  readonly rule: string | undefined;
  /** Why the call stops, for the last step. */
  readonly reason: StopReason | undefined;
}

/**
 * The outcome of a {@link plan}.
 *
 * @example
 * ```ts
 * const throttled = { kind: 'http', status: 503, code: 'RequestThrottled' } as const;
 * const result: Plan = plan(mwsPolicy, Array(5).fill(throttled));
 * result.outcome; // { stopped: true, reason: 'attempts-exhausted' }
 * result.totalDelayMs; // 45000: 1 s + 4 s + 10 s + 30 s
 * ```
 */
export interface Plan {
  readonly policy: string;
  readonly steps: readonly PlanStep[];
  /** How the sequence ended: the policy stopped (with a reason), or the failures ran out while it still retried. */
  readonly outcome: { readonly stopped: true; readonly reason: StopReason } | { readonly stopped: false };
  /** The sum of all waits, in ms. */
  readonly totalDelayMs: number;
}

/**
 * A dry run: what a policy decides for a given sequence of failures, with no network and no
 * waiting. Use it to unit-test your own policies, or from the CLI (`retry-table plan`).
 *
 * @param policy - the policy
 * @param failures - the failures of attempts 1, 2, 3, ... in order
 * @param options - the jitter draw, a deadline and the attempts' own duration
 * @example
 * ```ts
 * const throttled = { kind: 'http', status: 503, code: 'RequestThrottled' } as const;
 * plan(mwsPolicy, Array(5).fill(throttled)).steps.map((s) => s.delayMs);
 * // [1000, 4000, 10000, 30000, undefined]
 * ```
 */
export function plan(policy: Policy, failures: readonly Failure[], options: PlanOptions = {}): Plan {
  checkOptionKeys('plan', options, PLAN_OPTION_KEYS);
  const attemptDurationMs = options.attemptDurationMs ?? 0;
  if (!isDuration(attemptDurationMs)) {
    throw new OptionsError('attemptDurationMs', attemptDurationMs, 'must be a finite number of milliseconds, 0 or more');
  }
  const steps: PlanStep[] = [];
  let elapsedMs = 0;
  let totalDelayMs = 0;
  let state: CallState = START;
  for (const [index, failure] of failures.entries()) {
    const startedAt = elapsedMs;
    elapsedMs += attemptDurationMs;
    // The same step the runners take, with no budget: a plan shows the policy's own verdicts.
    const result = step(policy, state, {
      failure,
      attempt: index + 1,
      startedAt,
      durationMs: attemptDurationMs,
      elapsedMs,
      maxElapsedMs: options.maxElapsedMs,
      random: options.random ?? MEAN_RANDOM,
      nowMs: elapsedMs,
      hasBudget: false,
      idempotent: options.idempotent,
    });
    state = result.state;
    const { decision } = result;
    const delayMs = result.action === 'retry' ? result.delayMs : undefined;
    if (delayMs !== undefined) {
      elapsedMs += delayMs;
      totalDelayMs += delayMs;
    }
    const reason = result.action === 'stop' ? result.reason : undefined;
    steps.push({ attempt: index + 1, failure, decision, delayMs, cumulativeMs: elapsedMs, rule: decision.rule?.id, reason });
    if (reason !== undefined) return { policy: policy.name, steps, outcome: { stopped: true, reason }, totalDelayMs };
  }
  return { policy: policy.name, steps, outcome: { stopped: false }, totalDelayMs };
}

const PLAN_OPTION_KEYS = ['random', 'maxElapsedMs', 'attemptDurationMs', 'idempotent'] as const satisfies readonly (keyof PlanOptions)[];
/** The mean of jitter's random draw, so a plan shows typical delays. */
const MEAN_RANDOM = 0.5;
