import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JitterSpec, PolicySpec, ScheduleSpec } from '../../src/index.js';
import { fuzzParameters, label } from '../fuzz/fuzz-settings.js';
import { validSpec } from './schema-arbitraries.js';
import { fieldSegments, isPrefix, policyVerdict, schemaVerdict } from './schema-verdicts.js';

/**
 * policy.schema.json against definePolicy, both ways: every valid table the generator makes is
 * accepted by both; every table broken in one place (unknown key, misspelled field, wrong type,
 * bad enum value, number out of range, blank or empty value, missing field, nested hint
 * schedule) is refused by both, and the schema points at the same place definePolicy names.
 * The rules a JSON Schema cannot express are in schema-gaps.test.ts.
 */

// ---- where a table can be broken -----------------------------------------------------------

type Path = readonly (string | number)[];
type Role =
  | 'policy' | 'rule' | 'match' | 'schedule' | 'jitterObject'
  | 'name' | 'text' | 'bool' | 'attempts' | 'retries' | 'maxDelay' | 'rules'
  | 'code' | 'codeItem' | 'status' | 'statusItem' | 'kind' | 'kindItem'
  | 'scheduleType' | 'delays' | 'delay' | 'factor' | 'mode' | 'jitterName' | 'jitterType' | 'maxMs';
interface Place {
  readonly path: Path;
  readonly role: Role;
}

/** Every place of a valid table, by what its value is. */
function places(spec: PolicySpec): Place[] {
  const out: Place[] = [{ path: [], role: 'policy' }];
  const add = (path: Path, role: Role): void => void out.push({ path, role });
  const field = (path: Path, key: string, value: unknown, role: Role | undefined): void => {
    if (value !== undefined && role !== undefined) add([...path, key], role);
  };
  const listOrOne = (path: Path, value: unknown, role: Role, itemRole: Role): void => {
    if (value === undefined) return;
    add(path, role);
    if (Array.isArray(value)) value.forEach((_, i) => add([...path, i], itemRole));
  };
  const walkSchedule = (path: Path, s: ScheduleSpec): void => {
    add(path, 'schedule');
    add([...path, 'type'], 'scheduleType');
    if (s.type === 'list') {
      add([...path, 'delaysMs'], 'delays');
      s.delaysMs.forEach((_, i) => add([...path, 'delaysMs', i], 'delay'));
    }
    if (s.type === 'constant') add([...path, 'delayMs'], 'delay');
    if (s.type === 'exponential') {
      add([...path, 'baseMs'], 'delay');
      field(path, 'factor', s.factor, 'factor');
      field(path, 'capMs', s.capMs, 'delay');
    }
    if (s.type === 'retry-after') field(path, 'mode', s.mode, 'mode');
    if (s.type === 'retry-after' || s.type === 'quota-reset') walkSchedule([...path, 'fallback'], s.fallback);
  };
  const walkJitter = (path: Path, j: JitterSpec | undefined): void => {
    if (j === undefined) return;
    if (typeof j === 'string') return add(path, 'jitterName');
    add(path, 'jitterObject');
    add([...path, 'type'], 'jitterType');
    add([...path, 'maxMs'], 'maxMs');
  };
  field([], 'name', spec.name, 'name');
  field([], 'description', spec.description, 'text');
  field([], 'maxAttempts', spec.maxAttempts, 'attempts');
  field([], 'maxDelayMs', spec.maxDelayMs, 'maxDelay');
  if (spec.schedule) walkSchedule(['schedule'], spec.schedule);
  walkJitter(['jitter'], spec.jitter);
  add(['rules'], 'rules');
  spec.rules.forEach((row, i) => {
    const at: Path = ['rules', i];
    add(at, 'rule');
    field(at, 'id', row.id, 'name');
    field(at, 'note', row.note, 'text');
    for (const key of ['retry', 'coolDown', 'idempotent'] as const) field(at, key, row[key], 'bool');
    field(at, 'maxRetries', row.maxRetries, 'retries');
    add([...at, 'match'], 'match');
    listOrOne([...at, 'match', 'code'], row.match.code, 'code', 'codeItem');
    listOrOne([...at, 'match', 'status'], row.match.status, 'status', 'statusItem');
    listOrOne([...at, 'match', 'kind'], row.match.kind, 'kind', 'kindItem');
    if (row.schedule) walkSchedule([...at, 'schedule'], row.schedule);
    walkJitter([...at, 'jitter'], row.jitter);
  });
  return out;
}

const OBJECT_ROLES: readonly Role[] = ['policy', 'rule', 'match', 'schedule', 'jitterObject'];

/** Values of the wrong JSON type for each role (none of them allowed there). */
const WRONG_TYPE: Partial<Record<Role, readonly unknown[]>> = {
  policy: ['x', 3, [], null, true],
  rule: ['x', 3, [], null],
  match: ['status:503', 503, [], null],
  schedule: ['exponential', 100, [], null],
  jitterObject: [[], null, 1000],
  name: [3, true, null, ['x'], {}],
  text: [3, false, null, {}],
  bool: [0, 1, 'true', null, {}],
  attempts: ['3', true, [3], {}],
  retries: ['3', null, false],
  maxDelay: ['1000', true, {}],
  rules: [{}, 'x', 1, null],
  code: [1, true, null, {}],
  codeItem: [1, null, ['x'], {}],
  status: [true, null, {}, '500'],
  statusItem: [true, null, '503', [503]],
  kind: [1, null, {}],
  kindItem: [1, null, ['http']],
  scheduleType: [1, null, true],
  delays: [{}, 100, '100', null],
  delay: ['100', true, null, [100], {}],
  factor: ['2', true, [2]],
  mode: [1, true, null],
  jitterName: [1, true, null, []],
  jitterType: [1, null],
  maxMs: ['1', null, true],
};

/** Strings that are not one of the role's names: near misses and other cases. */
const BAD_ENUM: Partial<Record<Role, readonly unknown[]>> = {
  scheduleType: ['exponental', 'List', 'CONSTANT', 'retry_after', 'retryAfter', 'fibonacci', ''],
  mode: ['min', 'Prefer', 'MAX', ''],
  kind: ['http2', 'Network', 'dns', ''],
  kindItem: ['Timeout', 'aborted'],
  status: ['6xx', '5XX', 'xx', '50x', '0xx'],
  statusItem: ['6xx', '4XX', '5xx '],
  jitterName: ['ful', 'Full', 'random', 'additive', 'exponential', ''],
  jitterType: ['additiv', 'full', 'Additive'],
};

/** Numbers outside the role's range, or fractional where an integer is required. */
const OUT_OF_RANGE: Partial<Record<Role, readonly unknown[]>> = {
  attempts: [0, -1, 1001, 2.5, 1e9],
  retries: [-1, 1001, 0.5],
  maxDelay: [-1, 2 ** 31, 1.5, 1e300],
  status: [99, 600, 0, -500, 503.5],
  statusItem: [99, 600, 1000],
  factor: [0.5, 0, -2, 100.01, 1e6],
  delay: [-1, -0.001, 2 ** 31, 1e300],
  maxMs: [-1, -0.5, 2 ** 31],
};

/** Blank where text must say something; empty where a list must list something. */
const BLANK_OR_EMPTY: Partial<Record<Role, readonly unknown[]>> = {
  name: ['', ' ', '\t\n', '\u00a0', '\u2028', '\ufeff'],
  code: ['', []],
  codeItem: [''],
  status: [[]],
  kind: [[]],
  rules: [[]],
  delays: [[]],
};

/** The fields each object must have, as the spec types say (not read from the schema). */
function requiredFields(value: Record<string, unknown>, role: Role): readonly string[] {
  if (role === 'policy') return ['name', 'rules'];
  if (role === 'rule') return ['match', 'retry'];
  if (role === 'jitterObject') return ['type', 'maxMs'];
  if (role !== 'schedule') return [];
  const byType: Record<string, string> = { list: 'delaysMs', constant: 'delayMs', exponential: 'baseMs', 'retry-after': 'fallback', 'quota-reset': 'fallback' };
  return ['type', byType[value['type'] as string]!];
}

function valueAt(spec: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], spec);
}

/** A copy of `spec` with the value at `path` replaced (or, for `undefined`, removed). */
function replaced(spec: PolicySpec, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(spec) as unknown;
  const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  if (value === undefined) delete parent[path.at(-1)!];
  else parent[path.at(-1)!] = value;
  return copy;
}

/** A copy with the object at `path` rebuilt by `edit`, key order kept. */
function rebuilt(spec: PolicySpec, path: Path, edit: (entries: [string, unknown][]) => [string, unknown][]): unknown {
  return replaced(spec, path, Object.fromEntries(edit(Object.entries(valueAt(spec, path) as Record<string, unknown>))));
}

/** The common misspellings of a key: a letter's case, one dropped, one doubled, two swapped, a plural. */
function misspellings(key: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    const flipped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
    out.add(key.slice(0, i) + flipped + key.slice(i + 1));
    out.add(key.slice(0, i) + key.slice(i + 1));
    out.add(key.slice(0, i) + c + key.slice(i));
    if (i + 1 < key.length) out.add(key.slice(0, i) + key[i + 1]! + c + key.slice(i + 2));
  }
  out.add(`${key}s`);
  out.delete(key);
  return [...out].filter((k) => k !== '');
}

/** A broken table and what was done to it. */
interface Broken {
  readonly how: string;
  readonly spec: unknown;
}

/** A table broken at one place of a role in `table`, with one of the role's bad values. */
function breakWith(how: string, table: Partial<Record<Role, readonly unknown[]>>): fc.Arbitrary<Broken> {
  return validSpec.chain((spec) => {
    const candidates = places(spec).filter(({ role }) => table[role] !== undefined);
    return fc
      .constantFrom(...candidates)
      .chain(({ path, role }) => fc.constantFrom(...table[role]!).map((value) => ({ how: `${how}: ${path.join('.')} = ${JSON.stringify(value)}`, spec: replaced(spec, path, value) })));
  });
}

const objectPlace = (spec: PolicySpec): fc.Arbitrary<Place> => fc.constantFrom(...places(spec).filter(({ role }) => OBJECT_ROLES.includes(role)));

const MUTATIONS: Readonly<Record<string, fc.Arbitrary<Broken>>> = {
  'an unknown key': validSpec.chain((spec) =>
    fc.tuple(objectPlace(spec), fc.stringMatching(/^x[A-Za-z0-9_]{0,8}$/), fc.jsonValue()).map(([{ path }, key, value]) => ({
      how: `unknown key ${path.join('.')}.${key}`,
      spec: rebuilt(spec, path, (entries) => [...entries, [key, value]]),
    })),
  ),
  'a misspelled field': validSpec.chain((spec) =>
    objectPlace(spec)
      .filter(({ path }) => Object.keys(valueAt(spec, path) as object).length > 0)
      .chain(({ path }) => {
        const object = valueAt(spec, path) as Record<string, unknown>;
        return fc
          .constantFrom(...Object.keys(object))
          .chain((key) => fc.constantFrom(...misspellings(key).filter((k) => !Object.hasOwn(object, k))).map((typo) => [key, typo] as const))
          .map(([key, typo]) => ({
            how: `misspelled ${path.join('.')}.${key} as ${typo}`,
            spec: rebuilt(spec, path, (entries) => entries.map(([k, v]) => [k === key ? typo : k, v])),
          }));
      }),
  ),
  'a missing field': validSpec.chain((spec) =>
    fc
      .constantFrom(...places(spec).flatMap(({ path, role }) => requiredFields(valueAt(spec, path) as Record<string, unknown>, role).map((key) => [path, key] as const)))
      .map(([path, key]) => ({ how: `removed ${path.join('.')}.${key}`, spec: replaced(spec, [...path, key], undefined) })),
  ),
  'a value of the wrong type': breakWith('wrong type', WRONG_TYPE),
  'a bad enum value': breakWith('bad enum', BAD_ENUM),
  'a number out of range': breakWith('out of range', OUT_OF_RANGE),
  'a blank or empty value': breakWith('blank or empty', BLANK_OR_EMPTY),
  'a hint schedule inside a hint schedule': validSpec.chain((spec) =>
    fc
      .tuple(fc.constantFrom(...places(spec).filter(({ role }) => role === 'schedule')), fc.constantFrom('retry-after', 'quota-reset'), fc.constantFrom('retry-after', 'quota-reset'))
      .map(([{ path }, outer, inner]) => ({
        how: `nested ${inner} in ${outer} at ${path.join('.')}`,
        spec: replaced(spec, path, { type: outer, fallback: { type: inner, fallback: { type: 'constant', delayMs: 0 } } }),
      })),
  ),
};

// ---- the properties -------------------------------------------------------------------------

describe('policy.schema.json and definePolicy agree', () => {
  it(`accept every valid table (${label})`, () => {
    fc.assert(
      fc.property(validSpec, (spec) => {
        const policy = policyVerdict(spec);
        expect(policy.ok ? 'accepted' : policy.error.message).toBe('accepted');
        const schema = schemaVerdict(spec);
        expect(schema.ok ? 'accepted' : schema.errors).toBe('accepted');
      }),
      fuzzParameters,
    );
  });

  it.each(Object.entries(MUTATIONS))(`both refuse a table with %s, at the same place (${label})`, (_name, broken) => {
    fc.assert(
      fc.property(broken, ({ how, spec }) => {
        const policy = policyVerdict(spec);
        const schema = schemaVerdict(spec);
        expect(policy.ok, `definePolicy accepted ${how}`).toBe(false);
        expect(schema.ok, `the schema accepted ${how}`).toBe(false);
        if (policy.ok || schema.ok) return;
        // The schema's report reaches the field definePolicy names (or an object holding it).
        const field = fieldSegments(policy.error.field);
        expect(schema.paths.some((path) => isPrefix(path, field)), `${how}: schema errors at ${JSON.stringify(schema.paths)}, definePolicy at ${policy.error.field}`).toBe(true);
      }),
      fuzzParameters,
    );
  });

  it('cover every role of a table with at least one kind of break', () => {
    const covered = new Set([...OBJECT_ROLES, ...[WRONG_TYPE, BAD_ENUM, OUT_OF_RANGE, BLANK_OR_EMPTY].flatMap((table) => Object.keys(table))]);
    const seen = new Set(fc.sample(validSpec, { numRuns: 200, seed: 7 }).flatMap((spec) => places(spec).map(({ role }) => role)));
    expect([...seen].filter((role) => !covered.has(role))).toEqual([]);
    // And the generator reaches every role the walker knows.
    expect(seen.size).toBe(26);
  });
});
