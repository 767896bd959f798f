import type { Failure } from '../failure/failure.js';
import type { DelaySource } from '../policy/decision.js';
import type { ScheduleSpec } from './schedule-spec.js';

/** What a schedule asks for after a given attempt, before jitter and limits. */
export type ScheduledDelay =
  | { readonly kind: 'delay'; readonly delayMs: number; readonly source: DelaySource; readonly capMs: number | undefined }
  | { readonly kind: 'list-exhausted' }
  | { readonly kind: 'quota-reset'; readonly delayMs: number; readonly resetsAt: number | undefined };

const LIST_EXHAUSTED: ScheduledDelay = { kind: 'list-exhausted' };

/**
 * The delay a schedule asks for after the 1-based `attempt` failed. Pure: the server's hints
 * come in through the failure.
 *
 * @example
 * ```ts
 * scheduledDelay({ type: 'list', delaysMs: [1000, 4000] }, 2, { kind: 'http', status: 503 });
 * // { kind: 'delay', delayMs: 4000, source: 'schedule', capMs: undefined }
 * ```
 */
export function scheduledDelay(schedule: ScheduleSpec, attempt: number, failure: Failure): ScheduledDelay {
  switch (schedule.type) {
    case 'list': {
      const delayMs = schedule.delaysMs[attempt - 1];
      return delayMs === undefined ? LIST_EXHAUSTED : { kind: 'delay', delayMs, source: 'schedule', capMs: undefined };
    }
    case 'constant':
      return { kind: 'delay', delayMs: schedule.delayMs, source: 'schedule', capMs: undefined };
    case 'exponential': {
      const capMs = schedule.capMs;
      const raw = schedule.baseMs * (schedule.factor ?? 2) ** attempt;
      // Clamp before anything else: factor^attempt overflows to Infinity for long calls.
      const delayMs = Math.min(raw, capMs ?? Number.MAX_SAFE_INTEGER);
      return { kind: 'delay', delayMs, source: 'schedule', capMs };
    }
    case 'retry-after': {
      const fallback = scheduledDelay(schedule.fallback, attempt, failure);
      const hint = failure.retryAfterMs;
      if (hint === undefined) return fallback;
      if (schedule.mode === 'max' && fallback.kind === 'delay' && fallback.delayMs > hint) return fallback;
      return { kind: 'delay', delayMs: hint, source: 'retry-after', capMs: undefined };
    }
    case 'quota-reset': {
      const resetsInMs = failure.quota?.resetsInMs;
      if (resetsInMs === undefined) return scheduledDelay(schedule.fallback, attempt, failure);
      return { kind: 'quota-reset', delayMs: resetsInMs, resetsAt: failure.quota?.resetsAt };
    }
  }
}

/**
 * The smallest step of a schedule: the `base` of decorrelated jitter.
 * @example
 * ```ts
 * scheduleBaseMs({ type: 'exponential', baseMs: 5, capMs: 2000 }); // 5
 * ```
 */
export function scheduleBaseMs(schedule: ScheduleSpec): number {
  switch (schedule.type) {
    case 'list':
      return schedule.delaysMs[0] ?? 0;
    case 'constant':
      return schedule.delayMs;
    case 'exponential':
      return schedule.baseMs;
    case 'retry-after':
    case 'quota-reset':
      return scheduleBaseMs(schedule.fallback);
  }
}
