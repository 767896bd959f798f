// The Lua scripts of the Redis rate limiter store: token-bucket.ts line by line, in Redis's clock.
// Each reads `TIME` itself, so every process refills the bucket by the same clock, whatever its
// own says; what crosses clocks is durations only (waits, and how far away a reset is).
//
// A bucket is a hash { tokens, at, grant } (`grant`: lastGrantAt, absent until a reservation).
// Numbers are written and returned with %.17g: Lua numbers returned to Redis are truncated to
// integers, and tostring() keeps 14 digits, too few for milliseconds since 1970 with a fraction.

/** Shared head: reads the bucket (full when missing), refills it to Redis's now (refill()). */
const HEAD = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local h = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'grant')
local tokens, at, grant
if h[1] then
  tokens = tonumber(h[1]); at = tonumber(h[2]); grant = h[3] and tonumber(h[3]) or nil
else
  tokens = burst; at = now; grant = nil
end
if now > at then
  tokens = math.min(burst, tokens + ((now - at) / 1000) * rate)
  at = now
end
`;

/**
 * Shared tail: writes the bucket back, expiring it once it would be full again and every granted
 * wait is over (a missing bucket starts full, so nothing is lost), and replies
 * { tokens, lastGrantAt - now (or ''), waitMs }.
 */
const TAIL = `
local f = function(x) return string.format('%.17g', x) end
if grant then
  redis.call('HSET', KEYS[1], 'tokens', f(tokens), 'at', f(at), 'grant', f(grant))
else
  redis.call('HSET', KEYS[1], 'tokens', f(tokens), 'at', f(at))
end
local ahead = grant and math.max(0, grant - at) or 0
local ttl = math.ceil(math.max(0, burst - tokens) / rate * 1000 + ahead) + 1000
redis.call('PEXPIRE', KEYS[1], ttl)
return { f(tokens), grant and f(grant - at) or '', f(wait) }
`;

/** reserve(): ARGV rate, burst. Replies the wait in ms (a duration: valid on any clock). */
export const RESERVE = `${HEAD}
tokens = tokens - 1
local refillWait = 0
if tokens < 0 then refillWait = math.ceil((-tokens / rate) * 1000) end
local wait = math.max(refillWait, (grant or -math.huge) - at, 0)
grant = at + wait
${TAIL}`;

/** release(): ARGV rate, burst. */
export const RELEASE = `${HEAD}
tokens = math.min(burst, tokens + 1)
local wait = 0
${TAIL}`;

/** drainUntil(): ARGV rate, burst, untilMs - nowMs (how far away the reset is, by the caller's clock). */
export const DRAIN_UNTIL = `${HEAD}
local deficit = (tonumber(ARGV[3]) / 1000) * rate
tokens = math.min(tokens, 1 - deficit)
local wait = 0
${TAIL}`;
