import type { Failure } from '../../failure/failure.js';
import { checkOptionKeys } from '../../shared/option-keys.js';
import { OptionsError } from '../../shared/options-error.js';
import { isFiniteNumber } from '../../shared/validate.js';
import type { BudgetRules, SpendResult } from './budget-rules.js';

/**
 * gRPC retry throttling (grpc/proposal A6): a bucket of `maxTokens` tokens, full at the start;
 * each failure that would be retried takes one token, each success gives back `tokenRatio`;
 * no retry while the tokens are at or below half of `maxTokens`. Kept as integer milli-tokens,
 * as gRPC does, so 0.1 + 0.2 adds up.
 *
 * @example
 * ```ts
 * const design: GrpcBudgetDesign = { type: 'grpc', maxTokens: 10, tokenRatio: 0.1 };
 * ```
 */
export interface GrpcBudgetDesign {
  readonly type: 'grpc';
  /** 1 to 1000. */
  readonly maxTokens: number;
  /** Tokens a success gives back, above 0; gRPC keeps three decimals. */
  readonly tokenRatio: number;
}

/**
 * The gRPC design compiled: its numbers in milli-tokens, and its rules.
 *
 * @example
 * ```ts
 * const rules = retryBudget({ type: 'grpc', maxTokens: 10, tokenRatio: 0.1 }).design; // rules.full, rules.cost(failure), rules.spend(level, cost)
 * ```
 */
export interface GrpcBudgetRules extends BudgetRules {
  readonly type: 'grpc';
  readonly maxMilliTokens: number;
  readonly milliTokenRatio: number;
  /** Retries are allowed while the level stays above this. */
  readonly thresholdMilliTokens: number;
}

/** Validates a gRPC design and compiles its rules. */
export function compileGrpcDesign(design: GrpcBudgetDesign): GrpcBudgetRules {
  checkOptionKeys('the grpc budget design', design, ['type', 'maxTokens', 'tokenRatio']);
  const { maxTokens, tokenRatio } = design;
  if (!(isFiniteNumber(maxTokens) && maxTokens > 0 && maxTokens <= 1000)) throw new OptionsError('maxTokens', maxTokens, 'must be a number above 0 and at most 1000');
  if (!(isFiniteNumber(tokenRatio) && tokenRatio > 0)) throw new OptionsError('tokenRatio', tokenRatio, 'must be a number above 0');
  const maxMilliTokens = Math.round(maxTokens * 1000);
  const milliTokenRatio = Math.round(tokenRatio * 1000);
  const thresholdMilliTokens = Math.floor(maxMilliTokens / 2);
  return Object.freeze({
    type: 'grpc',
    maxMilliTokens,
    milliTokenRatio,
    thresholdMilliTokens,
    full: maxMilliTokens,
    cost: (_failure: Failure) => 1000,
    // Every failure takes its token, even a refused one: the bucket measures failures, not retries.
    spend(level: number, cost: number): SpendResult {
      const next = Math.max(0, level - cost);
      return { level: next, allowed: next > thresholdMilliTokens, taken: 0 };
    },
    creditAmount: (_taken: number) => milliTokenRatio,
    describe: () => `gRPC retry throttling: ${maxTokens} tokens, ${tokenRatio} back per success, no retry at or below ${maxTokens / 2}`,
    redisSpend: `
local level = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
level = math.max(0, level - tonumber(ARGV[2]))
local allowed = 0
if level > tonumber(ARGV[4]) then allowed = 1 end
redis.call('SET', KEYS[1], level, 'PX', ARGV[3])
return {allowed, 0}`,
    redisParams: [thresholdMilliTokens],
  });
}
