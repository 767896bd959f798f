import { MAX_TIMER_DELAY_MS } from '../shared/limits.js';
import { rejectUnknownFields, isKeyOf, type Fail, type FieldSet } from '../shared/fields.js';
import { isFiniteNumber, isPlainObject } from '../shared/validate.js';

// A closed set, handled in switches that end in `satisfies never`. The four algorithms are public so
// simulations and users' schedulers run the code decide runs; none caps: the caller caps after jitter.

/**
 * Randomization applied to a scheduled delay, with `r` in [0, 1) and `d` the scheduled delay:
 *
 * - `'none'`: `d`.
 * - `'full'`: `r · d` (AWS "Full Jitter").
 * - `'equal'`: `d/2 + r · d/2` (AWS "Equal Jitter").
 * - `'decorrelated'`: `base + r · (3 · previous − base)`, where `base` is the schedule's
 *   smallest step and `previous` the previous delay (AWS "Decorrelated Jitter").
 * - `{ type: 'additive', maxMs }`: `d + r · maxMs` (the scraper API's `+ Math.random() * 1000`).
 *
 * A schedule's cap (`capMs`) and the policy's `maxDelayMs` apply after jitter.
 *
 * @example
 * ```ts
 * const full: JitterSpec = 'full';
 * const upToOneSecond: JitterSpec = { type: 'additive', maxMs: 1000 }; // the scraper API's
 * const jittered = mwsPolicy.with({ jitter: full }); // a fleet of MWS clients that do not retry in step
 * ```
 */
export type JitterSpec =
  | 'none'
  | 'full'
  | 'equal'
  | 'decorrelated'
  | { readonly type: 'additive'; readonly maxMs: number };

/** A compiled jitter: the jittered delay from the delay, the schedule's smallest step, the previous delay and r in [0, 1). */
export type JitterFunction = (delayMs: number, baseMs: number, previousMs: number, random: number) => number;

/**
 * AWS "Full Jitter": uniform in [0, delay).
 * @example
 * ```ts
 * fullJitter(1000, 0.25); // 250
 * ```
 */
export function fullJitter(delayMs: number, random: number): number {
  return random * delayMs;
}

/**
 * AWS "Equal Jitter": half the delay, plus uniform in [0, delay/2).
 * @example
 * ```ts
 * equalJitter(1000, 0.5); // 750
 * ```
 */
export function equalJitter(delayMs: number, random: number): number {
  return delayMs / 2 + (random * delayMs) / 2;
}

/**
 * AWS "Decorrelated Jitter": uniform in [base, 3 · previous), where `previous` is the previous
 * delay (the first time, `base`). Degenerates to `base` when 3 · previous ≤ base.
 * @example
 * ```ts
 * decorrelatedJitter(100, 100, 0.5); // 200: halfway between 100 and 300
 * ```
 */
export function decorrelatedJitter(baseMs: number, previousMs: number, random: number): number {
  const upper = Math.max(baseMs, previousMs * 3);
  return baseMs + random * (upper - baseMs);
}

/**
 * Additive jitter: the delay plus uniform in [0, maxMs), as in the scraper API's
 * `backoff + Math.random() * 1000`.
 * @example
 * ```ts
 * additiveJitter(2000, 1000, 0.5); // 2500
 * ```
 */
export function additiveJitter(delayMs: number, maxMs: number, random: number): number {
  return delayMs + random * maxMs;
}

/**
 * The bare-name jitters, in message order (kinds.test-d.ts checks they are {@link JitterSpec}'s strings).
 *
 * @example
 * ```ts
 * JITTER_NAMES; // ['none', 'full', 'equal', 'decorrelated']
 * ```
 */
export const JITTER_NAMES: readonly Extract<JitterSpec, string>[] = Object.freeze(['none', 'full', 'equal', 'decorrelated'] as const);

/**
 * Each object jitter's fields, by `type`; a kind or field missing or extra fails to compile.
 *
 * @example
 * ```ts
 * Object.keys(JITTER_FIELDS.additive); // ['type', 'maxMs']
 * ```
 */
export const JITTER_FIELDS = {
  additive: { type: true, maxMs: true },
} as const satisfies { readonly [T in Exclude<JitterSpec, string>['type']]: FieldSet<Extract<JitterSpec, { readonly type: T }>> };

const NAMES: ReadonlySet<unknown> = new Set(JITTER_NAMES);

/** Every way to write a jitter, e.g. `none, full, equal, decorrelated or { type: "additive", maxMs }`. */
const CHOICES = ((): string => {
  const objects = Object.entries(JITTER_FIELDS).map(([type, fields]) =>
    `{ ${[`type: ${JSON.stringify(type)}`, ...Object.keys(fields).filter((field) => field !== 'type')].join(', ')} }`,
  );
  const all = [...JITTER_NAMES, ...objects];
  return `${all.slice(0, -1).join(', ')} or ${all.at(-1)}`;
})();

/**
 * Checks an untrusted jitter (a literal, or JSON) at field path `field` and reports the first
 * problem through `fail`.
 *
 * @example
 * ```ts
 * validateJitterSpec('fuzzy', 'jitter', fail);
 * // fail('jitter', 'fuzzy', 'must be one of none, full, equal, decorrelated or { type: "additive", maxMs }')
 * ```
 */
export function validateJitterSpec(jitter: unknown, field: string, fail: Fail): void {
  if (typeof jitter === 'string') {
    if (!NAMES.has(jitter)) fail(field, jitter, `must be one of ${CHOICES}`);
    return;
  }
  if (!isPlainObject(jitter)) fail(field, jitter, `must be one of ${CHOICES}`);
  const type = jitter['type'];
  if (!isKeyOf(JITTER_FIELDS, type)) fail(field, jitter, `must be one of ${CHOICES}`);
  rejectUnknownFields(jitter, JITTER_FIELDS[type], `${field}.`, fail);
  switch (type) {
    case 'additive': {
      const maxMs = jitter['maxMs'];
      if (!isFiniteNumber(maxMs) || maxMs < 0 || maxMs > MAX_TIMER_DELAY_MS) fail(`${field}.maxMs`, maxMs, 'must be a finite number of milliseconds, 0 or more');
      return;
    }
    default:
      return type satisfies never;
  }
}

// The named jitters' compiled forms hold no state: one function each, shared by every row.
const unchanged: JitterFunction = (delayMs) => delayMs;
const full: JitterFunction = (delayMs, _baseMs, _previousMs, random) => fullJitter(delayMs, random);
const equal: JitterFunction = (delayMs, _baseMs, _previousMs, random) => equalJitter(delayMs, random);
// Decorrelated ignores the scheduled delay and grows from the previous one.
const decorrelated: JitterFunction = (_delayMs, baseMs, previousMs, random) => decorrelatedJitter(baseMs, previousMs, random);

/**
 * The algorithm of a validated jitter, built once per row so deciding reads no spec.
 *
 * @example
 * ```ts
 * compileJitter({ type: 'additive', maxMs: 1000 })(2000, 100, 100, 0.5); // 2500
 * ```
 */
export function compileJitter(spec: JitterSpec): JitterFunction {
  if (typeof spec === 'object') {
    switch (spec.type) {
      case 'additive': {
        // The one closure per row: it holds the row's maxMs.
        const { maxMs } = spec;
        return (delayMs, _baseMs, _previousMs, random) => additiveJitter(delayMs, maxMs, random);
      }
      default:
        // On `type`, not `spec`: a union of one member does not narrow to never.
        return spec.type satisfies never;
    }
  }
  switch (spec) {
    case 'none':
      return unchanged;
    case 'full':
      return full;
    case 'equal':
      return equal;
    case 'decorrelated':
      return decorrelated;
    default:
      return spec satisfies never;
  }
}

/**
 * Applies a compiled jitter. A server's hint (`fromServer`) may only grow: retrying before its
 * `Retry-After` would break the server's contract.
 *
 * @example
 * ```ts
 * applyJitter(compileJitter('full'), 3000, true, 100, 100, 0); // 3000: a hint is never shortened
 * ```
 */
export function applyJitter(jitter: JitterFunction, delayMs: number, fromServer: boolean, baseMs: number, previousMs: number, random: number): number {
  const jittered = jitter(delayMs, baseMs, previousMs, random);
  return fromServer ? Math.max(delayMs, jittered) : jittered;
}
