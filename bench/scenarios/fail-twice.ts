import { do_not_optimize } from 'mitata';
import { contenders } from '../contenders.js';
import { compare, type ResultRow } from '../measure.js';

/**
 * Scenario 2: fail twice, then succeed, with zero-millisecond waits everywhere: the cost of
 * classification and bookkeeping per retry. Baseline: a hand-written loop with no waits.
 */
export async function failTwice(): Promise<ResultRow[]> {
  // One error object for all calls, so the cost of building stack traces is not measured.
  const busy = Object.assign(new Error('busy'), { status: 503 });
  const flaky = (): (() => Promise<number>) => {
    let calls = 0;
    return async () => {
      if (calls++ < 2) throw busy;
      return 42;
    };
  };
  const handWritten = async (fn: () => Promise<number>): Promise<number> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  };
  return compare(
    '2. fail twice, then succeed (0 ms waits)',
    ['baseline: hand-written loop', async () => do_not_optimize(await handWritten(flaky()))],
    contenders(2, 0).map(([name, wrap]) => [name, async () => do_not_optimize(await wrap(flaky())())] as const),
  );
}
