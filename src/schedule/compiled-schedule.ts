/** Which server hint a schedule consults before its steps. */
export type ScheduleHint = 'none' | 'retry-after' | 'quota-reset';

/**
 * The delay a step schedule asks for after the 1-based `attempt` failed, or `undefined` when it
 * has no more to give (a `list` past its end): the rule then stops with `attempts-exhausted`.
 *
 * @example
 * ```ts
 * const step: StepDelay = (attempt) => [1000, 4000][attempt - 1];
 * step(3); // undefined
 * ```
 */
export type StepDelay = (attempt: number) => number | undefined;

/**
 * A schedule flattened for the decision hot path: validation guarantees at most one hint
 * wrapper (`retry-after` or `quota-reset`) around a step schedule, so decide never recurses.
 *
 * @example
 * ```ts
 * const compiled: CompiledSchedule = {
 *   hint: 'retry-after',
 *   mode: 'prefer',
 *   stepDelayMs: () => 1000,
 *   baseMs: 1000,
 *   capMs: undefined,
 * };
 * ```
 */
export interface CompiledSchedule {
  /** Which server hint comes first, if any. */
  readonly hint: ScheduleHint;
  /** For `retry-after`: use the hint when present (`prefer`) or the larger of hint and step (`max`). */
  readonly mode: 'prefer' | 'max';
  /** The step schedule: the whole schedule, or the hint's fallback. */
  readonly stepDelayMs: StepDelay;
  /** The schedule's smallest step: the `base` of decorrelated jitter. */
  readonly baseMs: number;
  /** The exponential cap, applied after jitter; undefined for other schedules. */
  readonly capMs: number | undefined;
}
