import { definePolicy, retryBudget, type BudgetDesign, type Failure } from '../../src/index.js';
import { seededRandom } from './prng.js';

/**
 * Retry amplification: a server failing each attempt with probability p, calls retried up to 3
 * times (4 attempts) by a policy, with or without a shared retry budget. Returns the attempts
 * per logical call, over `calls` calls (seeded). Time plays no part here, so there is no clock.
 */
export async function amplification(p: number, calls: number, budgetDesign?: BudgetDesign, options: { failure?: Failure; seed?: number } = {}) {
  const policy = definePolicy({ name: 'amplification', maxAttempts: 4, rules: [{ match: {}, retry: true, schedule: { type: 'constant', delayMs: 0 } }] });
  const budget = budgetDesign === undefined ? undefined : retryBudget(budgetDesign);
  const failure: Failure = options.failure ?? { kind: 'http', status: 503 };
  const random = seededRandom(options.seed ?? 1);
  let attempts = 0;
  let retries = 0;
  let refused = 0;
  for (let call = 0; call < calls; call++) {
    let taken = 0;
    for (let attempt = 1; ; attempt++) {
      attempts++;
      if (random() >= p) {
        await budget?.recordSuccess(taken);
        break;
      }
      if (policy.decide(failure, { attempt }).action === 'stop') break;
      if (budget !== undefined) {
        const grant = await budget.requestRetry(failure);
        if (!grant.allowed) {
          refused++;
          break;
        }
        taken = grant.taken;
      }
      retries++;
    }
  }
  return { attemptsPerCall: attempts / calls, retries, refused };
}
