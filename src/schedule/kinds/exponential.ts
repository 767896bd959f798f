import { isFiniteNumber } from '../../shared/validate.js';
import { checkDelay } from '../check-delay.js';
import { formatMs } from '../format-ms.js';
import type { ScheduleDescription, ScheduleKind, ScheduleOf } from '../schedule-kind.js';

/** The growth factor of an exponential schedule that gives none. */
const DEFAULT_FACTOR = 2;

/**
 * `{ type: 'exponential', baseMs, factor?, capMs? }`: `min(capMs, baseMs · factor^attempt)`, the
 * formula of the AWS Architecture Blog and of the scraper API's canonical loop. Described as
 * `1 s · 2^attempt (cap 30 s)`.
 *
 * @example
 * ```ts
 * exponentialSchedule.compile({ type: 'exponential', baseMs: 1000, factor: 2, capMs: 30_000 }, compileSchedule).stepDelayMs(3); // 8000
 * ```
 */
export const exponentialSchedule: ScheduleKind<ScheduleOf<'exponential'>> = {
  fields: { type: true, baseMs: true, factor: true, capMs: true },
  validate(spec, { field, maxDelayMs, fail }) {
    checkDelay(spec['baseMs'], `${field}.baseMs`, maxDelayMs, fail);
    // A null factor must be refused, not read as absent: compiled, `null ** attempt` is 0, every wait 0 ms.
    const factor = spec['factor'] === undefined ? DEFAULT_FACTOR : spec['factor'];
    if (!isFiniteNumber(factor) || factor < 1 || factor > 100) fail(`${field}.factor`, factor, 'must be a number from 1 to 100');
    if (spec['capMs'] !== undefined) checkDelay(spec['capMs'], `${field}.capMs`, maxDelayMs, fail);
  },
  compile({ baseMs, factor = DEFAULT_FACTOR, capMs }) {
    // Clamp in the step: factor^attempt overflows to Infinity on long calls without a cap.
    const stepCapMs = capMs ?? Number.MAX_SAFE_INTEGER;
    return { hint: 'none', mode: 'prefer', stepDelayMs: (attempt) => Math.min(baseMs * factor ** attempt, stepCapMs), baseMs, capMs };
  },
};

/**
 * An exponential schedule in words: `1 s · 2^attempt (cap 30 s)`.
 *
 * @example
 * ```ts
 * describeExponential({ type: 'exponential', baseMs: 1000, capMs: 30_000 }, describeSchedule); // '1 s · 2^attempt (cap 30 s)'
 * ```
 */
export const describeExponential: ScheduleDescription<ScheduleOf<'exponential'>> = ({ baseMs, factor = DEFAULT_FACTOR, capMs }) => {
  const growth = `${formatMs(baseMs)} · ${factor}^attempt`;
  return capMs === undefined ? growth : `${growth} (cap ${formatMs(capMs)})`;
};
