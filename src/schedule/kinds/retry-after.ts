import type { ScheduleDescription, ScheduleKind, ScheduleOf } from '../schedule-kind.js';
import { checkHintFallback } from './hint-fallback.js';

/**
 * `{ type: 'retry-after', fallback, mode? }`: the server's `Retry-After` hint when it sent one,
 * else `fallback`; with `mode: 'max'`, the larger of the two (for "60 s or more" rows).
 * Described as `Retry-After, else 1 s` or `the larger of Retry-After and 60 s`.
 *
 * @example
 * ```ts
 * retryAfterSchedule.compile({ type: 'retry-after', fallback: { type: 'constant', delayMs: 1000 } }, compileSchedule).hint;
 * // 'retry-after'
 * ```
 */
export const retryAfterSchedule: ScheduleKind<ScheduleOf<'retry-after'>> = {
  fields: { type: true, fallback: true, mode: true },
  validate(spec, check) {
    if (spec['mode'] !== undefined && spec['mode'] !== 'prefer' && spec['mode'] !== 'max')
      check.fail(`${check.field}.mode`, spec['mode'], 'must be "prefer" or "max"');
    checkHintFallback(spec, check);
  },
  compile({ fallback, mode = 'prefer' }, compileFallback) {
    return { ...compileFallback(fallback), hint: 'retry-after', mode };
  },
};

/**
 * A retry-after schedule in words.
 *
 * @example
 * ```ts
 * describeRetryAfter({ type: 'retry-after', fallback: { type: 'constant', delayMs: 1000 } }, describeSchedule);
 * // 'Retry-After, else 1 s'
 * ```
 */
export const describeRetryAfter: ScheduleDescription<ScheduleOf<'retry-after'>> = ({ fallback, mode }, describeFallback) =>
  mode === 'max' ? `the larger of Retry-After and ${describeFallback(fallback)}` : `Retry-After, else ${describeFallback(fallback)}`;
