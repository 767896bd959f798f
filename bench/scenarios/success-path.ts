import { do_not_optimize } from 'mitata';
import { contenders } from '../contenders.js';
import { compare, type ResultRow } from '../measure.js';

/** Scenario 1: what the wrapper costs when nothing fails (most calls). Baseline: `await fn()`. */
export async function successPath(): Promise<ResultRow[]> {
  const fn = async (): Promise<number> => 42;
  return compare(
    '1. success path',
    ['baseline: await fn()', async () => do_not_optimize(await fn())],
    contenders(3, 0).map(([name, wrap]) => {
      const wrapped = wrap(fn);
      return [name, async () => do_not_optimize(await wrapped())] as const;
    }),
  );
}
