import type { BudgetStore } from './budget-store.js';
import { creditedLevel, type BudgetRules, type SpendResult } from './designs.js';

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

  spend(key: string, design: BudgetRules, cost: number): Pick<SpendResult, 'allowed' | 'taken'> {
    const result = design.spend(this.level(key, design), cost);
    this.levels.set(key, result.level);
    return { allowed: result.allowed, taken: result.taken };
  }

  credit(key: string, design: BudgetRules, taken: number): void {
    this.levels.set(key, creditedLevel(design, this.level(key, design), taken));
  }

  level(key: string, design: BudgetRules): number {
    return this.levels.get(key) ?? design.full;
  }

  /** Sets a bucket's level, e.g. to start a fallback from the last level seen elsewhere. */
  setLevel(key: string, level: number): void {
    this.levels.set(key, level);
  }

  coolDownUntil(key: string, _nowMs?: number): number {
    return this.coolDowns.get(key) ?? 0;
  }

  coolDown(key: string, untilMs: number, _nowMs?: number): void {
    if (untilMs > this.coolDownUntil(key)) this.coolDowns.set(key, untilMs);
  }
}
