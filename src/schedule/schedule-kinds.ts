import { constantSchedule } from './kinds/constant.js';
import { exponentialSchedule } from './kinds/exponential.js';
import { listSchedule } from './kinds/list.js';
import { quotaResetSchedule } from './kinds/quota-reset.js';
import { retryAfterSchedule } from './kinds/retry-after.js';
import type { ScheduleKind, ScheduleKinds, ScheduleOf } from './schedule-kind.js';
import type { ScheduleSpec } from './schedule-spec.js';

/**
 * Every schedule kind, by `type`. Typed as {@link ScheduleKinds}, so a kind added to
 * {@link ScheduleSpec} without an entry here is a compile error. Key order is the order error
 * messages and docs list the kinds in.
 *
 * @example
 * ```ts
 * SCHEDULE_KINDS.constant.compile({ type: 'constant', delayMs: 500 }, compileSchedule).stepDelayMs(1); // 500
 * ```
 */
export const SCHEDULE_KINDS: ScheduleKinds = {
  list: listSchedule,
  constant: constantSchedule,
  exponential: exponentialSchedule,
  'retry-after': retryAfterSchedule,
  'quota-reset': quotaResetSchedule,
};

/**
 * The valid `type`s of a schedule, in registry order, for error messages.
 *
 * @example
 * ```ts
 * SCHEDULE_TYPES.join(', '); // 'list, constant, exponential, retry-after, quota-reset'
 * ```
 */
export const SCHEDULE_TYPES: readonly string[] = Object.freeze(Object.keys(SCHEDULE_KINDS));

/**
 * The registry entry for a `type`, typed for that type's spec. Called with the `type` of a
 * spec of the whole union, it is typed for the whole union, so `scheduleKindOf(spec.type).compile(spec, ...)`
 * compiles without a cast.
 *
 * @example
 * ```ts
 * scheduleKindOf(spec.type).compile(spec, compileSchedule);
 * ```
 */
export function scheduleKindOf<K extends ScheduleSpec['type']>(type: K): ScheduleKind<ScheduleOf<K>> {
  return SCHEDULE_KINDS[type];
}
