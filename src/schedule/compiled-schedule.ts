import type { ScheduleSpec } from './schedule-spec.js';

/** The schedules that compute a delay from the attempt number alone. */
export type StepSchedule = Extract<ScheduleSpec, { type: 'list' | 'constant' | 'exponential' }>;

/**
 * A schedule flattened for the decision hot path: validation guarantees at most one hint
 * wrapper (`retry-after` or `quota-reset`) around a step schedule, so decide never recurses.
 */
export interface CompiledSchedule {
  /** Which server hint comes first, if any. */
  readonly hint: 'none' | 'retry-after' | 'quota-reset';
  /** For `retry-after`: use the hint when present (`prefer`) or the larger of hint and step (`max`). */
  readonly mode: 'prefer' | 'max';
  /** The step schedule: the whole schedule, or the hint's fallback. */
  readonly step: StepSchedule;
  /** The schedule's smallest step: the `base` of decorrelated jitter. */
  readonly baseMs: number;
  /** The exponential cap, applied after jitter; undefined for other schedules. */
  readonly capMs: number | undefined;
}

/** Flattens a validated schedule. */
export function compileSchedule(spec: ScheduleSpec): CompiledSchedule {
  const hint = spec.type === 'retry-after' || spec.type === 'quota-reset' ? spec.type : 'none';
  const step = (spec.type === 'retry-after' || spec.type === 'quota-reset' ? spec.fallback : spec) as StepSchedule;
  return {
    hint,
    mode: spec.type === 'retry-after' ? (spec.mode ?? 'prefer') : 'prefer',
    step,
    baseMs: step.type === 'list' ? step.delaysMs[0]! : step.type === 'constant' ? step.delayMs : step.baseMs,
    capMs: step.type === 'exponential' ? step.capMs : undefined,
  };
}

/** Marks the end of a delay list: the rule has no more retries to give. */
export const LIST_EXHAUSTED = -1;

/**
 * The delay a step schedule asks for after the 1-based `attempt` failed, or
 * {@link LIST_EXHAUSTED}. Exponential: `min(capMs, baseMs · factor^attempt)`, the formula of the
 * AWS Architecture Blog and of the scraper API's canonical loop.
 *
 * @example
 * ```ts
 * stepDelayMs({ type: 'exponential', baseMs: 1000, factor: 2, capMs: 30_000 }, 3); // 8000
 * ```
 */
export function stepDelayMs(step: StepSchedule, attempt: number): number {
  if (step.type === 'list') return step.delaysMs[attempt - 1] ?? LIST_EXHAUSTED;
  if (step.type === 'constant') return step.delayMs;
  // Clamp here: factor^attempt overflows to Infinity on long calls without a cap.
  return Math.min(step.baseMs * (step.factor ?? 2) ** attempt, step.capMs ?? Number.MAX_SAFE_INTEGER);
}
