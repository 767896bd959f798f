import type { Failure } from '../failure/failure.js';
import { OptionsError } from '../shared/options-error.js';
import { applyJitter, compileJitter, type JitterFunction } from '../schedule/jitter.js';
import { compileSchedule, type CompiledSchedule, type ScheduleHint } from '../schedule/schedules.js';
import type { Decision, DecisionState, DelaySource, StopDecision } from './decision.js';
import type { CompiledRule } from './compiled-rule.js';
import type { RuleIndex } from './rule-index.js';

/** The random number used when the state gives none: the mean, so dry runs show typical delays. */
const MEAN_RANDOM = 0.5;
const NO_RULE: StopDecision = Object.freeze({ action: 'stop', reason: 'not-retryable' });

/** What decide precomputes per row, so deciding allocates nothing but a retry decision. */
interface RulePlan {
  readonly schedule: CompiledSchedule;
  /** Whether the schedule waits for `failure.retryAfterMs` when present. */
  readonly readsRetryAfter: boolean;
  /** Whether the schedule waits for `failure.quota.resetsInMs` when present. */
  readonly readsQuotaReset: boolean;
  readonly jitter: JitterFunction;
  /** The cap of a delay from the schedule: the schedule's cap when below the policy's longest wait. */
  readonly scheduleCapMs: number;
  readonly notRetryable: StopDecision;
  readonly exhausted: StopDecision;
  readonly declined: StopDecision;
}

/**
 * Builds the pure decision function of a compiled table. The order of checks is the order a
 * reader of the table expects: the row, the server's explicit verdict if it sent one, the row's
 * verdict, the attempt limits, the schedule, the
 * policy's longest wait, jitter and caps, and last the caller's deadline. Schedules and jitters
 * are compiled here, once per row, so deciding reads no spec and dispatches on no kind.
 *
 * @example
 * ```ts
 * const decide = makeDecide(rules, new RuleIndex(rules), 3, MAX_TIMER_DELAY_MS);
 * decide({ kind: 'network' }, { attempt: 1 }); // { action: 'retry', delayMs: 200, rule, source: 'schedule' }
 * ```
 */
export function makeDecide(
  rules: readonly CompiledRule[],
  index: RuleIndex,
  maxAttempts: number,
  maxDelayMs: number,
): (failure: Failure, state: DecisionState) => Decision {
  const plans: readonly RulePlan[] = rules.map((rule) => {
    const schedule = compileSchedule(rule.schedule);
    return {
      schedule,
      readsRetryAfter: readsHint(schedule.hint, 'retry-after'),
      readsQuotaReset: readsHint(schedule.hint, 'quota-reset'),
      jitter: compileJitter(rule.jitter),
      scheduleCapMs: schedule.capMs !== undefined && schedule.capMs < maxDelayMs ? schedule.capMs : maxDelayMs,
      notRetryable: Object.freeze({ action: 'stop', reason: 'not-retryable', rule }),
      exhausted: Object.freeze({ action: 'stop', reason: 'attempts-exhausted', rule }),
      declined: Object.freeze({ action: 'stop', reason: 'server-declined', rule }),
    };
  });

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
    // The server's explicit word (Stripe-Should-Retry, gRPC pushback) overrides the row's.
    const verdict = failure.verdict;
    if (verdict === 'stop') return plan.declined;
    if (!rule.retry && verdict !== 'retry') return plan.notRetryable;
    if (attempt >= maxAttempts || (rule.maxRetries !== undefined && attempt > rule.maxRetries)) return plan.exhausted;

    const { schedule } = plan;
    let delayMs: number;
    let source: DelaySource = 'schedule';
    const resetsInMs = plan.readsQuotaReset ? failure.quota?.resetsInMs : undefined;
    if (resetsInMs !== undefined) {
      if (resetsInMs > maxDelayMs) {
        return { action: 'stop', reason: 'quota-exhausted', rule, refusedDelayMs: resetsInMs, resetsAt: failure.quota?.resetsAt };
      }
      delayMs = resetsInMs;
      source = 'quota-reset';
    } else {
      const stepMs = schedule.stepDelayMs(attempt);
      const hint = plan.readsRetryAfter ? failure.retryAfterMs : undefined;
      // A hint still counts when the steps have run out: the server said when to come back.
      if (hint !== undefined && !(schedule.mode === 'max' && stepMs !== undefined && stepMs > hint)) {
        delayMs = hint;
        source = 'retry-after';
      } else if (stepMs === undefined) {
        return plan.exhausted;
      } else {
        delayMs = stepMs;
      }
    }
    if (delayMs > maxDelayMs) return { action: 'stop', reason: 'retry-after-too-long', rule, refusedDelayMs: delayMs };

    const previousMs = state.previousDelayMs;
    const jittered = applyJitter(
      plan.jitter,
      delayMs,
      source !== 'schedule',
      schedule.baseMs,
      previousMs !== undefined && previousMs >= 0 && previousMs !== Infinity ? previousMs : schedule.baseMs,
      random,
    );
    // Caps apply after jitter, so no jitter can push a delay past them.
    const capMs = source === 'schedule' ? plan.scheduleCapMs : maxDelayMs;
    delayMs = Math.floor(jittered < capMs ? jittered : capMs);

    // A clock that went backwards (or a NaN reading) must not buy extra time: count it as 0.
    const elapsedMs = state.elapsedMs !== undefined && state.elapsedMs > 0 ? state.elapsedMs : 0;
    if (maxElapsedMs !== undefined && elapsedMs + delayMs > maxElapsedMs) {
      return { action: 'stop', reason: 'deadline', rule, refusedDelayMs: delayMs };
    }
    return { action: 'retry', delayMs, rule, source };
  };
}

/**
 * Whether a schedule with `hint` reads the server hint `field`. A switch, so that a new hint
 * kind is a compile error here until decide knows which failure field it reads.
 */
function readsHint(hint: ScheduleHint, field: Exclude<ScheduleHint, 'none'>): boolean {
  switch (hint) {
    case 'none':
      return false;
    case 'retry-after':
    case 'quota-reset':
      return hint === field;
    default:
      return hint satisfies never;
  }
}
