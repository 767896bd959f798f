import { do_not_optimize } from 'mitata';
import { contenders } from '../contenders.js';
import { compare, withGoal, type ResultRow } from '../measure.js';

/**
 * Scenario 1: what the wrapper costs when nothing fails (most calls). Baseline: `await fn()`.
 * Twice: a function returning a number, and one returning a real 200 fetch `Response` (made
 * once, so the figure is the wrapper's look at it, not the cost of building a Response).
 */
export async function successPath(): Promise<ResultRow[]> {
  const fn = async (): Promise<number> => 42;
  const plain = await compare(
    '1. success path',
    ['baseline: await fn()', async () => do_not_optimize(await fn())],
    contenders(3, 0).map(([name, wrap]) => {
      const wrapped = wrap(fn);
      return [name, async () => do_not_optimize(await wrapped())] as const;
    }),
  );
  const ok = new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });
  const fetchLike = async (): Promise<Response> => ok;
  const response = await compare(
    '1b. success path returning a real 200 Response',
    ['baseline: await fn()', async () => do_not_optimize(await fetchLike())],
    contenders(3, 0)
      .filter(([name]) => name.startsWith('retry-table') || name.startsWith('cockatiel'))
      .map(([name, wrap]) => {
        const wrapped = wrap(fetchLike);
        return [name, async () => do_not_optimize(await wrapped())] as const;
      }),
  );
  return [...withGoal(plain, { maxRatio: 1.3 }), ...withGoal(response, { maxRatio: 1.6 })];
}
