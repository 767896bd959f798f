import { isPlainObject } from '../shared/validate.js';
import { rejectUnknownFields, type Fail } from '../shared/fields.js';
import type { ScheduleCheck } from './schedule-kind.js';
import { SCHEDULE_KINDS, SCHEDULE_TYPES } from './schedule-kinds.js';

/** The registry as a lookup by any value: a `type` read from JSON may be anything ("toString" included). */
const KIND_BY_TYPE = new Map(Object.entries(SCHEDULE_KINDS));

/**
 * Checks an untrusted schedule (a literal, or JSON from a file) and reports the first problem
 * through `fail`, naming the field path under `field`.
 *
 * @param schedule - the value to check
 * @param field - its field path, e.g. `schedule`
 * @param maxDelayMs - the policy's longest wait: no delay may exceed it
 * @param fail - reports a problem and throws (validate-policy's throws a PolicyError)
 * @example
 * ```ts
 * validateScheduleSpec({ type: 'constant', delayMs: -1 }, 'schedule', 60_000, fail);
 * // fail('schedule.delayMs', -1, 'must be a finite number of milliseconds, 0 or more')
 * ```
 */
export function validateScheduleSpec(schedule: unknown, field: string, maxDelayMs: number, fail: Fail): void {
  checkSchedule(schedule, field, maxDelayMs, fail, false);
}

function checkSchedule(schedule: unknown, field: string, maxDelayMs: number, fail: Fail, isFallback: boolean): void {
  if (!isPlainObject(schedule)) fail(field, schedule, 'must be a schedule object with a "type"');
  const type = schedule['type'];
  const kind = typeof type === 'string' ? KIND_BY_TYPE.get(type) : undefined;
  if (kind === undefined) fail(`${field}.type`, type, `must be one of ${SCHEDULE_TYPES.join(', ')}`);
  rejectUnknownFields(schedule, kind.fields, `${field}.`, fail);
  const check: ScheduleCheck = {
    field,
    maxDelayMs,
    fail,
    isFallback,
    checkFallback: (fallback, at) => checkSchedule(fallback, at, maxDelayMs, fail, true),
  };
  kind.validate(schedule, check);
}
