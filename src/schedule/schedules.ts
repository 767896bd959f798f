import { rejectUnknownFields, isKeyOf, type Fail, type FieldSet } from '../shared/fields.js';
import { isFiniteNumber, isPlainObject } from '../shared/validate.js';

// A closed set: every function below handles each kind in one switch ending in `satisfies never`,
// so a kind added to ScheduleSpec and not handled fails to compile.

/**
 * How long to wait before retry number n, as plain data. `attempt` below is the 1-based number
 * of the attempt that just failed.
 *
 * - `list`: `delaysMs[attempt - 1]`; past the end of the list the rule stops (`attempts-exhausted`).
 * - `constant`: `delayMs` every time.
 * - `exponential`: `min(capMs, baseMs · factor^attempt)`, the formula of the AWS Architecture
 *   Blog and of the scraper API's canonical loop (`2^attempt · 1000`, capped at 30 000).
 * - `retry-after`: the server's `Retry-After` hint when it sent one, else `fallback`; with
 *   `mode: 'max'`, the larger of the two (for "60 s or more" rows).
 * - `quota-reset`: wait until the reported quota reset (MWS `x-mws-quota-resetsOn`) when known,
 *   else `fallback`. A reset beyond the policy's `maxDelayMs` stops with `quota-exhausted`.
 *
 * @example
 * ```ts
 * const mws: ScheduleSpec = { type: 'list', delaysMs: [1000, 4000, 10000, 30000] };
 * const canonical: ScheduleSpec = {
 *   type: 'retry-after',
 *   fallback: { type: 'exponential', baseMs: 1000, factor: 2, capMs: 30000 },
 * };
 * ```
 */
export type ScheduleSpec =
  | { readonly type: 'list'; readonly delaysMs: readonly number[] }
  | { readonly type: 'constant'; readonly delayMs: number }
  | { readonly type: 'exponential'; readonly baseMs: number; readonly factor?: number; readonly capMs?: number }
  | { readonly type: 'retry-after'; readonly fallback: ScheduleSpec; readonly mode?: 'prefer' | 'max' }
  | { readonly type: 'quota-reset'; readonly fallback: ScheduleSpec };

/** Which server hint a schedule consults before its steps. */
export type ScheduleHint = 'none' | 'retry-after' | 'quota-reset';

/** The delay after the 1-based `attempt` failed; `undefined` when a `list` has run out (`attempts-exhausted`). */
export type StepDelay = (attempt: number) => number | undefined;

/** A schedule flattened for decide: validation allows one hint around a step schedule at most, so decide never recurses. */
export interface CompiledSchedule {
  readonly hint: ScheduleHint;
  /** `retry-after`: the hint when present (`prefer`), or the larger of hint and step (`max`). */
  readonly mode: 'prefer' | 'max';
  /** The whole schedule, or the hint's fallback. */
  readonly stepDelayMs: StepDelay;
  /** The smallest step: the `base` of decorrelated jitter. */
  readonly baseMs: number;
  /** The exponential cap, applied after jitter. */
  readonly capMs: number | undefined;
}

/**
 * The growth factor of an exponential schedule that gives none.
 *
 * @example
 * ```ts
 * compileSchedule({ type: 'exponential', baseMs: 100 }).stepDelayMs(3); // 100 · DEFAULT_FACTOR ** 3 = 800
 * ```
 */
export const DEFAULT_FACTOR = 2;

/**
 * Each kind's fields, in the order messages list them; a kind or field missing or extra fails to compile.
 *
 * @example
 * ```ts
 * Object.keys(SCHEDULE_FIELDS.constant); // ['type', 'delayMs']
 * ```
 */
export const SCHEDULE_FIELDS = {
  list: { type: true, delaysMs: true },
  constant: { type: true, delayMs: true },
  exponential: { type: true, baseMs: true, factor: true, capMs: true },
  'retry-after': { type: true, fallback: true, mode: true },
  'quota-reset': { type: true, fallback: true },
} as const satisfies { readonly [K in ScheduleSpec['type']]: FieldSet<Extract<ScheduleSpec, { readonly type: K }>> };

/**
 * The valid `type`s of a schedule, for error messages.
 *
 * @example
 * ```ts
 * SCHEDULE_TYPES.join(', '); // 'list, constant, exponential, retry-after, quota-reset'
 * ```
 */
export const SCHEDULE_TYPES: readonly string[] = Object.freeze(Object.keys(SCHEDULE_FIELDS));

/**
 * Checks an untrusted schedule (a literal, or JSON) at field path `field` and reports the first
 * problem through `fail`. The caller, not this layer, knows the policy: its longest wait and its error.
 *
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
  if (!isKeyOf(SCHEDULE_FIELDS, type)) fail(`${field}.type`, type, `must be one of ${SCHEDULE_TYPES.join(', ')}`);
  rejectUnknownFields(schedule, SCHEDULE_FIELDS[type], `${field}.`, fail);
  switch (type) {
    case 'list': {
      const list = schedule['delaysMs'];
      if (!Array.isArray(list) || list.length === 0) fail(`${field}.delaysMs`, list, 'must be a non-empty array of delays');
      list.forEach((value: unknown, i) => checkDelay(value, `${field}.delaysMs[${i}]`, maxDelayMs, fail));
      return;
    }
    case 'constant':
      return checkDelay(schedule['delayMs'], `${field}.delayMs`, maxDelayMs, fail);
    case 'exponential': {
      checkDelay(schedule['baseMs'], `${field}.baseMs`, maxDelayMs, fail);
      // A null factor must be refused, not read as absent: compiled, `null ** attempt` is 0, every wait 0 ms.
      const factor = schedule['factor'] === undefined ? DEFAULT_FACTOR : schedule['factor'];
      if (!isFiniteNumber(factor) || factor < 1 || factor > 100) fail(`${field}.factor`, factor, 'must be a number from 1 to 100');
      if (schedule['capMs'] !== undefined) checkDelay(schedule['capMs'], `${field}.capMs`, maxDelayMs, fail);
      return;
    }
    case 'retry-after':
      if (schedule['mode'] !== undefined && schedule['mode'] !== 'prefer' && schedule['mode'] !== 'max')
        fail(`${field}.mode`, schedule['mode'], 'must be "prefer" or "max"');
      return checkHintFallback(schedule, field, maxDelayMs, fail, isFallback);
    case 'quota-reset':
      return checkHintFallback(schedule, field, maxDelayMs, fail, isFallback);
    default:
      return type satisfies never;
  }
}

/** A hint's fallback may not be another hint: that is almost surely a mistake, and decide need not recurse. */
function checkHintFallback(spec: Record<string, unknown>, field: string, maxDelayMs: number, fail: Fail, isFallback: boolean): void {
  if (isFallback) fail(`${field}.type`, spec['type'], 'cannot be nested inside another hint schedule');
  checkSchedule(spec['fallback'], `${field}.fallback`, maxDelayMs, fail, true);
}

/** A delay must be finite, 0 or more, and within the policy's longest wait (or it could never be honoured). */
function checkDelay(value: unknown, field: string, maxDelayMs: number, fail: Fail): void {
  if (!isFiniteNumber(value) || value < 0) fail(field, value, 'must be a finite number of milliseconds, 0 or more');
  if (value > maxDelayMs) fail(field, value, `must not exceed the policy's maxDelayMs (${maxDelayMs})`);
}

/**
 * Flattens a validated schedule once per row: the switch runs here, so deciding calls one closure.
 *
 * @example
 * ```ts
 * const compiled = compileSchedule({ type: 'retry-after', fallback: { type: 'list', delaysMs: [1000, 4000] } });
 * compiled.hint; // 'retry-after'
 * compiled.stepDelayMs(3); // undefined: the list is exhausted
 * ```
 */
export function compileSchedule(spec: ScheduleSpec): CompiledSchedule {
  switch (spec.type) {
    case 'list': {
      const { delaysMs } = spec;
      // Past the end the step reads undefined: the list has no more retries. Validation guarantees a first delay.
      return compiled('none', 'prefer', (attempt) => delaysMs[attempt - 1], delaysMs[0] ?? 0, undefined);
    }
    case 'constant': {
      const { delayMs } = spec;
      return compiled('none', 'prefer', () => delayMs, delayMs, undefined);
    }
    case 'exponential': {
      const { baseMs, factor = DEFAULT_FACTOR, capMs } = spec;
      // Clamp in the step: factor^attempt overflows to Infinity on long calls without a cap.
      const stepCapMs = capMs ?? Number.MAX_SAFE_INTEGER;
      return compiled('none', 'prefer', (attempt) => Math.min(baseMs * factor ** attempt, stepCapMs), baseMs, capMs);
    }
    case 'retry-after':
      return hinted('retry-after', spec.mode ?? 'prefer', compileSchedule(spec.fallback));
    case 'quota-reset':
      return hinted('quota-reset', 'prefer', compileSchedule(spec.fallback));
    default:
      return spec satisfies never;
  }
}

function hinted(hint: ScheduleHint, mode: CompiledSchedule['mode'], { stepDelayMs, baseMs, capMs }: CompiledSchedule): CompiledSchedule {
  return compiled(hint, mode, stepDelayMs, baseMs, capMs);
}

/** One literal for every kind: all compiled schedules share one shape, so decide's reads stay monomorphic. */
function compiled(hint: ScheduleHint, mode: CompiledSchedule['mode'], stepDelayMs: StepDelay, baseMs: number, capMs: number | undefined): CompiledSchedule {
  return { hint, mode, stepDelayMs, baseMs, capMs };
}
