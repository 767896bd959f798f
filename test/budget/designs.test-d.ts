import { describe, expectTypeOf, it } from 'vitest';
import {
  compileBudgetDesign,
  type AwsQuota2026Rules,
  type AwsQuotaRules,
  type BudgetDesign,
  type BudgetRules,
  type CompiledBudgetDesign,
  type GrpcBudgetRules,
} from '../../src/budget/designs.js';

// Budget designs are a closed union that compileBudgetDesign handles in one switch ending in
// `satisfies never` (test/schedule/kinds.test.ts checks the source keeps that form).

/** A design someone might add: a leaky bucket. */
type Leaky = { readonly type: 'leaky'; readonly ratePerSecond: number };

describe('budget designs are one closed union, checked by the compiler', () => {
  it('compiles exactly the designs to exactly their rules', () => {
    expectTypeOf(compileBudgetDesign).parameter(0).toEqualTypeOf<BudgetDesign>();
    expectTypeOf(compileBudgetDesign).returns.toEqualTypeOf<CompiledBudgetDesign>();
    expectTypeOf<BudgetDesign['type']>().toEqualTypeOf<'grpc' | 'aws-quota' | 'aws-quota-2026'>();
    expectTypeOf<CompiledBudgetDesign['type']>().toEqualTypeOf<BudgetDesign['type']>();
  });

  it('pairs each design with its own rules, all of them BudgetRules', () => {
    expectTypeOf<Extract<CompiledBudgetDesign, { type: 'grpc' }>>().toEqualTypeOf<GrpcBudgetRules>();
    expectTypeOf<Extract<CompiledBudgetDesign, { type: 'aws-quota' }>>().toEqualTypeOf<AwsQuotaRules>();
    expectTypeOf<Extract<CompiledBudgetDesign, { type: 'aws-quota-2026' }>>().toEqualTypeOf<AwsQuota2026Rules>();
    expectTypeOf<CompiledBudgetDesign>().toExtend<BudgetRules>();
  });

  it('does not compile when a switch misses a design', () => {
    function incomplete(design: BudgetDesign): string {
      switch (design.type) {
        case 'grpc':
        case 'aws-quota':
          return design.type;
        default:
          // @ts-expect-error 'aws-quota-2026' has no case
          return design satisfies never;
      }
    }
    void incomplete;
  });

  it('does not compile when a design is added without its case', () => {
    function widened(design: BudgetDesign | Leaky): string {
      switch (design.type) {
        case 'grpc':
        case 'aws-quota':
        case 'aws-quota-2026':
          return design.type;
        default:
          // @ts-expect-error 'leaky' has no case
          return design satisfies never;
      }
    }
    void widened;
  });
});
