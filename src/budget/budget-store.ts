import type { ResolvedDesign } from './budget-design.js';

/**
 * Where a budget keeps its bucket and its cool-down. Every operation is atomic per key. The
 * in-memory store answers at once; the Redis store answers in one round trip.
 */
export interface BudgetStore {
  /** Spends for a retry (see `spendForRetry`): whether it is allowed and what was taken. */
  spend(key: string, design: ResolvedDesign, cost: number): { allowed: boolean; taken: number } | Promise<{ allowed: boolean; taken: number }>;
  /** Credits a success (see `creditSuccess`). */
  credit(key: string, design: ResolvedDesign, taken: number): void | Promise<void>;
  /** The current level of the bucket, for reports and tests. */
  level(key: string, design: ResolvedDesign): number | Promise<number>;
  /** Until when (epoch ms) calls sharing the key must wait before their next attempt; 0 for none. */
  coolDownUntil(key: string): number | Promise<number>;
  /** Extends the cool-down to `untilMs` (never shortens it). */
  coolDown(key: string, untilMs: number): void | Promise<void>;
}
