// The fleet run's small version, for CI: 2 processes × 10 callers for ~5 s against a fake SP-API
// server, sharing one Redis-backed limiter per (seller, operation). The clients plan with 95% of
// the server's rate, a margin for a loaded 2-core machine's latency jitter; goodput is measured
// against the server's full rate, beyond the initial burst.
import { describe, expect, it } from 'vitest';
import { redisAvailable, useRedis } from '../support/redis.js';
import { runFleet, type FleetBucket } from './redis-limiter-fleet-run.js';

const BUCKETS: readonly FleetBucket[] = [
  { sellerId: 'A1SELLER', operation: 'getItemOffers', ratePerSecond: 2, burst: 5 },
  { sellerId: 'A1SELLER', operation: 'getCatalogItem', ratePerSecond: 10, burst: 20 },
];

describe.skipIf(!redisAvailable)('a fleet sharing a Redis-backed rate limiter', () => {
  const server = useRedis();

  it('2 processes × 10 callers for 5 s: at most 2% 429s, goodput at least 85% of the plan', async () => {
    const result = await runFleet({ redisUrl: server.url, workers: 2, callers: 10, durationMs: 5000, paced: true, buckets: BUCKETS, share: 0.95 });
    expect(result.throttledShare).toBeLessThanOrEqual(0.02);
    expect(result.goodput).toBeGreaterThanOrEqual(0.85);
    expect(result.fallbacks).toBe(0);
  }, 60_000);
});
