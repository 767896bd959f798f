import type { ScheduleDescription, ScheduleKind, ScheduleOf } from '../schedule-kind.js';
import { checkHintFallback } from './hint-fallback.js';

/**
 * `{ type: 'quota-reset', fallback }`: wait until the reported quota reset (MWS
 * `x-mws-quota-resetsOn`) when known, else `fallback`. A reset beyond the policy's `maxDelayMs`
 * stops with `quota-exhausted`. Described as `until the quota resets, else 1 s`.
 *
 * @example
 * ```ts
 * quotaResetSchedule.compile({ type: 'quota-reset', fallback: { type: 'constant', delayMs: 1000 } }, compileSchedule).hint;
 * // 'quota-reset'
 * ```
 */
export const quotaResetSchedule: ScheduleKind<ScheduleOf<'quota-reset'>> = {
  fields: { type: true, fallback: true },
  validate: checkHintFallback,
  compile({ fallback }, compileFallback) {
    return { ...compileFallback(fallback), hint: 'quota-reset', mode: 'prefer' };
  },
};

/**
 * A quota-reset schedule in words.
 *
 * @example
 * ```ts
 * describeQuotaReset({ type: 'quota-reset', fallback: { type: 'constant', delayMs: 1000 } }, describeSchedule);
 * // 'until the quota resets, else 1 s'
 * ```
 */
export const describeQuotaReset: ScheduleDescription<ScheduleOf<'quota-reset'>> = ({ fallback }, describeFallback) =>
  `until the quota resets, else ${describeFallback(fallback)}`;
