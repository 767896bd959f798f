import type { JitterDescription, JitterDescriptions, JitterKey, JitterOf } from './jitter-kind.js';
import { describeAdditive } from './jitters/additive.js';
import { describeConstant } from './kinds/constant.js';
import { describeExponential } from './kinds/exponential.js';
import { describeList } from './kinds/list.js';
import { describeQuotaReset } from './kinds/quota-reset.js';
import { describeRetryAfter } from './kinds/retry-after.js';
import type { ScheduleDescription, ScheduleDescriptions, ScheduleOf } from './schedule-kind.js';
import type { JitterSpec, ScheduleSpec } from './schedule-spec.js';

/**
 * Every schedule kind in words, by `type`: the docs renderers' half of the registry
 * (`SCHEDULE_KINDS` is the retrying half). Typed as {@link ScheduleDescriptions}, so a kind added
 * to {@link ScheduleSpec} without a description is a compile error. Only `explain/` imports it:
 * an application that only retries does not bundle the descriptions.
 *
 * @example
 * ```ts
 * SCHEDULE_DESCRIPTIONS.constant({ type: 'constant', delayMs: 500 }, describeSchedule); // '500 ms'
 * ```
 */
export const SCHEDULE_DESCRIPTIONS: ScheduleDescriptions = {
  list: describeList,
  constant: describeConstant,
  exponential: describeExponential,
  'retry-after': describeRetryAfter,
  'quota-reset': describeQuotaReset,
};

/**
 * The description of a `type`, typed for that type's spec (as `scheduleKindOf` is).
 *
 * @example
 * ```ts
 * scheduleDescriptionOf(spec.type)(spec, describeSchedule);
 * ```
 */
export function scheduleDescriptionOf<K extends ScheduleSpec['type']>(type: K): ScheduleDescription<ScheduleOf<K>> {
  return SCHEDULE_DESCRIPTIONS[type];
}

/**
 * Every jitter kind in words, by name or `type`. Typed as {@link JitterDescriptions}, so a kind
 * added to {@link JitterSpec} without a description is a compile error. A named jitter reads as
 * its name.
 *
 * @example
 * ```ts
 * JITTER_DESCRIPTIONS.additive({ type: 'additive', maxMs: 1000 }); // '+ U(0, 1 s)'
 * ```
 */
export const JITTER_DESCRIPTIONS: JitterDescriptions = {
  none: () => 'none',
  full: () => 'full',
  equal: () => 'equal',
  decorrelated: () => 'decorrelated',
  additive: describeAdditive,
};

/**
 * The description of a jitter key, typed for that key's spec (as `jitterKindOf` is).
 *
 * @example
 * ```ts
 * jitterDescriptionOf(jitterKey(spec))(spec);
 * ```
 */
export function jitterDescriptionOf<K extends JitterKey<JitterSpec>>(key: K): JitterDescription<JitterOf<K>> {
  return JITTER_DESCRIPTIONS[key];
}
