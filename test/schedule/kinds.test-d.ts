import { describe, expectTypeOf, it } from 'vitest';
import { describeJitter, describeSchedule } from '../../src/explain/describe-schedule.js';
import { compileJitter, JITTER_FIELDS, JITTER_NAMES, type JitterFunction, type JitterSpec } from '../../src/schedule/jitter.js';
import { compileSchedule, SCHEDULE_FIELDS, type CompiledSchedule, type ScheduleSpec } from '../../src/schedule/schedules.js';
import type { FieldSet } from '../../src/shared/fields.js';

// Schedule and jitter kinds are closed unions, each handled by switches that end in
// `satisfies never` (test/schedule/kinds.test.ts checks the sources keep that form). These tests
// show what that buys: a switch that misses a kind, or a union widened with a kind no case
// handles, fails `npm run typecheck`; so do field tables that miss a kind or a field.
type Fibonacci = { readonly type: 'fibonacci'; readonly baseMs: number };
type Gaussian = { readonly type: 'gaussian'; readonly sigmaMs: number };
type FieldTable<S extends { readonly type: string }> = { readonly [K in S['type']]: FieldSet<Extract<S, { readonly type: K }>> };

describe('schedule kinds', () => {
  it('are handled by functions of exactly ScheduleSpec', () => {
    expectTypeOf(compileSchedule).parameter(0).toEqualTypeOf<ScheduleSpec>();
    expectTypeOf(compileSchedule).returns.toEqualTypeOf<CompiledSchedule>();
    expectTypeOf(describeSchedule).parameter(0).toEqualTypeOf<ScheduleSpec>();
    expectTypeOf<keyof typeof SCHEDULE_FIELDS>().toEqualTypeOf<ScheduleSpec['type']>();
  });

  it('cannot be left out of a switch', () => {
    function incomplete(spec: ScheduleSpec): string {
      switch (spec.type) {
        case 'list':
        case 'constant':
        case 'exponential':
        case 'retry-after':
          return spec.type;
        default:
          // @ts-expect-error 'quota-reset' has no case
          return spec satisfies never;
      }
    }
    void incomplete;
  });

  it('cannot be added to the union without a case', () => {
    function widened(spec: ScheduleSpec | Fibonacci): string {
      switch (spec.type) {
        case 'list':
        case 'constant':
        case 'exponential':
        case 'retry-after':
        case 'quota-reset':
          return spec.type;
        default:
          // @ts-expect-error 'fibonacci' has no case
          return spec satisfies never;
      }
    }
    void widened;
  });

  it('cannot be added to the union without fields', () => {
    // @ts-expect-error Property 'fibonacci' is missing: the kind has no fields
    const missing: FieldTable<ScheduleSpec | Fibonacci> = SCHEDULE_FIELDS;
    const complete: FieldTable<ScheduleSpec | Fibonacci> = { ...SCHEDULE_FIELDS, fibonacci: { type: true, baseMs: true } };
    void missing;
    void complete;
  });

  it('list every field of a kind, and no other', () => {
    type Exponential = Extract<ScheduleSpec, { type: 'exponential' }>;
    // @ts-expect-error `capMs` is missing from the fields
    const tooFew: FieldSet<Exponential> = { type: true, baseMs: true, factor: true };
    // @ts-expect-error `capMS` is not a field of the kind
    const misspelled: FieldSet<Exponential> = { type: true, baseMs: true, factor: true, capMs: true, capMS: true };
    void tooFew;
    void misspelled;
  });
});

describe('jitter kinds', () => {
  it('are handled by functions of exactly JitterSpec', () => {
    expectTypeOf(compileJitter).parameter(0).toEqualTypeOf<JitterSpec>();
    expectTypeOf(compileJitter).returns.toEqualTypeOf<JitterFunction>();
    expectTypeOf(describeJitter).parameter(0).toEqualTypeOf<JitterSpec>();
  });

  it('list exactly the bare names and the object types', () => {
    expectTypeOf<(typeof JITTER_NAMES)[number]>().toEqualTypeOf<'none' | 'full' | 'equal' | 'decorrelated'>();
    expectTypeOf<(typeof JITTER_NAMES)[number]>().toEqualTypeOf<Extract<JitterSpec, string>>();
    expectTypeOf<keyof typeof JITTER_FIELDS>().toEqualTypeOf<Exclude<JitterSpec, string>['type']>();
  });

  it('cannot be added to the union without a case, named or object', () => {
    function named(spec: Extract<JitterSpec, string> | 'cubic'): string {
      switch (spec) {
        case 'none':
        case 'full':
        case 'equal':
        case 'decorrelated':
          return spec;
        default:
          // @ts-expect-error 'cubic' has no case
          return spec satisfies never;
      }
    }
    function object(spec: Exclude<JitterSpec, string> | Gaussian): string {
      switch (spec.type) {
        case 'additive':
          return spec.type;
        default:
          // @ts-expect-error 'gaussian' has no case
          return spec satisfies never;
      }
    }
    void named;
    void object;
  });

  it('cannot be added to the union without fields', () => {
    // @ts-expect-error Property 'gaussian' is missing: the kind has no fields
    const missing: FieldTable<Exclude<JitterSpec, string> | Gaussian> = JITTER_FIELDS;
    // @ts-expect-error `maxMs` is missing from the fields
    const tooFew: FieldSet<Extract<JitterSpec, { type: 'additive' }>> = { type: true };
    void missing;
    void tooFew;
  });
});
