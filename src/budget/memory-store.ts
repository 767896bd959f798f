import type { ResolvedDesign } from './budget-design.js';
import type { BudgetStore } from './budget-store.js';
import { creditSuccess, fullLevel, spendForRetry } from './token-math.js';

/**
 * The default store: the bucket and the cool-down in this process's memory, shared by every call
 * that uses the same budget. Also the fallback of the Redis store when Redis cannot answer.
 *
 * @example
 * ```ts
 * const budget = retryBudget({ type: 'aws-quota' }, { store: new MemoryBudgetStore() });
 * ```
 */
export class MemoryBudgetStore implements BudgetStore {
  private readonly levels = new Map<string, number>();
  private readonly coolDowns = new Map<string, number>();

  spend(key: string, design: ResolvedDesign, cost: number): { allowed: boolean; taken: number } {
    const result = spendForRetry(design, this.level(key, design), cost);
    this.levels.set(key, result.level);
    return { allowed: result.allowed, taken: result.taken };
  }

  credit(key: string, design: ResolvedDesign, taken: number): void {
    this.levels.set(key, creditSuccess(design, this.level(key, design), taken));
  }

  level(key: string, design: ResolvedDesign): number {
    return this.levels.get(key) ?? fullLevel(design);
  }

  coolDownUntil(key: string): number {
    return this.coolDowns.get(key) ?? 0;
  }

  coolDown(key: string, untilMs: number): void {
    if (untilMs > this.coolDownUntil(key)) this.coolDowns.set(key, untilMs);
  }
}
