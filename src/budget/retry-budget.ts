import type { Failure } from '../failure/failure.js';
import { checkOptionKeys } from '../shared/option-keys.js';
import { OptionsError } from '../shared/options-error.js';
import type { BudgetStore } from './budget-store.js';
import { compileBudgetDesign, type BudgetDesign, type CompiledBudgetDesign } from './designs.js';
import { MemoryBudgetStore } from './memory-store.js';

/**
 * Options of {@link retryBudget}.
 *
 * @example
 * ```ts
 * // One budget per seller, shared by every process through Redis (RedisBudgetStore is in 'retry-table/redis')
 * const options: RetryBudgetOptions = { store: new RedisBudgetStore(redis), key: `mws:${sellerId}` };
 * const budget = retryBudget({ type: 'aws-quota' }, options);
 * ```
 */
export interface RetryBudgetOptions {
  /** Where the bucket lives. @defaultValue a new {@link MemoryBudgetStore} (this process only) */
  readonly store?: BudgetStore;
  /** The bucket's name: calls and processes sharing a key share one budget (one per account, say). @defaultValue 'default' */
  readonly key?: string;
}

const OPTION_KEYS = ['store', 'key'] as const;

/**
 * A budget's answer to one retry.
 *
 * @example
 * ```ts
 * const grant: BudgetGrant = await budget.requestRetry({ kind: 'http', status: 503 });
 * if (!grant.allowed) console.warn('budget exhausted');
 * ```
 */
export interface BudgetGrant {
  /** Whether the retry may go ahead; a refused one stops the call with `budget-exhausted`. */
  readonly allowed: boolean;
  /** What was taken for it, refunded by the call's success (AWS quota); 0 when refused. */
  readonly taken: number;
}

/**
 * A retry budget shared by every call that uses it (`withRetry(policy, { budget })`): a token
 * bucket that refuses retries when too many recent attempts failed, so a fleet of clients cannot
 * turn an outage into an overload, and a shared cool-down, so a throttling answer from the server
 * makes every call wait, not just the one that got it. Times are epoch ms by the calling call's
 * clock; the call passes its reading (`nowMs`), defaulting to `Date.now()` when called by hand.
 *
 * @example
 * ```ts
 * const budget: RetryBudget = retryBudget({ type: 'grpc', maxTokens: 10, tokenRatio: 0.1 });
 * await budget.level(); // 10000 milli-tokens: full
 * ```
 */
export interface RetryBudget {
  readonly key: string;
  /** The design compiled: its numbers and its token math. */
  readonly design: CompiledBudgetDesign;
  /** Asks the bucket for one retry after `failure`. */
  requestRetry(failure: Failure): Promise<BudgetGrant>;
  /** Credits a call's success; `taken` is what its last retry took (0 when none). */
  recordSuccess(taken: number): Promise<void>;
  /** Until when (epoch ms by the calls' clock) the next attempt of any call must wait; 0 for none. */
  coolDownUntil(nowMs?: number): Promise<number>;
  /** Makes every call sharing the budget wait until `untilMs` before its next attempt. */
  coolDown(untilMs: number, nowMs?: number): Promise<void>;
  /** The bucket's level: milli-tokens for gRPC, units for the AWS quota. */
  level(): Promise<number>;
}

/**
 * Creates a {@link RetryBudget} following one of the published designs: gRPC retry
 * throttling (`{ type: 'grpc', maxTokens, tokenRatio }`) or the AWS SDK retry quota
 * (`{ type: 'aws-quota' }`: 500 units, a retry costs 10 after a transient failure, 5 after
 * others, as smithy-typescript's StandardRetryStrategy; `{ type: 'aws-quota-2026' }`: 14, and 5
 * after throttling, as its 2026 behaviour).
 * A call refused by the budget stops with reason `budget-exhausted`.
 *
 * @param design - which design, with its numbers
 * @param options - the store (memory by default, or a `RedisBudgetStore` from `retry-table/redis`) and the key
 * @example
 * ```ts
 * // Retries allowed while fewer than about 10% of recent calls failed (gRPC's own example numbers).
 * const budget = retryBudget({ type: 'grpc', maxTokens: 10, tokenRatio: 0.1 });
 * const getOrders = withRetry(mwsPolicy, { budget })(callListOrders);
 * ```
 */
export function retryBudget(design: BudgetDesign, options: RetryBudgetOptions = {}): RetryBudget {
  const compiled = compileBudgetDesign(design);
  checkOptionKeys('retryBudget', options, OPTION_KEYS);
  const store = options.store ?? new MemoryBudgetStore();
  const key = options.key ?? 'default';
  if (typeof key !== 'string' || key === '') throw new OptionsError('key', key, 'must be a non-empty string');
  if (typeof store?.spend !== 'function') throw new OptionsError('store', store, 'must be a BudgetStore (MemoryBudgetStore, RedisBudgetStore)');
  return Object.freeze({
    key,
    design: compiled,
    requestRetry: async (failure: Failure) => store.spend(key, compiled, compiled.cost(failure)),
    recordSuccess: async (taken: number) => store.credit(key, compiled, taken),
    coolDownUntil: async (nowMs: number = Date.now()) => store.coolDownUntil(key, nowMs),
    coolDown: async (untilMs: number, nowMs: number = Date.now()) => store.coolDown(key, untilMs, nowMs),
    level: async () => store.level(key, compiled),
  });
}
