import { jitterDescriptionOf, scheduleDescriptionOf } from '../schedule/descriptions.js';
import { jitterKey } from '../schedule/jitter-kinds.js';
import type { JitterSpec, ScheduleSpec } from '../schedule/schedule-spec.js';

// Kept importable from here: the CLI, the demo and the timeline format durations with it.
export { formatMs } from '../schedule/format-ms.js';

/**
 * A schedule in words, each kind by its description (`SCHEDULE_DESCRIPTIONS`).
 *
 * @example
 * ```ts
 * describeSchedule({ type: 'retry-after', fallback: { type: 'exponential', baseMs: 1000, capMs: 30_000 } });
 * // 'Retry-After, else 1 s · 2^attempt (cap 30 s)'
 * ```
 */
export function describeSchedule(schedule: ScheduleSpec): string {
  return scheduleDescriptionOf(schedule.type)(schedule, describeSchedule);
}

/**
 * A jitter in words, each kind by its description (`JITTER_DESCRIPTIONS`).
 *
 * @example
 * ```ts
 * describeJitter({ type: 'additive', maxMs: 1000 }); // '+ U(0, 1 s)'
 * ```
 */
export function describeJitter(jitter: JitterSpec): string {
  return jitterDescriptionOf(jitterKey(jitter))(jitter);
}
