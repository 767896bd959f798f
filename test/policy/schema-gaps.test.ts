import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PolicySpec } from '../../src/index.js';
import { FUZZ_TIMEOUT_MS, fuzzParameters, label } from '../fuzz/fuzz-settings.js';
import { validSpec } from './schema-arbitraries.js';
import { policyVerdict, schemaVerdict } from './schema-verdicts.js';

/**
 * What policy.schema.json cannot say and definePolicy checks: rules about a value's relation to
 * another part of the file. Each is listed here with tables the schema accepts and definePolicy
 * refuses, naming the field; docs/policy-files.md lists the same ones under the same titles. A
 * fuzz run then shows these are the only ways the two disagree.
 */
const GAPS: readonly { readonly title: string; readonly problem: RegExp; readonly tables: readonly { readonly spec: unknown; readonly field: string }[] }[] = [
  {
    // JSON Schema has no way to compare a value with another value of the same document.
    title: "a delay above the file's own maxDelayMs",
    problem: /must not exceed the policy's maxDelayMs/,
    tables: [
      { spec: { name: 'p', maxDelayMs: 1000, rules: [{ match: {}, retry: true, schedule: { type: 'constant', delayMs: 2000 } }] }, field: 'rules[0].schedule.delayMs' },
      { spec: { name: 'p', maxDelayMs: 1000, schedule: { type: 'list', delaysMs: [500, 1500] }, rules: [{ match: {}, retry: true }] }, field: 'schedule.delaysMs[1]' },
      {
        spec: { name: 'p', maxDelayMs: 1000, rules: [{ match: {}, retry: true, schedule: { type: 'retry-after', fallback: { type: 'exponential', baseMs: 100, capMs: 1001 } } }] },
        field: 'rules[0].schedule.fallback.capMs',
      },
    ],
  },
  {
    // uniqueItems compares whole rows; an id may also be derived from the match (status:503).
    title: 'a duplicate row id',
    problem: /duplicates the id of an earlier rule/,
    tables: [
      { spec: { name: 'p', rules: [{ id: 'a', match: { status: 500 }, retry: true }, { id: 'a', match: { status: 503 }, retry: true }] }, field: 'rules[1].id' },
      { spec: { name: 'p', rules: [{ id: 'status:503', match: { status: 500 }, retry: true }, { match: { status: 503 }, retry: true }] }, field: 'rules[1].id' },
    ],
  },
  {
    // Two matches are the same when their lists hold the same values in any order.
    title: 'a row matching exactly what an earlier row matches',
    problem: /duplicates the match of rule "status:500\|503", so it can never match/,
    tables: [{ spec: { name: 'p', rules: [{ match: { status: [500, 503] }, retry: true }, { match: { status: [503, 500] }, retry: false }] }, field: 'rules[1].match' }],
  },
  {
    // Whether one row's values contain another's is a relation between two items of the array.
    title: 'a row an earlier row covers',
    problem: /can never match: rule "[^"]+" \(rules\[\d+\]\) comes first and matches every failure it does/,
    tables: [
      { spec: { name: 'p', rules: [{ match: { status: '5xx' }, retry: true }, { match: { status: 503 }, retry: false }] }, field: 'rules[1].match' },
      { spec: { name: 'p', rules: [{ id: 'busy', match: { code: 'Busy' }, retry: true }, { match: { code: 'Busy', status: 503 }, retry: false }] }, field: 'rules[1].match' },
    ],
  },
  {
    // A schema constrains items, not where an item stands among the others.
    title: 'a row after the catch-all {}',
    problem: /comes after the catch-all rule "\*", so it can never match/,
    tables: [{ spec: { name: 'p', rules: [{ match: {}, retry: false }, { match: { status: 503 }, retry: true }] }, field: 'rules[1].match' }],
  },
];

/**
 * Null where a number belongs: definePolicy once read it as "not given" (`?? default`), and for
 * an exponential `factor` that made every wait 0 ms (`null ** attempt` is 0). Both refuse it now.
 */
const NULL_VALUES: readonly { readonly field: string; readonly spec: unknown }[] = [
  { field: 'maxAttempts', spec: { name: 'p', maxAttempts: null, rules: [{ match: {}, retry: true }] } },
  { field: 'maxDelayMs', spec: { name: 'p', maxDelayMs: null, rules: [{ match: {}, retry: true }] } },
  { field: 'rules[0].schedule.factor', spec: { name: 'p', rules: [{ match: {}, retry: true, schedule: { type: 'exponential', baseMs: 1000, factor: null } }] } },
];

describe('what the schema cannot express, definePolicy catches', () => {
  describe.each(GAPS)('$title', ({ problem, tables }) => {
    it.each(tables)('refuses $field, which the schema accepts', ({ spec, field }) => {
      expect(schemaVerdict(spec).ok).toBe(true);
      const verdict = policyVerdict(spec);
      expect(verdict.ok).toBe(false);
      if (verdict.ok) return;
      expect(verdict.error.field).toBe(field);
      expect(verdict.error.message).toMatch(problem);
    });
  });

  it('docs/policy-files.md lists each of them under the same title', () => {
    const docs = readFileSync(new URL('../../docs/policy-files.md', import.meta.url), 'utf8');
    const heading = '## What the schema does not catch';
    const start = docs.indexOf(heading);
    expect(start, `docs/policy-files.md has no "${heading}" section`).toBeGreaterThanOrEqual(0);
    // The section ends at the next heading of its level, so a title found elsewhere does not count.
    const end = docs.indexOf('\n## ', start + heading.length);
    const section = docs.slice(start, end === -1 ? undefined : end);
    for (const { title } of GAPS) expect(section, `the section lists "${title}"`).toContain(`**${title}**`);
  });
});

describe('null where a number belongs', () => {
  it.each(NULL_VALUES)('the schema and definePolicy both refuse null for $field, naming it', ({ spec, field }) => {
    expect(schemaVerdict(spec).ok).toBe(false);
    const verdict = policyVerdict(spec);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.error.field).toBe(field);
  });
});

type Path = (string | number)[];

/** Every path to a value inside a JSON-like tree. */
function paths(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const children = Object.entries(value).map(([k, v]) => paths(v, [...prefix, Array.isArray(value) ? Number(k) : k]));
  return [prefix, ...children.flat()];
}

/** A copy of `spec` with the value at `path` replaced by `value`, or removed for `undefined`. */
function replaced(spec: PolicySpec, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(spec) as unknown as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  if (value === undefined && !Array.isArray(node)) delete node[path.at(-1)!];
  else node[path.at(-1)!] = value ?? null;
  return copy;
}

function valueAt(spec: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], spec);
}

/**
 * Valid tables with one value replaced (or removed): by arbitrary JSON, by edge values, or by a
 * value from elsewhere in the same table (a row, a match, a delay: what makes duplicates, rows
 * after the catch-all and delays above maxDelayMs), the files that nearly work.
 */
const nearlyValid = validSpec.chain((spec) => {
  const all = paths(spec);
  const edges = fc.constantFrom(undefined, null, -1, 0, 1.5, 1001, 2 ** 31, '', ' ', 'full', '5xx', [], {}, { type: 'constant', delayMs: 5 }, { match: {}, retry: true });
  const elsewhere = fc.constantFrom(...all).map((path) => structuredClone(valueAt(spec, path)));
  return fc.tuple(fc.constantFrom(...all), fc.oneof(fc.jsonValue(), edges, elsewhere)).map(([path, value]) => ({ path, value, spec: replaced(spec, path, value) }));
});

describe('policy.schema.json and definePolicy disagree only where listed above', () => {
  it(`on valid tables with one value replaced by arbitrary JSON (${label})`, () => {
    fc.assert(
      fc.property(nearlyValid, ({ path, value, spec }) => {
        const schema = schemaVerdict(spec);
        const policy = policyVerdict(spec);
        if (schema.ok === policy.ok) return;
        const where = `${JSON.stringify(path)} = ${JSON.stringify(value)}`;
        if (schema.ok && !policy.ok) {
          // The schema let through only what it cannot express.
          expect(GAPS.some(({ problem }) => problem.test(policy.error.message)), `${where}: ${policy.error.message}`).toBe(true);
        } else {
          expect.fail(`${where}: the schema refused what definePolicy accepted`);
        }
      }),
      fuzzParameters,
    );
  }, FUZZ_TIMEOUT_MS);
});
