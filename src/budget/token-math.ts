import type { ResolvedDesign } from './budget-design.js';

/**
 * The bucket arithmetic of both designs as pure functions of integer state, shared by the
 * in-memory store and mirrored line for line by the Redis store's Lua scripts.
 */

/** The bucket's level when nothing is stored yet: both designs start full. */
export function fullLevel(design: ResolvedDesign): number {
  return design.type === 'grpc' ? design.maxMilliTokens : design.capacity;
}

/**
 * A failure that the policy would retry. gRPC: take one token (not below 0); the retry is
 * allowed when more than half remains. AWS: take `cost` units if that many are left.
 * Returns the new level and what was taken (0 when refused).
 */
export function spendForRetry(design: ResolvedDesign, level: number, cost: number): { level: number; allowed: boolean; taken: number } {
  if (design.type === 'grpc') {
    const next = Math.max(0, level - 1000);
    return { level: next, allowed: next > design.thresholdMilliTokens, taken: 0 };
  }
  if (level < cost) return { level, allowed: false, taken: 0 };
  return { level: level - cost, allowed: true, taken: cost };
}

/**
 * A success. gRPC: give back `tokenRatio`. AWS: give back what the call's last retry took, or
 * `noRetryIncrement` when it took nothing. Never above full. (Older AWS SDKs refilled the whole
 * bucket on any success: a bug this function must never repeat.)
 */
export function creditSuccess(design: ResolvedDesign, level: number, taken: number): number {
  return Math.min(fullLevel(design), level + creditAmount(design, taken));
}

/** What a success gives back before the cap: gRPC's ratio, or the AWS refund. */
export function creditAmount(design: ResolvedDesign, taken: number): number {
  if (design.type === 'grpc') return design.milliTokenRatio;
  return taken > 0 ? taken : design.noRetryIncrement;
}
