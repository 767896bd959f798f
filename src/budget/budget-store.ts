import type { BudgetRules, SpendResult } from './designs.js';

/**
 * Where a budget keeps its bucket and its cool-down. Every operation is atomic per key. The
 * in-memory store answers at once; the Redis store answers in one round trip. Times are epoch
 * milliseconds by the calling call's clock (`nowMs`), never read from a global clock, so a store
 * and the calls using it agree on what "now" is.
 *
 * @example
 * ```ts
 * const store: BudgetStore = new MemoryBudgetStore();
 * const { allowed } = await store.spend('seller-1', budget.design, 5);
 * ```
 */
export interface BudgetStore {
  /** Spends `cost` for a retry by the design's rules: whether it is allowed and what was taken. */
  spend(key: string, design: BudgetRules, cost: number): Pick<SpendResult, 'allowed' | 'taken'> | Promise<Pick<SpendResult, 'allowed' | 'taken'>>;
  /** Credits a success; `taken` is what the call's last retry took (0 when none). */
  credit(key: string, design: BudgetRules, taken: number): void | Promise<void>;
  /** The current level of the bucket, for reports and tests. */
  level(key: string, design: BudgetRules): number | Promise<number>;
  /** Until when (epoch ms) calls sharing the key must wait before their next attempt; 0 for none. */
  coolDownUntil(key: string, nowMs: number): number | Promise<number>;
  /** Extends the cool-down to `untilMs` (never shortens it). */
  coolDown(key: string, untilMs: number, nowMs: number): void | Promise<void>;
  /**
   * Sets a bucket's level. Optional: a store used as the Redis store's `fallback` needs it to start
   * from the last level Redis reported (see `RedisBudgetStoreOptions.fallbackFraction`).
   */
  setLevel?(key: string, level: number): void | Promise<void>;
}
