import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { Policy, PolicySpec } from '../../src/index.js';
import type { ReaderSet } from '../../src/failure/readers/reader.js';

/**
 * The prebuilt tables are compiled through `definePrebuiltPolicy`, which does not run the spec
 * validator at import (so an application importing one does not bundle it). These tests are that
 * validator's run: each table, as written in its module, must pass `definePolicy` and compile to
 * the same policy; and `with` on a prebuilt policy must accept and refuse exactly what
 * `definePolicy` does for the same spec, with the same error.
 */
const written = vi.hoisted(() => new Map<string, PolicySpec>());
vi.mock('../../src/policy/define-policy.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/policy/define-policy.js')>();
  return {
    ...original,
    definePrebuiltPolicy: (spec: PolicySpec, builtIn: ReaderSet) => {
      written.set(spec.name, spec);
      return original.definePrebuiltPolicy(spec, builtIn);
    },
  };
});

const { definePolicy, mwsPolicy, scraperPolicy, spApiPolicy } = await import('../../src/index.js');
const PREBUILT: readonly Policy[] = [mwsPolicy, scraperPolicy, spApiPolicy];

/**
 * What a policy is, as data, or the error its making threw: two outcomes compare with toEqual.
 * Of the readers only the user's: a prebuilt policy's library readers are its API's, where
 * definePolicy gives every built-in one (compared in test/policies/prebuilt-readers.test.ts).
 */
function outcome(make: () => Policy): unknown {
  try {
    const { name, spec, rules, maxAttempts, maxDelayMs, readers } = make();
    return { made: { name, spec, rules, maxAttempts, maxDelayMs, userReaders: { body: readers.body, hints: readers.hints } } };
  } catch (error) {
    const { name, message, policy, rule, field, value } = error as Record<string, unknown>;
    return { threw: { name, message, policy, rule, field, value } };
  }
}

/** Valid values of every policy-level field, delays around every delay of the three tables (so a row meets a maxDelayMs below it). */
const validChanges = fc.record(
  {
    name: fc.constantFrom('custom', 'mws', ' x '),
    description: fc.string({ maxLength: 5 }),
    maxAttempts: fc.integer({ min: 1, max: 1000 }),
    maxDelayMs: fc.oneof(fc.constantFrom(0, 999, 1000, 1999, 2000, 4999, 5000, 19_999, 20_000, 29_999, 30_000, 59_999, 60_000, 300_000, 2 ** 31 - 1), fc.integer({ min: 0, max: 2 ** 31 - 1 })),
    schedule: fc.constantFrom<unknown>(
      { type: 'constant', delayMs: 0 },
      { type: 'constant', delayMs: 500 },
      { type: 'exponential', baseMs: 100, capMs: 900 },
      { type: 'retry-after', fallback: { type: 'constant', delayMs: 1000 }, mode: 'max' },
      { type: 'quota-reset', fallback: { type: 'list', delaysMs: [1000, 45_000] } },
    ),
    jitter: fc.constantFrom<unknown>('none', 'full', 'equal', 'decorrelated', { type: 'additive', maxMs: 1000 }),
  },
  { requiredKeys: [] },
);

/** Invalid values, of every policy-level field and of fields a spec does not have. */
const anyValue = fc.anything({ maxDepth: 2 });
const invalidChanges = fc.record(
  {
    name: fc.oneof(fc.constantFrom('', ' ', 7, null), anyValue),
    description: anyValue,
    maxAttempts: fc.oneof(fc.constantFrom(0, -1, 1001, null, 1.5, Number.NaN, '3'), anyValue),
    maxDelayMs: fc.oneof(fc.constantFrom(2 ** 31, -1, 1.5, null, Infinity, '1000'), anyValue),
    schedule: fc.oneof(
      fc.constantFrom<unknown>(
        { type: 'constant', delayMs: 90_000_000_000 },
        { type: 'exponential', baseMs: 100, factor: null },
        { type: 'list', delaysMs: [] },
        { type: 'retry-after', fallback: { type: 'retry-after', fallback: { type: 'constant', delayMs: 1 } } },
        { type: 'fibonacci' },
        { type: 'constant', delayMs: 5, extra: true },
      ),
      anyValue,
    ),
    jitter: fc.oneof(fc.constantFrom<unknown>('fuzzy', { type: 'additive' }, { type: 'additive', maxMs: -1 }), anyValue),
    rules: anyValue,
    maxAttempt: fc.constant(3),
  },
  { requiredKeys: [] },
);

/** Changes as `with` may get them: mostly valid ones (the rows' checks are reached only past the policy's), some of anything, merged. */
const changes = fc.oneof(
  { arbitrary: validChanges, weight: 3 },
  { arbitrary: invalidChanges, weight: 1 },
  { arbitrary: fc.tuple(validChanges, invalidChanges).map(([valid, invalid]) => ({ ...valid, ...invalid })), weight: 1 },
  { arbitrary: anyValue, weight: 1 },
);

describe('prebuilt policies, compiled without the validator at import', () => {
  it.each(PREBUILT.map((policy) => [policy.name, policy] as const))('%s: the table as written passes definePolicy and compiles to the same policy', (name, policy) => {
    const spec = written.get(name);
    expect(spec).toBeDefined();
    expect(outcome(() => definePolicy(spec!))).toEqual(outcome(() => policy));
  });

  it.each(PREBUILT.map((policy) => [policy.name, policy] as const))('%s: with() accepts and refuses what definePolicy does, with the same error', (_name, policy) => {
    const seen = { made: 0, threwAtTop: 0, threwInRow: 0 };
    fc.assert(
      fc.property(changes, (change) => {
        const expected = outcome(() => definePolicy({ ...policy.spec, ...(change as object), rules: policy.spec.rules } as PolicySpec));
        expect(outcome(() => policy.with(change as Partial<PolicySpec>))).toEqual(expected);
        const { threw } = expected as { threw?: { rule?: string } };
        seen[threw === undefined ? 'made' : threw.rule === undefined ? 'threwAtTop' : 'threwInRow']++;
      }),
      { numRuns: 300 },
    );
    // Not vacuous: changes were accepted, refused at the policy level, and refused at a row.
    expect(seen.made).toBeGreaterThan(0);
    expect(seen.threwAtTop).toBeGreaterThan(0);
    expect(seen.threwInRow).toBeGreaterThan(0);
  });

  it.each(PREBUILT.map((policy) => [policy.name, policy] as const))('%s: with() keeps the policy\'s readers', (_name, policy) => {
    expect(policy.with({ jitter: 'full' }).readers).toBe(policy.readers);
    expect(policy.with({ jitter: 'full' }).with({ maxAttempts: 2 }).readers).toBe(policy.readers);
  });

  it('with() of a with() still checks the rows: a maxDelayMs below the scraper table\'s 60 s rows names the first of them', () => {
    expect(scraperPolicy.with({ jitter: 'full' }).with({ maxDelayMs: 60_000 }).maxDelayMs).toBe(60_000);
    expect(() => scraperPolicy.with({ jitter: 'full' }).with({ maxDelayMs: 30_000 })).toThrow(
      'policy "scraper", rule "blocked_by_amazon": rules[7].schedule.fallback.delayMs must not exceed the policy\'s maxDelayMs (30000) (got 60000)',
    );
  });
});
