import { describe, expectTypeOf, it } from 'vitest';
import type { CompiledSchedule } from '../../src/schedule/compiled-schedule.js';
import { JITTER_DESCRIPTIONS, jitterDescriptionOf, SCHEDULE_DESCRIPTIONS, scheduleDescriptionOf } from '../../src/schedule/descriptions.js';
import type { JitterDescriptions, JitterKey, JitterKind, JitterKinds } from '../../src/schedule/jitter-kind.js';
import { JITTER_KINDS, jitterKindOf } from '../../src/schedule/jitter-kinds.js';
import type { ScheduleDescriptions, ScheduleKind, ScheduleKinds } from '../../src/schedule/schedule-kind.js';
import { SCHEDULE_KINDS, scheduleKindOf } from '../../src/schedule/schedule-kinds.js';
import type { JitterSpec, ScheduleSpec } from '../../src/schedule/schedule-spec.js';

// The kinds a future version might add. Each test widens a spec union with one and shows that the
// registry objects the library ships (the kinds, and their descriptions) no longer satisfy the
// registry type: so adding a kind to ScheduleSpec or JitterSpec without a registry entry or
// without a description fails `npm run typecheck`.
type Fibonacci = { readonly type: 'fibonacci'; readonly baseMs: number };
type Gaussian = { readonly type: 'gaussian'; readonly sigmaMs: number };

const fibonacci: ScheduleKind<Fibonacci> = {
  fields: { type: true, baseMs: true },
  validate: () => undefined,
  compile: ({ baseMs }): CompiledSchedule => ({ hint: 'none', mode: 'prefer', stepDelayMs: (attempt) => baseMs * attempt, baseMs, capMs: undefined }),
};
const describeFibonacci = ({ baseMs }: Fibonacci): string => `${baseMs} ms · fib(attempt)`;
const cubic: JitterKind<'cubic'> = { form: 'name', compile: () => (delayMs, _b, _p, r) => delayMs * r ** 3 };
const gaussian: JitterKind<Gaussian> = {
  form: { fields: { type: true, sigmaMs: true }, validate: () => undefined },
  compile: ({ sigmaMs }) => (delayMs, _b, _p, r) => delayMs + sigmaMs * r,
};
const describeGaussian = ({ sigmaMs }: Gaussian): string => `+ N(0, ${sigmaMs} ms)`;

describe('the schedule registry is checked against ScheduleSpec', () => {
  it('is keyed by exactly the spec types', () => {
    expectTypeOf<keyof typeof SCHEDULE_KINDS>().toEqualTypeOf<ScheduleSpec['type']>();
    expectTypeOf(SCHEDULE_KINDS).toEqualTypeOf<ScheduleKinds<ScheduleSpec>>();
  });

  it('cannot stand for a union with one more kind', () => {
    // @ts-expect-error Property 'fibonacci' is missing: the kind has no registry entry
    const missing: ScheduleKinds<ScheduleSpec | Fibonacci> = SCHEDULE_KINDS;
    // ...and satisfies it once the entry is there: the error above is the missing entry, nothing else.
    const complete: ScheduleKinds<ScheduleSpec | Fibonacci> = { ...SCHEDULE_KINDS, fibonacci };
    void missing;
    void complete;
  });

  it('takes only an entry written for the slot\'s kind', () => {
    // @ts-expect-error the constant entry lacks the list's `delaysMs` field and reads a `delayMs` it lacks
    const swapped: ScheduleKinds = { ...SCHEDULE_KINDS, list: SCHEDULE_KINDS.constant };
    void swapped;
  });

  it('makes an entry list every field of its kind, and no other', () => {
    const exponential = SCHEDULE_KINDS.exponential;
    // @ts-expect-error `capMs` is missing from the fields
    const tooFew: ScheduleKind<Extract<ScheduleSpec, { type: 'exponential' }>> = { ...exponential, fields: { type: true, baseMs: true, factor: true } };
    // @ts-expect-error `capMS` is not a field of the kind
    const misspelled: ScheduleKind<Extract<ScheduleSpec, { type: 'exponential' }>> = { ...exponential, fields: { type: true, baseMs: true, factor: true, capMs: true, capMS: true } };
    void tooFew;
    void misspelled;
  });

  it('types a lookup by the spec of its type', () => {
    expectTypeOf(scheduleKindOf('list').compile).parameter(0).toEqualTypeOf<Extract<ScheduleSpec, { type: 'list' }>>();
    // @ts-expect-error a constant spec is not a list spec
    scheduleKindOf('list').compile({ type: 'constant', delayMs: 1 }, () => undefined as never);
  });
});

describe('the schedule descriptions are checked against ScheduleSpec', () => {
  it('are keyed by exactly the spec types', () => {
    expectTypeOf<keyof typeof SCHEDULE_DESCRIPTIONS>().toEqualTypeOf<ScheduleSpec['type']>();
  });

  it('cannot stand for a union with one more kind', () => {
    // @ts-expect-error Property 'fibonacci' is missing: the kind has no description
    const missing: ScheduleDescriptions<ScheduleSpec | Fibonacci> = SCHEDULE_DESCRIPTIONS;
    const complete: ScheduleDescriptions<ScheduleSpec | Fibonacci> = { ...SCHEDULE_DESCRIPTIONS, fibonacci: describeFibonacci };
    void missing;
    void complete;
  });

  it('types a lookup by the spec of its type', () => {
    expectTypeOf(scheduleDescriptionOf('list')).parameter(0).toEqualTypeOf<Extract<ScheduleSpec, { type: 'list' }>>();
    // @ts-expect-error a constant spec is not a list spec
    scheduleDescriptionOf('list')({ type: 'constant', delayMs: 1 }, () => '');
  });
});

describe('the jitter registry is checked against JitterSpec', () => {
  it('is keyed by exactly the names and object types', () => {
    expectTypeOf<keyof typeof JITTER_KINDS>().toEqualTypeOf<JitterKey<JitterSpec>>();
    expectTypeOf<keyof typeof JITTER_KINDS>().toEqualTypeOf<'none' | 'full' | 'equal' | 'decorrelated' | 'additive'>();
  });

  it('cannot stand for a union with one more named kind', () => {
    // @ts-expect-error Property 'cubic' is missing: the kind has no registry entry
    const missing: JitterKinds<JitterSpec | 'cubic'> = JITTER_KINDS;
    const complete: JitterKinds<JitterSpec | 'cubic'> = { ...JITTER_KINDS, cubic };
    void missing;
    void complete;
  });

  it('cannot stand for a union with one more object kind', () => {
    // @ts-expect-error Property 'gaussian' is missing: the kind has no registry entry
    const missing: JitterKinds<JitterSpec | Gaussian> = JITTER_KINDS;
    const complete: JitterKinds<JitterSpec | Gaussian> = { ...JITTER_KINDS, gaussian };
    void missing;
    void complete;
  });

  it('ties an entry\'s form to how its spec is written', () => {
    // @ts-expect-error a bare-name jitter has no object form
    const objectName: JitterKind<'full'> = { ...JITTER_KINDS.full, form: { fields: {}, validate: () => undefined } };
    // @ts-expect-error an object jitter is not a bare name
    const namedObject: JitterKinds = { ...JITTER_KINDS, additive: { ...JITTER_KINDS.additive, form: 'name' } };
    // @ts-expect-error the additive entry cannot fill the slot of a named kind
    const swapped: JitterKinds = { ...JITTER_KINDS, full: JITTER_KINDS.additive };
    void objectName;
    void namedObject;
    void swapped;
  });

  it('types a lookup by the spec of its key', () => {
    expectTypeOf(jitterKindOf('additive').compile).parameter(0).toEqualTypeOf<{ readonly type: 'additive'; readonly maxMs: number }>();
    // @ts-expect-error 'full' is not the additive spec
    jitterKindOf('additive').compile('full');
  });
});

describe('the jitter descriptions are checked against JitterSpec', () => {
  it('are keyed by exactly the names and object types', () => {
    expectTypeOf<keyof typeof JITTER_DESCRIPTIONS>().toEqualTypeOf<JitterKey<JitterSpec>>();
  });

  it('cannot stand for a union with one more named or object kind', () => {
    // @ts-expect-error Property 'cubic' is missing: the kind has no description
    const missingName: JitterDescriptions<JitterSpec | 'cubic'> = JITTER_DESCRIPTIONS;
    // @ts-expect-error Property 'gaussian' is missing: the kind has no description
    const missingObject: JitterDescriptions<JitterSpec | Gaussian> = JITTER_DESCRIPTIONS;
    const complete: JitterDescriptions<JitterSpec | 'cubic' | Gaussian> = { ...JITTER_DESCRIPTIONS, cubic: () => 'cubic', gaussian: describeGaussian };
    void missingName;
    void missingObject;
    void complete;
  });

  it('types a lookup by the spec of its key', () => {
    // @ts-expect-error 'full' is not the additive spec
    jitterDescriptionOf('additive')('full');
  });
});
