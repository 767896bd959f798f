import type { Failure } from '../../failure/failure.js';
import { checkOptionKeys } from '../../shared/option-keys.js';
import { OptionsError } from '../../shared/options-error.js';
import { isIntegerIn } from '../../shared/validate.js';
import type { BudgetRules, SpendResult } from './budget-rules.js';

/**
 * The AWS SDK's retry quota (standard retry mode): a bucket of `capacity` units, full at the
 * start; a retry costs `retryCost` units (`timeoutRetryCost` after a timeout or a network
 * failure) and is refused when fewer units are left; a success gives back what its call's last
 * retry cost, or `noRetryIncrement` when it needed no retry; never above `capacity`.
 *
 * @example
 * ```ts
 * const design: AwsQuotaDesign = { type: 'aws-quota', capacity: 500 };
 * ```
 */
export interface AwsQuotaDesign {
  readonly type: 'aws-quota';
  /** @defaultValue 500 */
  readonly capacity?: number;
  /** @defaultValue 5 */
  readonly retryCost?: number;
  /** @defaultValue 10 */
  readonly timeoutRetryCost?: number;
  /** @defaultValue 1 */
  readonly noRetryIncrement?: number;
}

/** The AWS quota compiled: its numbers with defaults filled in, and its rules. */
export interface AwsQuotaRules extends BudgetRules {
  readonly type: 'aws-quota';
  readonly capacity: number;
  readonly retryCost: number;
  readonly timeoutRetryCost: number;
  readonly noRetryIncrement: number;
}

const FIELDS = ['capacity', 'retryCost', 'timeoutRetryCost', 'noRetryIncrement'] as const;

/** Validates an AWS quota design and compiles its rules. */
export function compileAwsQuotaDesign(design: AwsQuotaDesign): AwsQuotaRules {
  checkOptionKeys('the aws-quota budget design', design, ['type', ...FIELDS]);
  const numbers = {
    capacity: design.capacity ?? 500,
    retryCost: design.retryCost ?? 5,
    timeoutRetryCost: design.timeoutRetryCost ?? 10,
    noRetryIncrement: design.noRetryIncrement ?? 1,
  };
  for (const field of FIELDS) {
    if (!isIntegerIn(numbers[field], 0, 1_000_000)) throw new OptionsError(field, numbers[field], 'must be an integer from 0 to 1000000');
  }
  const { capacity, retryCost, timeoutRetryCost, noRetryIncrement } = numbers;
  return Object.freeze({
    type: 'aws-quota',
    ...numbers,
    full: capacity,
    cost: (failure: Failure) => (failure.kind === 'timeout' || failure.kind === 'network' ? timeoutRetryCost : retryCost),
    spend(level: number, cost: number): SpendResult {
      if (level < cost) return { level, allowed: false, taken: 0 };
      return { level: level - cost, allowed: true, taken: cost };
    },
    // Older AWS SDKs refilled the whole bucket on any success: a bug this must never repeat.
    creditAmount: (taken: number) => (taken > 0 ? taken : noRetryIncrement),
    describe: () => `AWS retry quota: ${capacity} units, ${retryCost} per retry (${timeoutRetryCost} after a timeout or network failure), refunded by a success`,
    redisSpend: `
local level = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
local cost = tonumber(ARGV[2])
local allowed, taken = 0, 0
if level >= cost then level = level - cost; allowed = 1; taken = cost end
redis.call('SET', KEYS[1], level, 'PX', ARGV[3])
return {allowed, taken}`,
    redisParams: [],
  });
}
