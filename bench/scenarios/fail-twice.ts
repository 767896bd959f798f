import { do_not_optimize } from 'mitata';
import { contenders } from '../contenders.js';
import { compare, SMOKE, withGoal, type ResultRow } from '../measure.js';

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
  const one = await compare(
    '2. fail twice, then succeed (0 ms waits)',
    ['baseline: hand-written loop', async () => do_not_optimize(await handWritten(flaky()))],
    contenders(2, 0).map(([name, wrap]) => [name, async () => do_not_optimize(await wrap(flaky())())] as const),
  );
  // Waves of calls in flight at once, as a worker draining a queue sees them: the garbage each
  // failure leaves and the timers a library arms for 0 ms all count here.
  const wave = SMOKE ? 100 : 10_000;
  const inWaves = await compare(
    `2b. fail twice, then succeed (0 ms waits), waves of ${wave.toLocaleString('en-US')} calls`,
    ['baseline: hand-written loop', async () => do_not_optimize(await Promise.all(Array.from({ length: wave }, () => handWritten(flaky()))))],
    contenders(2, 0)
      .filter(([name]) => name.startsWith('retry-table') || name.startsWith('cockatiel') || name.startsWith('p-retry'))
      .map(([name, wrap]) => [name, async () => do_not_optimize(await Promise.all(Array.from({ length: wave }, () => wrap(flaky())())))] as const),
  );
  return [...withGoal(one, { maxRatio: 2.5 }), ...withGoal(inWaves, { maxRatio: 2.5 })];
}
