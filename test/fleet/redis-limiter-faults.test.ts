import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { definePolicy, rateLimiter, withRetry } from '../../src/index.js';
import { RedisRateLimiterStore } from '../../src/redis.js';
import { redisAvailable } from '../support/redis.js';
import { startOwnRedis } from './redis-process.js';

const once = definePolicy({ name: 'once', maxAttempts: 1, rules: [{ match: {}, retry: false }] });

/**
 * The fault bound for a shared limiter: Redis stopped for 3 s, then killed and restarted
 * empty, never hangs a call, and the outage lets through at most one burst more than the plan.
 */
describe.skipIf(!redisAvailable)('a Redis-backed rate limiter through Redis faults', () => {
  it('stopped for 3 s, then killed and restarted: no call hangs; grants stay within the plan plus one burst', async () => {
    const own = await startOwnRedis();
    const client = new Redis(own.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => 50 });
    const plan = { ratePerSecond: 5, burst: 3 };
    const store = new RedisRateLimiterStore(client, { prefix: `faults:${Date.now()}:`, timeoutMs: 100 });
    const limiter = rateLimiter(plan, { key: 'seller:getOrders', store, learn: false });
    const starts: number[] = [];
    const call = withRetry(once, { rateLimiter: limiter, maxElapsedMs: 10_000 })(async () => void starts.push(Date.now()));
    const t0 = Date.now();
    let running = true;
    // Three callers back to back; each call must settle (a hang would hold the loop past the test).
    const loops = [1, 2, 3].map(async () => {
      let calls = 0;
      while (running) {
        await call().catch(() => undefined);
        calls++;
      }
      return calls;
    });
    try {
      await new Promise((r) => setTimeout(r, 1000));
      own.pause();
      await new Promise((r) => setTimeout(r, 3000));
      own.resume();
      await new Promise((r) => setTimeout(r, 500));
      await own.kill();
      await own.restart();
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      running = false;
      await Promise.all(loops);
      client.disconnect();
      await own.stop();
    }
    const elapsedS = (Date.now() - t0) / 1000;
    // The plan allows burst + rate · t; the outage (a local bucket from the last level seen) and the
    // empty restart (a full bucket) may each add at most one burst.
    expect(starts.length).toBeLessThanOrEqual(plan.burst + plan.ratePerSecond * elapsedS + 2 * plan.burst);
    // And pacing went on through it all: not stuck, not unlimited.
    expect(starts.length).toBeGreaterThan(plan.ratePerSecond * elapsedS * 0.5);
    expect(store.stats().fallbacks).toBeGreaterThan(0);
  }, 60_000);
});
