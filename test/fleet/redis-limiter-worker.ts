// A worker process for the shared-bucket test: waits until `startAt` (epoch ms, so every worker
// asks at about the same moment), reserves `count` tokens from one Redis-backed bucket, and prints
// when each reservation may be used (`at + waitMs`, epoch ms: the workers share this machine's
// clock) as one JSON line. Usage: <redisUrl> <prefix> <key> <rate> <burst> <count> <startAt>
import { Redis } from 'ioredis';
import { RedisRateLimiterStore } from '../../src/redis.js';

const [url, prefix, key, rate, burst, count, startAt] = process.argv.slice(2);
const redis = new Redis(url!, { maxRetriesPerRequest: 1 });
const store = new RedisRateLimiterStore(redis, { prefix: prefix!, timeoutMs: 2000 });
const plan = { ratePerSecond: Number(rate), burst: Number(burst) };
await redis.ping();
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const grants: number[] = [];
for (let i = 0; i < Number(count); i++) {
  const at = Date.now();
  const { waitMs } = await store.reserve(key!, plan, at);
  grants.push(at + waitMs);
}
console.log(JSON.stringify({ grants, fallbacks: store.stats().fallbacks }));
redis.disconnect();
