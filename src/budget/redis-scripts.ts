import type { BudgetRules } from './designs.js';

// The Lua the Redis store runs. Every script reads Redis's own clock first (TIME), so its reply
// carries a clock sample; the scripts that change a bucket also carry a deadline in Redis time
// (µs, the last argument) and, past it, write nothing and answer `late`: the client gave up on
// them and answered from its local fallback, so running now would charge the fleet twice.
// Levels come back with every reply, so the client always knows the newest level it saw.
//
// Replies: {tag, taken, seconds, micros, level, before}: tag 1|0 (allowed or not) for a spend, 1
// for a credit, 'late' for a fenced script (then level is the stored one, or false when none).

/** Redis < 5 replicates scripts verbatim and refuses a write after TIME unless told otherwise. */
const PRELUDE = `
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')`;

const FENCE = `
if tonumber(time[1]) * 1000000 + tonumber(time[2]) > tonumber(ARGV[#ARGV]) then
  return {'late', 0, time[1], time[2], redis.call('GET', KEYS[1])}
end
local before = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])`;

const fencedSpends = new Map<string, string>();

/**
 * A design's `redisSpend` behind the fence: the design's own script runs unchanged, as a function
 * (its `return` ends the function, not the script), with the same KEYS and ARGV, the deadline
 * appended last. ARGV[1] is the level a missing bucket starts from: full, or the level this
 * client last saw (an emptied Redis resumes where it was rather than granting a full bucket).
 *
 * @example
 * ```ts
 * redis.eval(fencedSpend(rules), 1, bucket, startLevel, cost, idleTtlMs, ...rules.redisParams, deadlineMicros);
 * ```
 */
export function fencedSpend(rules: BudgetRules): string {
  let script = fencedSpends.get(rules.redisSpend);
  if (script === undefined) {
    script = `${PRELUDE}${FENCE}
local spend = function()
${rules.redisSpend}
end
local result = spend()
return {result[1], result[2], time[1], time[2], tonumber(redis.call('GET', KEYS[1])), before}`;
    fencedSpends.set(rules.redisSpend, script);
  }
  return script;
}

/**
 * Credits a success behind the fence. ARGV: start level, amount, idle ms, full, deadline.
 *
 * @example
 * ```ts
 * redis.eval(FENCED_CREDIT, 1, bucket, startLevel, rules.creditAmount(taken), idleTtlMs, rules.full, deadlineMicros);
 * ```
 */
export const FENCED_CREDIT = `${PRELUDE}${FENCE}
local level = math.min(tonumber(ARGV[4]), before + tonumber(ARGV[2]))
redis.call('SET', KEYS[1], level, 'PX', ARGV[3])
return {1, 0, time[1], time[2], level, before}`;

/**
 * Undoes a change that was made in time but answered too late (the client had already fallen
 * back): adds `delta` back, within [0, full], to a bucket that still exists. Not fenced: it must
 * apply whenever it arrives. ARGV: delta, full, idle ms.
 *
 * @example
 * ```ts
 * redis.eval(UNDO, 1, bucket, before - after, rules.full, idleTtlMs);
 * ```
 */
export const UNDO = `
local level = tonumber(redis.call('GET', KEYS[1]))
if level == nil then return 0 end
level = math.max(0, math.min(tonumber(ARGV[2]), level + tonumber(ARGV[1])))
redis.call('SET', KEYS[1], level, 'PX', ARGV[3])
return 1`;

/**
 * Reads a bucket: {seconds, micros, level or false}. Reads change nothing, so they need no fence.
 *
 * @example
 * ```ts
 * const [seconds, micros, level] = await redis.eval(READ, 1, bucket);
 * ```
 */
export const READ = `${PRELUDE}
return {time[1], time[2], redis.call('GET', KEYS[1])}`;

/**
 * Extends a cool-down: {seconds, micros}. Not fenced on purpose: a cool-down that lands late
 * still only makes calls wait until the server's own hint expires, and dropping it would lose
 * the hint for every other process. ARGV: until (ms), ttl (ms).
 *
 * @example
 * ```ts
 * await redis.eval(COOL_DOWN, 1, coolDownKey, untilMs, ttlMs);
 * ```
 */
export const COOL_DOWN = `${PRELUDE}
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return {time[1], time[2]}`;

/**
 * Redis's clock alone, for the first deadline a client gives (and when its estimate went stale).
 *
 * @example
 * ```ts
 * const [seconds, micros] = await redis.eval(TIME, 0);
 * ```
 */
export const TIME = `return redis.call('TIME')`;
