import type { Failure } from '../../failure/failure.js';
import { checkOptionKeys } from '../../shared/option-keys.js';
import { OptionsError } from '../../shared/options-error.js';
import { isIntegerIn } from '../../shared/validate.js';
import { awsErrorType } from './aws-error-type.js';
import { spendUnits, SPEND_UNITS_LUA } from './spend-units.js';
import type { BudgetRules } from './budget-rules.js';

/**
 * The AWS SDK's retry quota (standard retry mode), as smithy-typescript's `StandardRetryStrategy`
 * implements it: a bucket of `capacity` units, full at the start; a retry after a *transient*
 * failure (a timeout, a connection error, a status of 500, 502, 503 or 504) costs
 * `timeoutRetryCost` (smithy's TIMEOUT_RETRY_COST, 10), any other retry, throttling included,
 * `retryCost` (RETRY_COST, 5); a retry is refused when fewer units are left; a success gives back
 * what its call's last retry cost, or `noRetryIncrement` when it needed no retry; never above
 * `capacity`. For the SDKs' 2026 behaviour see `aws-quota-2026`.
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
  /** The cost after a transient failure (timeout, connection error, 500/502/503/504). @defaultValue 10 */
  readonly timeoutRetryCost?: number;
  /** @defaultValue 1 */
  readonly noRetryIncrement?: number;
}

/**
 * The AWS quota compiled: its numbers with defaults filled in, and its rules.
 *
 * @example
 * ```ts
 * const rules = retryBudget({ type: 'aws-quota' }).design; // rules.full, rules.cost(failure), rules.spend(level, cost)
 * ```
 */
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
    cost: (failure: Failure) => (awsErrorType(failure) === 'transient' ? timeoutRetryCost : retryCost),
    spend: spendUnits,
    // Older AWS SDKs refilled the whole bucket on any success: a bug this must never repeat.
    creditAmount: (taken: number) => (taken > 0 ? taken : noRetryIncrement),
    describe: () => `AWS retry quota: ${capacity} units, ${timeoutRetryCost} per retry after a transient failure (timeout, connection, 5xx), ${retryCost} after others, refunded by a success`,
    redisSpend: SPEND_UNITS_LUA,
    redisParams: [],
  });
}
