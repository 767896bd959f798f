import { checkDelay } from '../check-delay.js';
import { formatMs } from '../format-ms.js';
import type { ScheduleDescription, ScheduleKind, ScheduleOf } from '../schedule-kind.js';

/**
 * `{ type: 'constant', delayMs }`: `delayMs` every time. Described as the one delay: `500 ms`.
 *
 * @example
 * ```ts
 * constantSchedule.compile({ type: 'constant', delayMs: 500 }, compileSchedule).stepDelayMs(7); // 500
 * ```
 */
export const constantSchedule: ScheduleKind<ScheduleOf<'constant'>> = {
  fields: { type: true, delayMs: true },
  validate(spec, { field, maxDelayMs, fail }) {
    checkDelay(spec['delayMs'], `${field}.delayMs`, maxDelayMs, fail);
  },
  compile({ delayMs }) {
    return { hint: 'none', mode: 'prefer', stepDelayMs: () => delayMs, baseMs: delayMs, capMs: undefined };
  },
};

/**
 * A constant schedule in words: the one delay.
 *
 * @example
 * ```ts
 * describeConstant({ type: 'constant', delayMs: 500 }, describeSchedule); // '500 ms'
 * ```
 */
export const describeConstant: ScheduleDescription<ScheduleOf<'constant'>> = ({ delayMs }) => formatMs(delayMs);
