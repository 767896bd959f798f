// `retry-table/redis`: the budget store shared by processes through Redis. Structural (any client
// with ioredis' `eval`), so retry-table depends on no Redis client.
export { RedisBudgetStore, type RedisLike, type RedisBudgetStoreOptions, type RedisStoreStats } from './budget/redis-store.js';
// The rate limiter's store shared through Redis: one token bucket per key for a whole fleet.
export { RedisRateLimiterStore, type RedisRateLimiterStoreOptions } from './pacing/redis-limiter-store.js';
