import { OptionsError } from '../shared/options-error.js';

/**
 * gRPC retry throttling (grpc/proposal A6): a bucket of `maxTokens` tokens, full at the start;
 * each failure that would be retried takes one token, each success gives back `tokenRatio`;
 * no retry while the tokens are at or below half of `maxTokens`. Kept as integer milli-tokens,
 * as gRPC does, so 0.1 + 0.2 adds up.
 */
export interface GrpcBudgetDesign {
  readonly type: 'grpc';
  /** 1 to 1000. */
  readonly maxTokens: number;
  /** Tokens a success gives back, above 0; gRPC keeps three decimals. */
  readonly tokenRatio: number;
}

/**
 * The AWS SDK's retry quota (standard retry mode): a bucket of `capacity` units, full at the
 * start; a retry costs `retryCost` units (`timeoutRetryCost` after a timeout or a network
 * failure) and is refused when fewer units are left; a success gives back what its call's last
 * retry cost, or `noRetryIncrement` when it needed no retry; never above `capacity`.
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

/** Which published design a {@link retryBudget} follows. */
export type BudgetDesign = GrpcBudgetDesign | AwsQuotaDesign;

/** A design with every default filled in and every number an integer of the stored unit. */
export type ResolvedDesign =
  | { readonly type: 'grpc'; readonly maxMilliTokens: number; readonly milliTokenRatio: number; readonly thresholdMilliTokens: number }
  | { readonly type: 'aws-quota'; readonly capacity: number; readonly retryCost: number; readonly timeoutRetryCost: number; readonly noRetryIncrement: number };

/** Validates a design where it is given and converts it to the integers the stores keep. */
export function resolveDesign(design: BudgetDesign): ResolvedDesign {
  if (design === null || typeof design !== 'object') throw new OptionsError('budget design', design, 'must be { type: "grpc", ... } or { type: "aws-quota", ... }');
  if (design.type === 'grpc') {
    const { maxTokens, tokenRatio } = design;
    if (!(Number.isFinite(maxTokens) && maxTokens > 0 && maxTokens <= 1000)) throw new OptionsError('maxTokens', maxTokens, 'must be a number above 0 and at most 1000');
    if (!(Number.isFinite(tokenRatio) && tokenRatio > 0)) throw new OptionsError('tokenRatio', tokenRatio, 'must be a number above 0');
    const maxMilliTokens = Math.round(maxTokens * 1000);
    return { type: 'grpc', maxMilliTokens, milliTokenRatio: Math.round(tokenRatio * 1000), thresholdMilliTokens: Math.floor(maxMilliTokens / 2) };
  }
  if (design.type === 'aws-quota') {
    const resolved = {
      type: 'aws-quota' as const,
      capacity: design.capacity ?? 500,
      retryCost: design.retryCost ?? 5,
      timeoutRetryCost: design.timeoutRetryCost ?? 10,
      noRetryIncrement: design.noRetryIncrement ?? 1,
    };
    for (const field of ['capacity', 'retryCost', 'timeoutRetryCost', 'noRetryIncrement'] as const) {
      const value = resolved[field];
      if (!(Number.isInteger(value) && value >= 0 && value <= 1_000_000)) throw new OptionsError(field, value, 'must be an integer from 0 to 1000000');
    }
    return resolved;
  }
  throw new OptionsError('budget design type', (design as { type?: unknown }).type, 'must be "grpc" or "aws-quota"');
}
