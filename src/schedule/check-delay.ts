import { isFiniteNumber } from '../shared/validate.js';
import type { Fail } from '../shared/fields.js';

/**
 * Checks one delay of a schedule: a finite number of milliseconds, 0 or more, and no longer
 * than the policy's longest wait (a schedule asking for more could never be honoured).
 *
 * @param value - the field's value
 * @param field - its path, e.g. `schedule.delaysMs[2]`
 * @param maxDelayMs - the policy's `maxDelayMs`
 * @example
 * ```ts
 * checkDelay(2000, 'schedule.delayMs', 1000, fail);
 * // fail('schedule.delayMs', 2000, "must not exceed the policy's maxDelayMs (1000)")
 * ```
 */
export function checkDelay(value: unknown, field: string, maxDelayMs: number, fail: Fail): void {
  if (!isFiniteNumber(value) || value < 0) fail(field, value, 'must be a finite number of milliseconds, 0 or more');
  if (value > maxDelayMs) fail(field, value, `must not exceed the policy's maxDelayMs (${maxDelayMs})`);
}
