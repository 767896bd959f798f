import fc from 'fast-check';
import type { JitterSpec, PolicySpec, RuleMatch, RuleSpec, ScheduleSpec } from '../../src/index.js';
import { ruleId } from '../../src/policy/match-fields.js';
import { matchCovers } from '../../src/policy/validate-policy.js';
import { JITTER_NAMES } from '../../src/schedule/jitter.js';

/**
 * Valid policy tables for the schema tests: every field, kind and form the spec types allow,
 * strings of every kind (whitespace included), delays within the table's maxDelayMs, and no
 * duplicate ids nor rows an earlier row covers (the rules definePolicy enforces that a JSON Schema cannot).
 */

export const MAX_TIMER = 2 ** 31 - 1;

/** Any text, whitespace of every kind included: names, ids, notes. */
const text = fc.string({ unit: 'binary', maxLength: 10 });
/** Text definePolicy does not reject as blank. */
const notBlank = fc.oneof(text, fc.constantFrom('\u00a0x', 'x\u2028', '\ufeffy')).filter((s) => s.trim() !== '');
/** Codes without `|` or spaces: two different matches never derive the same row id. */
const code = fc.stringMatching(/^[A-Za-z][\w.-]{0,11}$/);
const oneOrList = <T>(item: fc.Arbitrary<T>): fc.Arbitrary<T | T[]> => fc.oneof(item, fc.array(item, { minLength: 1, maxLength: 3 }));
/** A delay within the table's maxDelayMs: an integer or a fraction of a millisecond. */
const delay = (max: number): fc.Arbitrary<number> => fc.oneof(fc.integer({ min: 0, max }), fc.double({ min: 0, max, noNaN: true }));

/** One generator per kind, typed over the spec union: a kind added there must be generated here. */
const STEP_SCHEDULES: { readonly [K in 'list' | 'constant' | 'exponential']: (max: number) => fc.Arbitrary<ScheduleSpec> } = {
  list: (max) => fc.record({ type: fc.constant('list' as const), delaysMs: fc.array(delay(max), { minLength: 1, maxLength: 5 }) }),
  constant: (max) => fc.record({ type: fc.constant('constant' as const), delayMs: delay(max) }),
  exponential: (max) =>
    fc.record(
      { type: fc.constant('exponential' as const), baseMs: delay(max), factor: fc.double({ min: 1, max: 100, noNaN: true }), capMs: delay(max) },
      { requiredKeys: ['type', 'baseMs'] },
    ),
};
const stepSchedule = (max: number): fc.Arbitrary<ScheduleSpec> => fc.oneof(...Object.values(STEP_SCHEDULES).map((make) => make(max)));
const SCHEDULES: { readonly [K in ScheduleSpec['type']]: (max: number) => fc.Arbitrary<ScheduleSpec> } = {
  ...STEP_SCHEDULES,
  'retry-after': (max) =>
    fc.record({ type: fc.constant('retry-after' as const), fallback: stepSchedule(max), mode: fc.constantFrom('prefer' as const, 'max' as const) }, { requiredKeys: ['type', 'fallback'] }),
  'quota-reset': (max) => fc.record({ type: fc.constant('quota-reset' as const), fallback: stepSchedule(max) }),
};
const schedule = (max: number): fc.Arbitrary<ScheduleSpec> => fc.oneof(...Object.values(SCHEDULES).map((make) => make(max)));

const jitter: fc.Arbitrary<JitterSpec> = fc.oneof(
  fc.constantFrom(...(JITTER_NAMES as JitterSpec[])),
  fc.record({ type: fc.constant('additive' as const), maxMs: fc.oneof(fc.double({ min: 0, max: MAX_TIMER, noNaN: true }), fc.constant(MAX_TIMER)) }),
);

const status = fc.oneof(fc.integer({ min: 100, max: 599 }), fc.constantFrom('1xx' as const, '2xx' as const, '3xx' as const, '4xx' as const, '5xx' as const));
/** A match naming at least one field: the catch-all `{}` is added last, if at all. */
const match: fc.Arbitrary<RuleMatch> = fc
  .record(
    { code: oneOrList(code), status: oneOrList(status), kind: oneOrList(fc.constantFrom('http' as const, 'network' as const, 'timeout' as const, 'abort' as const, 'unknown' as const)) },
    { requiredKeys: [] },
  )
  .filter((m) => Object.keys(m).length > 0);

const rule = (max: number): fc.Arbitrary<RuleSpec> =>
  fc.record(
    {
      id: notBlank,
      match,
      retry: fc.boolean(),
      schedule: schedule(max),
      jitter,
      maxRetries: fc.integer({ min: 0, max: 1000 }),
      note: text,
      coolDown: fc.boolean(),
      idempotent: fc.boolean(),
    },
    { requiredKeys: ['match', 'retry'] },
  );

/** Rows without duplicate ids and none an earlier row covers (rules definePolicy enforces and the schema cannot). */
function distinctRows(rows: readonly RuleSpec[]): RuleSpec[] {
  const ids = new Set<string>();
  const kept: RuleSpec[] = [];
  for (const row of rows) {
    if (ids.has(ruleId(row)) || kept.some((earlier) => matchCovers(earlier.match, row.match))) continue;
    ids.add(ruleId(row));
    kept.push(row);
  }
  return kept;
}

/** Valid tables: every field, kind and form the spec allows, with delays within maxDelayMs. */
export const validSpec: fc.Arbitrary<PolicySpec> = fc.oneof(fc.constant(MAX_TIMER), fc.integer({ min: 0, max: MAX_TIMER })).chain((maxDelayMs) =>
  fc.record(
    {
      name: notBlank,
      description: text,
      maxAttempts: fc.integer({ min: 1, max: 1000 }),
      maxDelayMs: fc.constant(maxDelayMs),
      schedule: schedule(maxDelayMs),
      jitter,
      rules: fc
        .tuple(fc.array(rule(maxDelayMs), { minLength: 1, maxLength: 6 }), fc.option(fc.record({ id: fc.constant('rest'), match: fc.constant({}), retry: fc.boolean() })))
        .map(([rows, catchAll]) => [...distinctRows(rows), ...(catchAll === null || rows.some((r) => ruleId(r) === 'rest') ? [] : [catchAll])]),
    },
    // maxDelayMs is always given: the delays were drawn below it.
    { requiredKeys: ['name', 'rules', 'maxDelayMs'] },
  ),
);
