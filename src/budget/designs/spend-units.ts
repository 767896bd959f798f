import type { SpendResult } from './budget-rules.js';

/**
 * The AWS quotas' spend: take `cost` units if that many are left, else refuse and take nothing
 * (smithy's `hasRetryTokens`: `capacity >= cost`).
 *
 * @example
 * ```ts
 * spendUnits(14, 14); // { level: 0, allowed: true, taken: 14 }
 * spendUnits(13, 14); // { level: 13, allowed: false, taken: 0 }
 * ```
 */
export function spendUnits(level: number, cost: number): SpendResult {
  if (level < cost) return { level, allowed: false, taken: 0 };
  return { level: level - cost, allowed: true, taken: cost };
}

/** {@link spendUnits} in Lua, for the Redis store (see `BudgetRules.redisSpend` for the arguments). */
export const SPEND_UNITS_LUA = `
local level = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
local cost = tonumber(ARGV[2])
local allowed, taken = 0, 0
if level >= cost then level = level - cost; allowed = 1; taken = cost end
redis.call('SET', KEYS[1], level, 'PX', ARGV[3])
return {allowed, taken}`;
