import type { Failure } from '../failure/failure.js';
import { OptionsError } from '../errors/options-error.js';
import { applyJitter } from '../schedule/apply-jitter.js';
import { scheduleBaseMs, scheduledDelay } from '../schedule/scheduled-delay.js';
import type { Decision, DecisionState, StopReason } from './decision.js';
import type { CompiledRule } from './compiled-rule.js';
import type { RuleIndex } from './rule-index.js';

/** The random number used when the state gives none: the mean, so dry runs show typical delays. */
const MEAN_RANDOM = 0.5;

/**
 * Builds the pure decision function of a compiled table. The order of checks is the order a
 * reader of the table expects: the row, its verdict, the attempt limits, the schedule, the
 * policy's longest wait, jitter and caps, and last the caller's deadline.
 */
export function makeDecide(
  index: RuleIndex,
  maxAttempts: number,
  maxDelayMs: number,
): (failure: Failure, state: DecisionState) => Decision {
  return function decide(failure: Failure, state: DecisionState): Decision {
    const { attempt } = state;
    if (!Number.isInteger(attempt) || attempt < 1) {
      throw new OptionsError('state.attempt', attempt, 'must be an integer of 1 or more (the attempt that just failed)');
    }
    const random = state.random ?? MEAN_RANDOM;
    if (!(random >= 0 && random < 1)) throw new OptionsError('state.random', random, 'must be a number in [0, 1)');
    const { maxElapsedMs } = state;
    if (maxElapsedMs !== undefined && !(maxElapsedMs >= 0)) {
      throw new OptionsError('state.maxElapsedMs', maxElapsedMs, 'must be a number of milliseconds, 0 or more');
    }

    const rule = index.find(failure);
    if (rule === undefined) return { action: 'stop', reason: 'not-retryable' };
    if (!rule.retry) return stop('not-retryable', rule);
    if (attempt >= maxAttempts) return stop('attempts-exhausted', rule);
    if (rule.maxRetries !== undefined && attempt > rule.maxRetries) return stop('attempts-exhausted', rule);

    const scheduled = scheduledDelay(rule.schedule, attempt, failure);
    if (scheduled.kind === 'list-exhausted') return stop('attempts-exhausted', rule);
    if (scheduled.kind === 'quota-reset' && scheduled.delayMs > maxDelayMs) {
      return { action: 'stop', reason: 'quota-exhausted', rule, refusedDelayMs: scheduled.delayMs, resetsAt: scheduled.resetsAt };
    }
    if (scheduled.delayMs > maxDelayMs) {
      return { action: 'stop', reason: 'retry-after-too-long', rule, refusedDelayMs: scheduled.delayMs };
    }

    const source = scheduled.kind === 'quota-reset' ? 'quota-reset' : scheduled.source;
    const baseMs = scheduleBaseMs(rule.schedule);
    const jittered = applyJitter(
      rule.jitter,
      scheduled.delayMs,
      source !== 'schedule',
      baseMs,
      orDefault(state.previousDelayMs, baseMs),
      random,
    );
    // Caps apply after jitter, so no jitter can push a delay past them.
    const capMs = scheduled.kind === 'delay' && scheduled.capMs !== undefined ? Math.min(scheduled.capMs, maxDelayMs) : maxDelayMs;
    const delayMs = Math.floor(Math.min(jittered, capMs));

    // A clock that went backwards (or a NaN reading) must not buy extra time: count it as 0.
    const elapsedMs = state.elapsedMs !== undefined && state.elapsedMs > 0 ? state.elapsedMs : 0;
    if (maxElapsedMs !== undefined && elapsedMs + delayMs > maxElapsedMs) {
      return { action: 'stop', reason: 'deadline', rule, refusedDelayMs: delayMs };
    }
    return { action: 'retry', delayMs, rule, source };
  };
}

/** `value` when it is a usable duration (finite, 0 or more), else `fallback`. */
function orDefault(value: number | undefined, fallback: number): number {
  return value !== undefined && value >= 0 && value !== Number.POSITIVE_INFINITY ? value : fallback;
}

function stop(reason: StopReason, rule: CompiledRule): Decision {
  return { action: 'stop', reason, rule };
}
