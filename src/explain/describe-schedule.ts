import type { JitterSpec } from '../schedule/jitter.js';
import { DEFAULT_FACTOR, type ScheduleSpec } from '../schedule/schedules.js';

// The descriptions live here, not with the kinds in schedule/, so an application that only
// retries does not bundle them. Each switch ends in `satisfies never`, as the kinds' own do.

/**
 * A duration for people: `500 ms`, `1 s`, `2.5 s`, `5 min`. The CLI, the demo and the timeline
 * format durations with it too.
 *
 * @example
 * ```ts
 * formatMs(30_000); // '30 s'
 * ```
 */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms >= 120_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * A schedule in words, for explain and the README's tables.
 *
 * @example
 * ```ts
 * describeSchedule({ type: 'retry-after', fallback: { type: 'exponential', baseMs: 1000, capMs: 30_000 } });
 * // 'Retry-After, else 1 s · 2^attempt (cap 30 s)'
 * ```
 */
export function describeSchedule(schedule: ScheduleSpec): string {
  switch (schedule.type) {
    case 'list':
      return schedule.delaysMs.map(formatMs).join(', ');
    case 'constant':
      return formatMs(schedule.delayMs);
    case 'exponential': {
      const { baseMs, factor = DEFAULT_FACTOR, capMs } = schedule;
      const growth = `${formatMs(baseMs)} · ${factor}^attempt`;
      return capMs === undefined ? growth : `${growth} (cap ${formatMs(capMs)})`;
    }
    case 'retry-after':
      return schedule.mode === 'max'
        ? `the larger of Retry-After and ${describeSchedule(schedule.fallback)}`
        : `Retry-After, else ${describeSchedule(schedule.fallback)}`;
    case 'quota-reset':
      return `until the quota resets, else ${describeSchedule(schedule.fallback)}`;
    default:
      return schedule satisfies never;
  }
}

/**
 * A jitter in words: a named jitter reads as its name.
 *
 * @example
 * ```ts
 * describeJitter({ type: 'additive', maxMs: 1000 }); // '+ U(0, 1 s)'
 * ```
 */
export function describeJitter(jitter: JitterSpec): string {
  if (typeof jitter === 'string') return jitter;
  switch (jitter.type) {
    case 'additive':
      return `+ U(0, ${formatMs(jitter.maxMs)})`;
    default:
      return jitter.type satisfies never;
  }
}
