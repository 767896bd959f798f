import { describe, expectTypeOf, it } from 'vitest';
import type { BudgetRules } from '../../src/budget/designs/budget-rules.js';
import { BUDGET_DESIGNS, type DesignCompilers, type DesignKinds } from '../../src/budget/designs/registry.js';

/** A design kind someone might add: a leaky bucket. */
type WithLeaky = DesignKinds & {
  readonly leaky: { readonly design: { readonly type: 'leaky'; readonly ratePerSecond: number }; readonly rules: BudgetRules & { readonly type: 'leaky' } };
};

describe('budget designs are one registry, checked by the compiler', () => {
  it('has a compiler for every design kind', () => {
    expectTypeOf(BUDGET_DESIGNS).toEqualTypeOf<DesignCompilers<DesignKinds>>();
    expectTypeOf<keyof typeof BUDGET_DESIGNS>().toEqualTypeOf<'grpc' | 'aws-quota' | 'aws-quota-2026'>();
  });

  it('does not compile when a design kind is added without its compiler', () => {
    // @ts-expect-error the registry has no compiler for 'leaky'
    const registry: DesignCompilers<WithLeaky> = BUDGET_DESIGNS;
    void registry;
  });

  it('does not compile when a compiler returns another design\'s rules', () => {
    const swapped: DesignCompilers<DesignKinds> = {
      // @ts-expect-error the grpc compiler must return the grpc rules
      grpc: BUDGET_DESIGNS['aws-quota'],
      'aws-quota': BUDGET_DESIGNS['aws-quota'],
      'aws-quota-2026': BUDGET_DESIGNS['aws-quota-2026'],
    };
    void swapped;
  });
});
