import type { RetryBudget } from '../budget/retry-budget.js';
import type { Clock } from '../run/clock.js';
import { sleepUnlessAborted } from '../run/sleep.js';
import { MAX_TIMER_DELAY_MS } from '../shared/limits.js';

/**
 * Waits out a shared cool-down set through the budget by any call sharing it, before an attempt,
 * as `withRetry` does; returns how long it waited. A client adapter starts attempts itself, so it
 * needs this outside the engine.
 *
 * @example
 * ```ts
 * const waitedMs = await waitForCoolDown(budget, clock, request.signal);
 * ```
 */
export async function waitForCoolDown(budget: RetryBudget | undefined, clock: Clock, signal?: AbortSignal): Promise<number> {
  if (budget === undefined) return 0;
  const waitMs = (await budget.coolDownUntil(clock.now())) - clock.now();
  if (waitMs <= 0) return 0;
  const sleptMs = Math.min(waitMs, MAX_TIMER_DELAY_MS);
  await sleepUnlessAborted(clock, sleptMs, signal);
  return sleptMs;
}
