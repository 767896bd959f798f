import { describe, expectTypeOf, it } from 'vitest';
import { match } from 'ts-pattern';
import { mwsPolicy, retry, withRetry, type AttemptContext, type Decision } from '../../src/index.js';

describe('withRetry keeps the wrapped function\'s signature', () => {
  it('keeps parameters and the resolved return type', () => {
    const fetchOrder = async (id: string, options?: { verbose: boolean }): Promise<{ id: string; total: number }> => ({ id, total: 1 });
    const wrapped = withRetry(mwsPolicy)(fetchOrder);
    expectTypeOf(wrapped).parameters.toEqualTypeOf<[id: string, options?: { verbose: boolean }]>();
    expectTypeOf(wrapped).returns.toEqualTypeOf<Promise<{ id: string; total: number }>>();
    // @ts-expect-error a wrong argument type is still an error
    void wrapped(42);
  });

  it('turns a synchronous function into one returning a promise', () => {
    const wrapped = withRetry(mwsPolicy)((n: number) => n * 2);
    expectTypeOf(wrapped).returns.toEqualTypeOf<Promise<number>>();
  });

  it('keeps this', () => {
    function total(this: { rate: number }, amount: number): Promise<number> {
      return Promise.resolve(amount * this.rate);
    }
    const wrapped = withRetry(mwsPolicy)(total);
    expectTypeOf(wrapped).thisParameter.toEqualTypeOf<{ rate: number }>();
  });

  it('retry() passes an AttemptContext and returns the awaited value', () => {
    const result = retry(mwsPolicy, (ctx) => {
      expectTypeOf(ctx).toEqualTypeOf<AttemptContext>();
      return Promise.resolve('x');
    });
    expectTypeOf(result).toEqualTypeOf<Promise<string>>();
  });

  it('Decision is a union that ts-pattern can consume exhaustively', () => {
    const describeDecision = (decision: Decision): string =>
      match(decision)
        .with({ action: 'retry' }, (d) => `retry in ${d.delayMs}`)
        .with({ action: 'stop' }, (d) => `stop: ${d.reason}`)
        .exhaustive();
    expectTypeOf(describeDecision).returns.toBeString();
  });
});
