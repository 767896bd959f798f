import type { CompiledSchedule } from './compiled-schedule.js';
import { scheduleKindOf } from './schedule-kinds.js';
import type { ScheduleSpec } from './schedule-spec.js';

/**
 * Flattens a validated schedule for decide, once per row.
 *
 * @example
 * ```ts
 * const compiled = compileSchedule({ type: 'retry-after', fallback: { type: 'list', delaysMs: [1000, 4000] } });
 * compiled.hint; // 'retry-after'
 * compiled.stepDelayMs(3); // undefined: the list is exhausted
 * ```
 */
export function compileSchedule(spec: ScheduleSpec): CompiledSchedule {
  const { hint, mode, stepDelayMs, baseMs, capMs } = scheduleKindOf(spec.type).compile(spec, compileSchedule);
  // One literal for every kind: all compiled schedules share one shape, so decide's reads stay monomorphic.
  return { hint, mode, stepDelayMs, baseMs, capMs };
}
