import type { Failure } from '../../failure/failure.js';
import { checkOptionKeys } from '../../shared/option-keys.js';
import { OptionsError } from '../../shared/options-error.js';
import { isIntegerIn } from '../../shared/validate.js';
import { awsErrorType } from './aws-error-type.js';
import type { BudgetRules } from './budget-rules.js';
import { spendUnits, SPEND_UNITS_LUA } from './spend-units.js';

/**
 * The AWS SDKs' retry quota as changed for 2026 (smithy-typescript behind
 * `SMITHY_NEW_RETRIES_2026=true`, `retries-2026-config.ts`: "Lower retry capacity consumption for
 * throttling"): a retry after throttling (429 or a throttling code) costs
 * `throttlingRetryCost` (5), any other retry `retryCost` (14); otherwise as `aws-quota`: 500
 * units, refused when fewer are left, a success refunds its call's last retry cost, or 1.
 *
 * @example
 * ```ts
 * const design: AwsQuota2026Design = { type: 'aws-quota-2026' };
 * ```
 */
export interface AwsQuota2026Design {
  readonly type: 'aws-quota-2026';
  /** @defaultValue 500 */
  readonly capacity?: number;
  /** The cost of a retry after anything but throttling. @defaultValue 14 */
  readonly retryCost?: number;
  /** The cost of a retry after throttling. @defaultValue 5 */
  readonly throttlingRetryCost?: number;
  /** @defaultValue 1 */
  readonly noRetryIncrement?: number;
}

/**
 * The 2026 AWS quota compiled: its numbers with defaults filled in, and its rules.
 *
 * @example
 * ```ts
 * const rules = retryBudget({ type: 'aws-quota-2026' }).design; // rules.full, rules.cost(failure), rules.spend(level, cost)
 * ```
 */
export interface AwsQuota2026Rules extends BudgetRules {
  readonly type: 'aws-quota-2026';
  readonly capacity: number;
  readonly retryCost: number;
  readonly throttlingRetryCost: number;
  readonly noRetryIncrement: number;
}

const FIELDS = ['capacity', 'retryCost', 'throttlingRetryCost', 'noRetryIncrement'] as const;

/** Validates a 2026 AWS quota design and compiles its rules. */
export function compileAwsQuota2026Design(design: AwsQuota2026Design): AwsQuota2026Rules {
  checkOptionKeys('the aws-quota-2026 budget design', design, ['type', ...FIELDS]);
  const numbers = {
    capacity: design.capacity ?? 500,
    retryCost: design.retryCost ?? 14,
    throttlingRetryCost: design.throttlingRetryCost ?? 5,
    noRetryIncrement: design.noRetryIncrement ?? 1,
  };
  for (const field of FIELDS) {
    if (!isIntegerIn(numbers[field], 0, 1_000_000)) throw new OptionsError(field, numbers[field], 'must be an integer from 0 to 1000000');
  }
  const { capacity, retryCost, throttlingRetryCost, noRetryIncrement } = numbers;
  return Object.freeze({
    type: 'aws-quota-2026',
    ...numbers,
    full: capacity,
    cost: (failure: Failure) => (awsErrorType(failure) === 'throttling' ? throttlingRetryCost : retryCost),
    spend: spendUnits,
    creditAmount: (taken: number) => (taken > 0 ? taken : noRetryIncrement),
    describe: () => `AWS retry quota (2026): ${capacity} units, ${throttlingRetryCost} per retry after throttling, ${retryCost} after others, refunded by a success`,
    redisSpend: SPEND_UNITS_LUA,
    redisParams: [],
  });
}
