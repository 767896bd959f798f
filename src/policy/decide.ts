import type { Failure } from '../failure/failure.js';
import { OptionsError } from '../shared/options-error.js';
import { applyJitter } from '../schedule/apply-jitter.js';
import { compileSchedule, LIST_EXHAUSTED, stepDelayMs, type CompiledSchedule } from '../schedule/compiled-schedule.js';
import type { Decision, DecisionState, DelaySource, StopDecision } from './decision.js';
import type { CompiledRule } from './compiled-rule.js';
import type { RuleIndex } from './rule-index.js';

/** The random number used when the state gives none: the mean, so dry runs show typical delays. */
const MEAN_RANDOM = 0.5;
const NO_RULE: StopDecision = Object.freeze({ action: 'stop', reason: 'not-retryable' });

/** What decide precomputes per row, so deciding allocates nothing but a retry decision. */
interface RulePlan {
  readonly schedule: CompiledSchedule;
  readonly notRetryable: StopDecision;
  readonly exhausted: StopDecision;
}

/**
 * Builds the pure decision function of a compiled table. The order of checks is the order a
 * reader of the table expects: the row, its verdict, the attempt limits, the schedule, the
 * policy's longest wait, jitter and caps, and last the caller's deadline.
 */
export function makeDecide(
  rules: readonly CompiledRule[],
  index: RuleIndex,
  maxAttempts: number,
  maxDelayMs: number,
): (failure: Failure, state: DecisionState) => Decision {
  const plans: readonly RulePlan[] = rules.map((rule) => ({
    schedule: compileSchedule(rule.schedule),
    notRetryable: Object.freeze({ action: 'stop', reason: 'not-retryable', rule }),
    exhausted: Object.freeze({ action: 'stop', reason: 'attempts-exhausted', rule }),
  }));

  return function decide(failure: Failure, state: DecisionState): Decision {
    const { attempt, maxElapsedMs } = state;
    if (!Number.isInteger(attempt) || attempt < 1) {
      throw new OptionsError('state.attempt', attempt, 'must be an integer of 1 or more (the attempt that just failed)');
    }
    const random = state.random ?? MEAN_RANDOM;
    if (!(random >= 0 && random < 1)) throw new OptionsError('state.random', random, 'must be a number in [0, 1)');
    if (maxElapsedMs !== undefined && !(maxElapsedMs >= 0)) {
      throw new OptionsError('state.maxElapsedMs', maxElapsedMs, 'must be a number of milliseconds, 0 or more');
    }

    const rule = index.find(failure);
    if (rule === undefined) return NO_RULE;
    const plan = plans[rule.index]!;
    if (!rule.retry) return plan.notRetryable;
    if (attempt >= maxAttempts || (rule.maxRetries !== undefined && attempt > rule.maxRetries)) return plan.exhausted;

    const { schedule } = plan;
    let delayMs: number;
    let source: DelaySource = 'schedule';
    const resetsInMs = schedule.hint === 'quota-reset' ? failure.quota?.resetsInMs : undefined;
    if (resetsInMs !== undefined) {
      if (resetsInMs > maxDelayMs) {
        return { action: 'stop', reason: 'quota-exhausted', rule, refusedDelayMs: resetsInMs, resetsAt: failure.quota?.resetsAt };
      }
      delayMs = resetsInMs;
      source = 'quota-reset';
    } else {
      delayMs = stepDelayMs(schedule.step, attempt);
      const hint = schedule.hint === 'retry-after' ? failure.retryAfterMs : undefined;
      if (hint !== undefined && !(schedule.mode === 'max' && delayMs > hint)) {
        delayMs = hint;
        source = 'retry-after';
      } else if (delayMs === LIST_EXHAUSTED) {
        return plan.exhausted;
      }
    }
    if (delayMs > maxDelayMs) return { action: 'stop', reason: 'retry-after-too-long', rule, refusedDelayMs: delayMs };

    const previousMs = state.previousDelayMs;
    const jittered = applyJitter(
      rule.jitter,
      delayMs,
      source !== 'schedule',
      schedule.baseMs,
      previousMs !== undefined && previousMs >= 0 && previousMs !== Infinity ? previousMs : schedule.baseMs,
      random,
    );
    // Caps apply after jitter, so no jitter can push a delay past them.
    const capMs = source === 'schedule' && schedule.capMs !== undefined && schedule.capMs < maxDelayMs ? schedule.capMs : maxDelayMs;
    delayMs = Math.floor(jittered < capMs ? jittered : capMs);

    // A clock that went backwards (or a NaN reading) must not buy extra time: count it as 0.
    const elapsedMs = state.elapsedMs !== undefined && state.elapsedMs > 0 ? state.elapsedMs : 0;
    if (maxElapsedMs !== undefined && elapsedMs + delayMs > maxElapsedMs) {
      return { action: 'stop', reason: 'deadline', rule, refusedDelayMs: delayMs };
    }
    return { action: 'retry', delayMs, rule, source };
  };
}
