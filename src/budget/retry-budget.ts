import type { Failure } from '../failure/failure.js';
import { OptionsError } from '../shared/options-error.js';
import { resolveDesign, type BudgetDesign, type ResolvedDesign } from './budget-design.js';
import type { BudgetStore } from './budget-store.js';
import { MemoryBudgetStore } from './memory-store.js';

/** Options of {@link retryBudget}. */
export interface RetryBudgetOptions {
  /** Where the bucket lives. @defaultValue a new {@link MemoryBudgetStore} (this process only) */
  readonly store?: BudgetStore;
  /** The bucket's name: calls and processes sharing a key share one budget (one per account, say). @defaultValue 'default' */
  readonly key?: string;
}

/**
 * A retry budget shared by every call that uses it (`withRetry(policy, { budget })`): a token
 * bucket that refuses retries when too many recent attempts failed, so a fleet of clients cannot
 * turn an outage into an overload, and a shared cool-down, so a throttling answer from the server
 * makes every call wait, not just the one that got it.
 */
export interface RetryBudget {
  readonly key: string;
  readonly design: ResolvedDesign;
  /** Asks the bucket for one retry after `failure`. */
  requestRetry(failure: Failure): Promise<{ allowed: boolean; taken: number }>;
  /** Credits a call's success; `taken` is what its last retry took (0 when none). */
  recordSuccess(taken: number): Promise<void>;
  /** Until when (epoch ms by the calls' clock) the next attempt of any call must wait; 0 for none. */
  coolDownUntil(): Promise<number>;
  /** Makes every call sharing the budget wait until `untilMs` before its next attempt. */
  coolDown(untilMs: number): Promise<void>;
  /** The bucket's level: milli-tokens for gRPC, units for the AWS quota. */
  level(): Promise<number>;
}

/**
 * Creates a {@link RetryBudget} following one of the two published designs: gRPC retry
 * throttling (`{ type: 'grpc', maxTokens, tokenRatio }`) or the AWS SDK retry quota
 * (`{ type: 'aws-quota' }`, capacity 500, cost 5, 10 after a timeout or network failure).
 * A call refused by the budget stops with reason `budget-exhausted`.
 *
 * @param design - which design, with its numbers
 * @param options - the store (memory by default, or a {@link RedisBudgetStore}) and the key
 * @example
 * ```ts
 * // Retries allowed while fewer than about 10% of recent calls failed (gRPC's own example numbers).
 * const budget = retryBudget({ type: 'grpc', maxTokens: 10, tokenRatio: 0.1 });
 * const getOrders = withRetry(mwsPolicy, { budget })(callListOrders);
 * ```
 */
export function retryBudget(design: BudgetDesign, options: RetryBudgetOptions = {}): RetryBudget {
  const resolved = resolveDesign(design);
  const store = options.store ?? new MemoryBudgetStore();
  const key = options.key ?? 'default';
  if (typeof key !== 'string' || key === '') throw new OptionsError('key', key, 'must be a non-empty string');
  if (typeof store?.spend !== 'function') throw new OptionsError('store', store, 'must be a BudgetStore (MemoryBudgetStore, RedisBudgetStore)');
  return Object.freeze({
    key,
    design: resolved,
    requestRetry: async (failure: Failure) => {
      const transient = failure.kind === 'timeout' || failure.kind === 'network';
      const cost = resolved.type === 'aws-quota' ? (transient ? resolved.timeoutRetryCost : resolved.retryCost) : 1;
      return store.spend(key, resolved, cost);
    },
    recordSuccess: async (taken: number) => store.credit(key, resolved, taken),
    coolDownUntil: async () => store.coolDownUntil(key),
    coolDown: async (untilMs: number) => store.coolDown(key, untilMs),
    level: async () => store.level(key, resolved),
  });
}
