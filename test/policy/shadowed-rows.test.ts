import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definePolicy, isPolicyError, mwsPolicy, scraperPolicy, spApiPolicy, type Failure, type FailureKind, type PolicyError, type RuleMatch, type StatusClass } from '../../src/index.js';
import { matchCovers } from '../../src/policy/validate-policy.js';
import { fuzzParameters, label } from '../fuzz/fuzz-settings.js';

/** What definePolicy says of a two-row table: A first, then B. */
function verdict(a: RuleMatch, b: RuleMatch): PolicyError | undefined {
  try {
    definePolicy({ name: 'p', rules: [{ id: 'A', match: a, retry: true }, { id: 'B', match: b, retry: false }] });
    return undefined;
  } catch (error) {
    if (isPolicyError(error)) return error;
    throw error;
  }
}

describe('a row an earlier row covers is a PolicyError', () => {
  it.each<[string, RuleMatch, RuleMatch]>([
    ['a status in an earlier class', { status: '5xx' }, { status: 503 }],
    ['statuses all in earlier classes or statuses', { status: ['4xx', 503] }, { status: [404, 503, 429] }],
    ['the same class', { status: ['5xx', 429] }, { status: '5xx' }],
    ['codes among the earlier codes', { code: ['A', 'B', 'C'] }, { code: ['C', 'A'] }],
    ['kinds among the earlier kinds', { kind: ['network', 'timeout'] }, { kind: 'timeout' }],
    ['a narrower row with more fields', { code: 'Busy' }, { code: 'Busy', status: 503 }],
    ['every field narrower', { code: ['A', 'B'], status: '5xx', kind: ['http', 'network'] }, { code: 'A', status: [500, 599], kind: 'http' }],
  ])('%s', (_what, a, b) => {
    expect(matchCovers(a, b)).toBe(true);
    const error = verdict(a, b);
    expect(error?.field).toBe('rules[1].match');
    expect(error?.rule).toBe('B');
    expect(error?.message).toBe(`policy "p", rule "B": rules[1].match can never match: rule "A" (rules[0]) comes first and matches every failure it does (got ${JSON.stringify(b)})`);
  });

  it('names both rows by their derived ids when they have none, and the first covering row', () => {
    const rules = [{ match: { code: 'A' }, retry: true }, { match: { status: '5xx' as const }, retry: true }, { match: { status: ['4xx' as const, '5xx' as const] }, retry: true }, { match: { status: 503 }, retry: true }];
    expect(() => definePolicy({ name: 'p', rules })).toThrow('policy "p", rule "rules[3]": rules[3].match can never match: rule "status:5xx" (rules[1]) comes first and matches every failure it does (got {"status":503})');
  });

  it('keeps the messages of the special cases: an exact duplicate, a row after the catch-all', () => {
    expect(verdict({ status: [500, 503] }, { status: [503, 500] })?.message).toContain('duplicates the match of rule "A", so it can never match');
    expect(verdict({}, { code: 'X' })?.message).toContain('comes after the catch-all rule "A", so it can never match');
  });

  it.each<[string, RuleMatch, RuleMatch]>([
    ['a class after one of its statuses', { status: 503 }, { status: '5xx' }],
    ['a status outside the earlier class', { status: '4xx' }, { status: 503 }],
    ['a list reaching past the earlier one', { code: ['A', 'B'] }, { code: ['B', 'C'] }],
    ['a later row leaving open a field the earlier row constrains', { status: 503, kind: 'http' }, { status: 503 }],
    ['a different field', { kind: 'http' }, { status: 503 }],
    ['a code row before a status row', { code: 'Busy' }, { status: 503 }],
    // Conservative: the five kinds are every kind there is, but the check does not enumerate them.
    ['every kind listed, the later row constraining none', { kind: ['http', 'network', 'timeout', 'abort', 'unknown'] }, { status: 503 }],
    // Conservative too: '5xx' also matches a status such as 503.5 that no list of statuses holds.
    ['a class after its hundred statuses', { status: Array.from({ length: 100 }, (_, i) => 500 + i) }, { status: '5xx' }],
  ])('not covered: %s', (_what, a, b) => {
    expect(matchCovers(a, b)).toBe(false);
    expect(verdict(a, b)).toBeUndefined();
  });

  it('leaves the prebuilt tables defining: no row of theirs is covered by an earlier one', () => {
    for (const policy of [mwsPolicy, scraperPolicy, spApiPolicy]) {
      expect(() => definePolicy(policy.spec)).not.toThrow();
      const rules = policy.spec.rules;
      const covered = rules.flatMap((b, j) => rules.slice(0, j).filter((a) => matchCovers(a.match, b.match)).map((a) => `${a.id} covers ${b.id}`));
      expect(covered, policy.name).toEqual([]);
    }
  });
});

// ---- the property: the check never refuses a row that could match ------------------------

const CODES = ['A', 'B', 'C'];
const STATUSES = [400, 404, 429, 500, 503, 599];
const CLASSES: StatusClass[] = ['4xx', '5xx'];
const KINDS: FailureKind[] = ['http', 'network', 'timeout', 'abort', 'unknown'];

const oneOrList = <T>(values: readonly T[]): fc.Arbitrary<T | T[]> =>
  fc.oneof(fc.constantFrom(...values), fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: 3 }));
const matchArb: fc.Arbitrary<RuleMatch> = fc.record(
  { code: oneOrList(CODES), status: oneOrList<number | StatusClass>([...STATUSES, ...CLASSES]), kind: oneOrList(KINDS) },
  { requiredKeys: [] },
);

/** Some of a list's values, at least one; a class may become one of its statuses. */
function narrowed<T>(value: T | readonly T[], narrow: (item: T) => fc.Arbitrary<T> = fc.constant): fc.Arbitrary<T | T[]> {
  const items = [value].flat() as T[];
  return fc.subarray(items, { minLength: 1 }).chain((some) => fc.tuple(...some.map(narrow)));
}
const narrowStatus = (status: number | StatusClass): fc.Arbitrary<number | StatusClass> =>
  typeof status === 'number' ? fc.constant(status) : fc.oneof(fc.constant(status), fc.integer({ min: Number(status[0]) * 100, max: Number(status[0]) * 100 + 99 }));

/** A row derived from `a` so that it often is covered: its lists narrowed, fields added, sometimes one widened. */
const laterArb = (a: RuleMatch): fc.Arbitrary<RuleMatch> =>
  fc
    .record({
      code: a.code === undefined ? fc.option(oneOrList(CODES), { nil: undefined }) : narrowed(a.code),
      status: a.status === undefined ? fc.option(oneOrList<number | StatusClass>([...STATUSES, ...CLASSES]), { nil: undefined }) : narrowed(a.status, narrowStatus),
      kind: a.kind === undefined ? fc.option(oneOrList(KINDS), { nil: undefined }) : narrowed(a.kind),
      widen: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: matchArb, weight: 1 }),
    })
    .map(({ widen, ...fields }) => ({ ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)), ...widen }));

const pairArb = fc.oneof(
  fc.tuple(matchArb, matchArb),
  matchArb.chain((a) => fc.tuple(fc.constant(a), laterArb(a))),
);

/** Failures that row `b` is likely to match: its values where it has some, anything elsewhere. */
const failureFor = (b: RuleMatch): fc.Arbitrary<Failure> =>
  fc.record(
    {
      kind: b.kind === undefined ? fc.constantFrom(...KINDS) : fc.constantFrom(...[b.kind].flat()),
      status:
        b.status === undefined
          ? fc.option(fc.constantFrom(...STATUSES, 100, 302, 401, 502, 503.5), { nil: undefined })
          : fc.constantFrom(...[b.status].flat()).chain((s) => (typeof s === 'number' ? fc.constant(s) : fc.integer({ min: Number(s[0]) * 100, max: Number(s[0]) * 100 + 99 }))),
      code: b.code === undefined ? fc.option(fc.constantFrom(...CODES, 'Z'), { nil: undefined }) : fc.constantFrom(...[b.code].flat()),
    },
    { requiredKeys: ['kind'] },
  ) as fc.Arbitrary<Failure>;

describe('covering, against the compiled policy', () => {
  it('generates covered pairs often enough for the property to mean something', () => {
    const pairs = fc.sample(pairArb, { numRuns: 1000, seed: 7 });
    expect(pairs.filter(([a, b]) => matchCovers(a, b)).length).toBeGreaterThan(200);
    expect(pairs.filter(([a, b]) => !matchCovers(a, b)).length).toBeGreaterThan(200);
  });

  it(`when B is reported covered by A, every failure B matches A matches too; otherwise definePolicy accepts A then B (${label})`, () => {
    fc.assert(
      fc.property(
        pairArb.chain(([a, b]) => fc.tuple(fc.constant(a), fc.constant(b), fc.array(fc.oneof(failureFor(b), failureFor({})), { minLength: 20, maxLength: 40 }))),
        ([a, b, failures]) => {
          const error = verdict(a, b);
          if (!matchCovers(a, b)) {
            expect(error?.message).toBeUndefined();
            return;
          }
          expect(error?.field).toBe('rules[1].match');
          // Each row alone, compiled by definePolicy: the real index decides what matches.
          const onlyA = definePolicy({ name: 'a', rules: [{ match: a, retry: true }] });
          const onlyB = definePolicy({ name: 'b', rules: [{ match: b, retry: true }] });
          for (const failure of failures) {
            if (onlyB.match(failure) !== undefined) expect(onlyA.match(failure), `${JSON.stringify(failure)}: B matches, A does not`).toBeDefined();
          }
        },
      ),
      fuzzParameters,
    );
  });
});
