import type { Failure } from '../../failure/failure.js';

/**
 * What spending for one retry did to a bucket.
 *
 * @example
 * ```ts
 * const result: SpendResult = retryBudget({ type: 'aws-quota' }).design.spend(3, 5); // { level: 3, allowed: false, taken: 0 }
 * ```
 */
export interface SpendResult {
  /** The bucket's level afterwards. */
  readonly level: number;
  /** Whether the retry may go ahead. */
  readonly allowed: boolean;
  /** What was taken from the bucket for it (refunded by a success in the AWS design). */
  readonly taken: number;
}

/**
 * The token math of one budget design, compiled from its validated numbers: every store (memory,
 * Redis, a user's own) applies the same rules, and the Redis store runs `redisSpend`, a Lua
 * transcription of `spend`, so both give the same answers. Levels are integers of the design's
 * stored unit (gRPC: milli-tokens; AWS: capacity units), so sums never drift.
 *
 * @example
 * ```ts
 * const rules = retryBudget({ type: 'aws-quota' }).design;
 * rules.spend(rules.full, rules.cost({ kind: 'timeout' })); // { level: 490, allowed: true, taken: 10 }
 * ```
 */
export interface BudgetRules {
  /** The level of a bucket nothing is stored for yet: every design starts full. */
  readonly full: number;
  /** What a retry after this failure costs. */
  cost(failure: Failure): number;
  /** Takes `cost` for a retry from a bucket at `level`. */
  spend(level: number, cost: number): SpendResult;
  /** What a success gives back before the cap at `full`; `taken` is what its last retry took. */
  creditAmount(taken: number): number;
  /** One line for docs and `explain`. */
  describe(): string;
  /**
   * The same `spend` in Lua. KEYS[1] is the bucket; ARGV[1] the level of a missing bucket (full,
   * or the level the client last saw, when Redis lost it), ARGV[2] the cost, ARGV[3] the idle
   * expiry in ms, ARGV[4] onwards {@link BudgetRules.redisParams}; the Redis store appends its
   * deadline after those and runs the script behind its fence, so a script reads no further.
   * Returns `{allowed (0|1), taken}` and stores the new level.
   */
  readonly redisSpend: string;
  /** The design's numbers the Lua script reads from ARGV[4] on. */
  readonly redisParams: readonly number[];
}

/** A level after a success: what the design gives back, never above full. */
export function creditedLevel(rules: BudgetRules, level: number, taken: number): number {
  return Math.min(rules.full, level + rules.creditAmount(taken));
}
