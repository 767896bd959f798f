import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeJitter, describeSchedule } from '../../src/explain/describe-schedule.js';
import { additiveJitter, decorrelatedJitter, definePolicy, equalJitter, fullJitter, isPolicyError, type PolicySpec } from '../../src/index.js';
import type { Fail } from '../../src/shared/fields.js';
import { compileJitter, JITTER_FIELDS, JITTER_NAMES, validateJitterSpec, type JitterSpec } from '../../src/schedule/jitter.js';
import { compileSchedule, SCHEDULE_FIELDS, SCHEDULE_TYPES, validateScheduleSpec, type ScheduleSpec } from '../../src/schedule/schedules.js';

type ScheduleOf<K extends ScheduleSpec['type']> = Extract<ScheduleSpec, { readonly type: K }>;
/** A jitter's key: a named jitter's name, an object jitter's `type`. */
type JitterKey = Extract<JitterSpec, string> | Exclude<JitterSpec, string>['type'];
type JitterOf<K extends JitterKey> = Extract<JitterSpec, K | { readonly type: K }>;

/** What a kind's check reported, thrown by the test's own `fail`: the schedule layer throws nothing of its own. */
class Reported extends Error {
  constructor(readonly field: string, readonly value: unknown, readonly problem: string) {
    super(`${field}: ${problem}`);
  }
}
const fail: Fail = (field, value, problem) => {
  throw new Reported(field, value, problem);
};
function reported(check: () => void): Reported {
  try {
    check();
  } catch (error) {
    if (error instanceof Reported) return error;
    throw error;
  }
  throw new Error('the check accepted the value');
}

const MAX_DELAY_MS = 120_000;

interface Example<S> {
  /** A valid spec of the kind. */
  readonly good: S;
  /** Its description, as explain and the README show it. */
  readonly described: string;
  /** An invalid spec of the kind, and the field path its check must name. */
  readonly bad: unknown;
  readonly badField: string;
}

// Mapped over the spec unions: a kind without an example does not compile.
const SCHEDULE_EXAMPLES: { readonly [K in ScheduleSpec['type']]: Example<ScheduleOf<K>> } = {
  list: { good: { type: 'list', delaysMs: [1000, 4000, 10_000] }, described: '1 s, 4 s, 10 s', bad: { type: 'list', delaysMs: [1000, -1] }, badField: 'schedule.delaysMs[1]' },
  constant: { good: { type: 'constant', delayMs: 500 }, described: '500 ms', bad: { type: 'constant', delayMs: 'soon' }, badField: 'schedule.delayMs' },
  exponential: {
    good: { type: 'exponential', baseMs: 1000, factor: 3, capMs: 30_000 },
    described: '1 s · 3^attempt (cap 30 s)',
    bad: { type: 'exponential', baseMs: 1000, factor: 101 },
    badField: 'schedule.factor',
  },
  'retry-after': {
    good: { type: 'retry-after', mode: 'max', fallback: { type: 'constant', delayMs: 60_000 } },
    described: 'the larger of Retry-After and 60 s',
    bad: { type: 'retry-after', mode: 'min', fallback: { type: 'constant', delayMs: 1000 } },
    badField: 'schedule.mode',
  },
  'quota-reset': {
    good: { type: 'quota-reset', fallback: { type: 'exponential', baseMs: 200 } },
    described: 'until the quota resets, else 200 ms · 2^attempt',
    bad: { type: 'quota-reset', fallback: { type: 'constant', delayMs: MAX_DELAY_MS + 1 } },
    badField: 'schedule.fallback.delayMs',
  },
};

interface JitterExample<J> extends Example<J> {
  /** What the compiled jitter gives for a 1000 ms delay, base and previous 100 ms, r = 0.25. */
  readonly jittered: number;
}

const JITTER_EXAMPLES: { readonly [K in JitterKey]: JitterExample<JitterOf<K>> } = {
  // A bare name's only wrong form is another spelling, e.g. the name written as an object.
  none: { good: 'none', described: 'none', bad: { type: 'none' }, badField: 'jitter', jittered: 1000 },
  full: { good: 'full', described: 'full', bad: { type: 'full' }, badField: 'jitter', jittered: fullJitter(1000, 0.25) },
  equal: { good: 'equal', described: 'equal', bad: 'Equal', badField: 'jitter', jittered: equalJitter(1000, 0.25) },
  decorrelated: { good: 'decorrelated', described: 'decorrelated', bad: { type: 'decorrelated' }, badField: 'jitter', jittered: decorrelatedJitter(100, 100, 0.25) },
  additive: {
    good: { type: 'additive', maxMs: 1000 },
    described: '+ U(0, 1 s)',
    bad: { type: 'additive', maxMs: -3 },
    badField: 'jitter.maxMs',
    jittered: additiveJitter(1000, 1000, 0.25),
  },
};

function policyWith(row: Record<string, unknown>): PolicySpec {
  return { name: 'p', maxDelayMs: MAX_DELAY_MS, rules: [{ match: {}, retry: true, ...row }] } as PolicySpec;
}

function policyErrorField(spec: PolicySpec): string {
  try {
    definePolicy(spec);
  } catch (error) {
    if (isPolicyError(error)) return error.field;
    throw error;
  }
  throw new Error('definePolicy accepted the spec');
}

describe('the schedule kinds', () => {
  it('has an example here for every kind, in the order error messages list them', () => {
    expect(Object.keys(SCHEDULE_EXAMPLES)).toEqual(Object.keys(SCHEDULE_FIELDS));
    expect(SCHEDULE_TYPES).toEqual(['list', 'constant', 'exponential', 'retry-after', 'quota-reset']);
  });

  describe.each(Object.entries(SCHEDULE_EXAMPLES))('%s', (type, { good, described, bad, badField }) => {
    it('validates a good example, in a policy too', () => {
      expect(() => validateScheduleSpec(good, 'schedule', MAX_DELAY_MS, fail)).not.toThrow();
      expect(definePolicy(policyWith({ schedule: good })).rules[0]!.schedule).toEqual(good);
    });

    it('rejects a bad one, naming the field, in a policy under the row', () => {
      expect(reported(() => validateScheduleSpec(bad, 'schedule', MAX_DELAY_MS, fail)).field).toBe(badField);
      expect(policyErrorField(policyWith({ schedule: bad }))).toBe(`rules[0].${badField}`);
    });

    it('rejects a field of another kind, listing its own', () => {
      const error = reported(() => validateScheduleSpec({ ...good, delaysMS: [1] }, 'schedule', MAX_DELAY_MS, fail));
      expect(error.field).toBe('schedule.delaysMS');
      expect(error.problem).toBe(`is not a known field (known: ${Object.keys(new Map(Object.entries(SCHEDULE_FIELDS)).get(type)!).join(', ')})`);
    });

    it('describes itself', () => {
      expect(describeSchedule(good)).toBe(described);
    });

    it('compiles', () => {
      const compiled = compileSchedule(good);
      expect(Object.keys(compiled)).toEqual(['hint', 'mode', 'stepDelayMs', 'baseMs', 'capMs']);
      expect(compiled.stepDelayMs(1)).toBeGreaterThanOrEqual(0);
    });
  });

  it('rejects an unknown type, listing the valid ones', () => {
    for (const type of ['fibonacci', 'toString', '__proto__', 7, undefined]) {
      const error = reported(() => validateScheduleSpec({ type }, 'schedule', MAX_DELAY_MS, fail));
      expect([error.field, error.value, error.problem]).toEqual(['schedule.type', type, 'must be one of list, constant, exponential, retry-after, quota-reset']);
    }
    expect(reported(() => validateScheduleSpec([], 'schedule', MAX_DELAY_MS, fail)).problem).toBe('must be a schedule object with a "type"');
  });

  it('rejects a hint schedule inside another, at the inner type', () => {
    const nested = { type: 'quota-reset', fallback: { type: 'retry-after', fallback: { type: 'constant', delayMs: 1 } } };
    const error = reported(() => validateScheduleSpec(nested, 'schedule', MAX_DELAY_MS, fail));
    expect([error.field, error.problem]).toEqual(['schedule.fallback.type', 'cannot be nested inside another hint schedule']);
  });

  it('compiles the end of a list to undefined, not a sentinel number', () => {
    const list = compileSchedule({ type: 'list', delaysMs: [10, 20] });
    expect([1, 2, 3].map(list.stepDelayMs)).toEqual([10, 20, undefined]);
    expect(list.baseMs).toBe(10);
  });

  it('compiles a hint kind around its fallback', () => {
    expect(compileSchedule(SCHEDULE_EXAMPLES['retry-after'].good)).toMatchObject({ hint: 'retry-after', mode: 'max', baseMs: 60_000, capMs: undefined });
    expect(compileSchedule({ type: 'retry-after', fallback: { type: 'constant', delayMs: 5 } }).mode).toBe('prefer');
    const quota = compileSchedule({ type: 'quota-reset', fallback: { type: 'exponential', baseMs: 100, capMs: 1000 } });
    expect(quota).toMatchObject({ hint: 'quota-reset', mode: 'prefer', baseMs: 100, capMs: 1000 });
    expect([1, 3, 9].map(quota.stepDelayMs)).toEqual([200, 800, 1000]);
  });
});

describe('the jitter kinds', () => {
  it('has an example here for every kind', () => {
    expect(Object.keys(JITTER_EXAMPLES)).toEqual([...JITTER_NAMES, ...Object.keys(JITTER_FIELDS)]);
  });

  it('lists the bare-name kinds in JITTER_NAMES, in message order', () => {
    expect(JITTER_NAMES).toEqual(['none', 'full', 'equal', 'decorrelated']);
    expect(Object.isFrozen(JITTER_NAMES)).toBe(true);
  });

  it('lists every way to write a jitter when given none of them', () => {
    for (const value of ['fuzzy', 'additive', { type: 'cubic' }, { type: 'full' }, [], null, 3]) {
      const error = reported(() => validateJitterSpec(value, 'jitter', fail));
      expect([error.field, error.problem]).toEqual(['jitter', 'must be one of none, full, equal, decorrelated or { type: "additive", maxMs }']);
    }
  });

  it('rejects an unknown field of an object jitter, listing its own', () => {
    const error = reported(() => validateJitterSpec({ type: 'additive', maxMs: 1, minMs: 0 }, 'jitter', fail));
    expect([error.field, error.problem]).toEqual(['jitter.minMs', 'is not a known field (known: type, maxMs)']);
  });

  describe.each(Object.entries(JITTER_EXAMPLES))('%s', (_key, { good, described, bad, badField, jittered }) => {
    it('validates a good example, in a policy too', () => {
      expect(() => validateJitterSpec(good, 'jitter', fail)).not.toThrow();
      expect(definePolicy(policyWith({ jitter: good })).rules[0]!.jitter).toEqual(good);
    });

    it('rejects a bad one, naming the field, in a policy under the row', () => {
      expect(reported(() => validateJitterSpec(bad, 'jitter', fail)).field).toBe(badField);
      expect(policyErrorField(policyWith({ jitter: bad }))).toBe(`rules[0].${badField}`);
    });

    it('describes itself', () => {
      expect(describeJitter(good)).toBe(described);
    });

    it('compiles to the exported algorithm', () => {
      expect(compileJitter(good)(1000, 100, 100, 0.25)).toBe(jittered);
    });
  });
});

describe('the closed sets are handled by switches that end in `satisfies never`', () => {
  // What kinds.test-d.ts and designs.test-d.ts show a switch of this form buys holds only while every switch keeps it.
  it.each(['src/schedule/schedules.ts', 'src/schedule/jitter.ts', 'src/explain/describe-schedule.ts', 'src/budget/designs.ts'])('%s', (file) => {
    const code = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line))
      .join('\n');
    const switches = code.match(/\bswitch \(/g)?.length ?? 0;
    expect(switches).toBeGreaterThan(0);
    expect(code.match(/\bsatisfies never\b/g)?.length).toBe(switches);
  });
});
