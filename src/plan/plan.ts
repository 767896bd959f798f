import type { Failure } from '../failure/failure.js';
import { OptionsError } from '../shared/options-error.js';
import type { Decision, StopReason } from '../policy/decision.js';
import type { Policy } from '../policy/define-policy.js';

/** Options of {@link plan}. */
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
}

/** One step of a {@link plan}: an attempt, its failure and what the policy decided. */
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

/** The outcome of a {@link plan}. */
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
  const attemptDurationMs = options.attemptDurationMs ?? 0;
  if (!(attemptDurationMs >= 0 && Number.isFinite(attemptDurationMs))) {
    throw new OptionsError('attemptDurationMs', attemptDurationMs, 'must be a finite number of milliseconds, 0 or more');
  }
  const steps: PlanStep[] = [];
  let elapsedMs = 0;
  let totalDelayMs = 0;
  let previousDelayMs: number | undefined;
  for (const [index, failure] of failures.entries()) {
    elapsedMs += attemptDurationMs;
    const decision = policy.decide(failure, {
      attempt: index + 1,
      elapsedMs,
      maxElapsedMs: options.maxElapsedMs,
      random: options.random,
      previousDelayMs,
    });
    const delayMs = decision.action === 'retry' ? decision.delayMs : undefined;
    if (delayMs !== undefined) {
      elapsedMs += delayMs;
      totalDelayMs += delayMs;
      previousDelayMs = delayMs;
    }
    const reason = decision.action === 'stop' ? decision.reason : undefined;
    steps.push({ attempt: index + 1, failure, decision, delayMs, cumulativeMs: elapsedMs, rule: decision.rule?.id, reason });
    if (reason !== undefined) return { policy: policy.name, steps, outcome: { stopped: true, reason }, totalDelayMs };
  }
  return { policy: policy.name, steps, outcome: { stopped: false }, totalDelayMs };
}
