import { checkDelay } from '../check-delay.js';
import { formatMs } from '../format-ms.js';
import type { ScheduleCheck, ScheduleDescription, ScheduleKind, ScheduleOf } from '../schedule-kind.js';

/**
 * `{ type: 'list', delaysMs }`: `delaysMs[attempt - 1]`; past the end of the list the rule stops
 * (`attempts-exhausted`). Described as the delays in a row: `1 s, 4 s, 10 s`.
 *
 * @example
 * ```ts
 * listSchedule.compile({ type: 'list', delaysMs: [1000, 4000] }, compileSchedule).stepDelayMs(3); // undefined: the list has run out
 * ```
 */
export const listSchedule: ScheduleKind<ScheduleOf<'list'>> = {
  fields: { type: true, delaysMs: true },
  // Annotated, not destructured: `check.fail` returning never must narrow `list` below.
  validate(spec, check: ScheduleCheck) {
    const list = spec['delaysMs'];
    if (!Array.isArray(list) || list.length === 0) check.fail(`${check.field}.delaysMs`, list, 'must be a non-empty array of delays');
    list.forEach((value: unknown, i) => checkDelay(value, `${check.field}.delaysMs[${i}]`, check.maxDelayMs, check.fail));
  },
  compile({ delaysMs }) {
    return {
      hint: 'none',
      mode: 'prefer',
      // Past the end this reads undefined: the list has no more retries to give.
      stepDelayMs: (attempt) => delaysMs[attempt - 1],
      // Validation guarantees a non-empty list.
      baseMs: delaysMs[0] ?? 0,
      capMs: undefined,
    };
  },
};

/**
 * A list schedule in words: the delays in a row.
 *
 * @example
 * ```ts
 * describeList({ type: 'list', delaysMs: [1000, 4000] }, describeSchedule); // '1 s, 4 s'
 * ```
 */
export const describeList: ScheduleDescription<ScheduleOf<'list'>> = ({ delaysMs }) => delaysMs.map(formatMs).join(', ');
