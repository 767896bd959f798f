import type { Failure } from '../failure/failure.js';
import { AWS_THROTTLING_CODES } from '../failure/throttling.js';
import { checkOptionKeys } from '../shared/option-keys.js';
import { OptionsError } from '../shared/options-error.js';
import { isFiniteNumber, isIntegerIn } from '../shared/validate.js';

// The budget designs are a closed set: compileBudgetDesign handles each in one switch ending in
// `satisfies never`, so a design added to BudgetDesign and not compiled fails to compile.

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
 * Which published design a {@link retryBudget} follows.
 *
 * @example
 * ```ts
 * const design: BudgetDesign = { type: 'grpc', maxTokens: 10, tokenRatio: 0.1 };
 * ```
 */
export type BudgetDesign = GrpcBudgetDesign | AwsQuotaDesign | AwsQuota2026Design;

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

/**
 * The AWS quota compiled: its numbers with defaults filled in, and its rules.
 *
 * @example
 * ```ts
 * const rules = retryBudget({ type: 'aws-quota' }).design; // rules.full, rules.cost(failure), rules.spend(level, cost)
 * ```
 */
export interface AwsQuotaRules extends BudgetRules, Required<AwsQuotaDesign> {}

/**
 * The 2026 AWS quota compiled: its numbers with defaults filled in, and its rules.
 *
 * @example
 * ```ts
 * const rules = retryBudget({ type: 'aws-quota-2026' }).design; // rules.full, rules.cost(failure), rules.spend(level, cost)
 * ```
 */
export interface AwsQuota2026Rules extends BudgetRules, Required<AwsQuota2026Design> {}

/**
 * A design compiled: its numbers in the stored unit and its token math.
 *
 * @example
 * ```ts
 * const rules: CompiledBudgetDesign = retryBudget({ type: 'aws-quota' }).design;
 * ```
 */
export type CompiledBudgetDesign = GrpcBudgetRules | AwsQuotaRules | AwsQuota2026Rules;

/** The `type`s, for error messages. */
const DESIGN_TYPES: readonly BudgetDesign['type'][] = ['grpc', 'aws-quota', 'aws-quota-2026'];

/**
 * Validates a design where it is given and compiles it (a typed error names the bad field).
 *
 * @example
 * ```ts
 * compileBudgetDesign({ type: 'grpc', maxTokens: 10, tokenRatio: 0.1 }).full; // 10000 milli-tokens
 * ```
 */
export function compileBudgetDesign(design: BudgetDesign): CompiledBudgetDesign {
  if (design === null || typeof design !== 'object') throw new OptionsError('budget design', design, `must be an object with a type: ${DESIGN_TYPES.join(' or ')}`);
  switch (design.type) {
    case 'grpc':
      return compileGrpc(design);
    case 'aws-quota': {
      const numbers = awsNumbers(design, {
        capacity: design.capacity ?? 500,
        retryCost: design.retryCost ?? 5,
        timeoutRetryCost: design.timeoutRetryCost ?? 10,
        noRetryIncrement: design.noRetryIncrement ?? 1,
      });
      const { capacity, retryCost, timeoutRetryCost } = numbers;
      return awsRules(
        numbers,
        (failure) => (awsErrorType(failure) === 'transient' ? timeoutRetryCost : retryCost),
        `AWS retry quota: ${capacity} units, ${timeoutRetryCost} per retry after a transient failure (timeout, connection, 5xx), ${retryCost} after others, refunded by a success`,
      );
    }
    case 'aws-quota-2026': {
      const numbers = awsNumbers(design, {
        capacity: design.capacity ?? 500,
        retryCost: design.retryCost ?? 14,
        throttlingRetryCost: design.throttlingRetryCost ?? 5,
        noRetryIncrement: design.noRetryIncrement ?? 1,
      });
      const { capacity, retryCost, throttlingRetryCost } = numbers;
      return awsRules(
        numbers,
        (failure) => (awsErrorType(failure) === 'throttling' ? throttlingRetryCost : retryCost),
        `AWS retry quota (2026): ${capacity} units, ${throttlingRetryCost} per retry after throttling, ${retryCost} after others, refunded by a success`,
      );
    }
    default:
      throw new OptionsError('budget design type', (design satisfies never as { readonly type?: unknown }).type, `must be ${DESIGN_TYPES.map((t) => `"${t}"`).join(' or ')}`);
  }
}

function compileGrpc(design: GrpcBudgetDesign): GrpcBudgetRules {
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

/** Checks an AWS design's keys, then its numbers with the defaults filled in (keyed in the order messages list them). */
function awsNumbers<D extends AwsQuotaDesign | AwsQuota2026Design, N extends Record<string, number>>(design: D, numbers: N): Pick<D, 'type'> & N {
  checkOptionKeys(`the ${design.type} budget design`, design, ['type', ...Object.keys(numbers)]);
  for (const [field, value] of Object.entries(numbers)) {
    if (!isIntegerIn(value, 0, 1_000_000)) throw new OptionsError(field, value, 'must be an integer from 0 to 1000000');
  }
  return { type: design.type, ...numbers };
}

/** The rules both AWS quotas share: take the cost if that many units are left, refund the last cost on success. */
function awsRules<N extends { readonly capacity: number; readonly noRetryIncrement: number }>(numbers: N, cost: (failure: Failure) => number, description: string): N & BudgetRules {
  const { capacity, noRetryIncrement } = numbers;
  return Object.freeze({
    ...numbers,
    full: capacity,
    cost,
    spend: spendUnits,
    // Older AWS SDKs refilled the whole bucket on any success: a bug this must never repeat.
    creditAmount: (taken: number) => (taken > 0 ? taken : noRetryIncrement),
    describe: () => description,
    redisSpend: SPEND_UNITS_LUA,
    redisParams: [],
  });
}

/** smithy's `hasRetryTokens`: take `cost` units if that many are left (`capacity >= cost`), else refuse and take nothing. */
function spendUnits(level: number, cost: number): SpendResult {
  if (level < cost) return { level, allowed: false, taken: 0 };
  return { level: level - cost, allowed: true, taken: cost };
}

/** {@link spendUnits} in Lua (see {@link BudgetRules.redisSpend} for the arguments). */
const SPEND_UNITS_LUA = `
local level = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
local cost = tonumber(ARGV[2])
local allowed, taken = 0, 0
if level >= cost then level = level - cost; allowed = 1; taken = cost end
redis.call('SET', KEYS[1], level, 'PX', ARGV[3])
return {allowed, taken}`;

/**
 * The AWS SDK for JavaScript v3's error types that decide what a retry costs, as
 * smithy-typescript classifies them (`@smithy/core` retry middleware, `getRetryErrorType`:
 * throttling first, then transient; the lists are `service-error-classification`'s constants).
 * retry-table's own kinds `timeout` and `network` are transient too (smithy's network checks).
 */
function awsErrorType(failure: Failure): 'throttling' | 'transient' | 'other' {
  const { status, code } = failure;
  if (status === 429 || (code !== undefined && AWS_THROTTLING_CODES.has(code))) return 'throttling';
  if (failure.kind === 'timeout' || failure.kind === 'network') return 'transient';
  if (status !== undefined && TRANSIENT_ERROR_STATUS_CODES.has(status)) return 'transient';
  if (code !== undefined && TRANSIENT_ERROR_CODES.has(code)) return 'transient';
  return 'other';
}

const TRANSIENT_ERROR_STATUS_CODES: ReadonlySet<number> = new Set([500, 502, 503, 504]);

/** TRANSIENT_ERROR_CODES, NODEJS_TIMEOUT_ERROR_CODES and NODEJS_NETWORK_ERROR_CODES. */
const TRANSIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * A level after a success: what the design gives back, never above full.
 *
 * @example
 * ```ts
 * creditedLevel(compileBudgetDesign({ type: 'aws-quota' }), 490, 10); // 500
 * ```
 */
export function creditedLevel(rules: BudgetRules, level: number, taken: number): number {
  return Math.min(rules.full, level + rules.creditAmount(taken));
}
