import type { JitterSpec, ScheduleSpec } from '../schedule/schedule-spec.js';

/**
 * A duration for people: `500 ms`, `1 s`, `2.5 s`, `5 min`.
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

/** A schedule in words, e.g. `Retry-After, else 1 s · 2^attempt (cap 30 s)`. */
export function describeSchedule(schedule: ScheduleSpec): string {
  switch (schedule.type) {
    case 'list':
      return schedule.delaysMs.map(formatMs).join(', ');
    case 'constant':
      return formatMs(schedule.delayMs);
    case 'exponential': {
      const growth = `${formatMs(schedule.baseMs)} · ${schedule.factor ?? 2}^attempt`;
      return schedule.capMs === undefined ? growth : `${growth} (cap ${formatMs(schedule.capMs)})`;
    }
    case 'retry-after':
      return schedule.mode === 'max'
        ? `the larger of Retry-After and ${describeSchedule(schedule.fallback)}`
        : `Retry-After, else ${describeSchedule(schedule.fallback)}`;
    case 'quota-reset':
      return `until the quota resets, else ${describeSchedule(schedule.fallback)}`;
  }
}

/** A jitter in words, e.g. `+ U(0, 1 s)`. */
export function describeJitter(jitter: JitterSpec): string {
  if (typeof jitter !== 'string') return `+ U(0, ${formatMs(jitter.maxMs)})`;
  return jitter;
}
