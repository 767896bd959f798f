// `retry-table/redis`: the budget store shared by processes through Redis. Structural (any client
// with ioredis' `eval`), so retry-table depends on no Redis client.
export { RedisBudgetStore, type RedisLike, type RedisBudgetStoreOptions, type RedisStoreStats } from './budget/redis-store.js';
