// The fleet run's small version, for CI: 2 processes × 10 callers for ~5 s against a fake SP-API
// server, sharing one Redis-backed limiter per (seller, operation). The clients plan with 95% of
// the server's rate and one token less of burst, a margin for a loaded 2-core machine's latency
// jitter; goodput is measured against the server's full rate, beyond the server's initial burst,
// so the margins cost it ~11% over 8 s (the 20 s run, npm run pacing:fleet, holds the 90%).
import { describe, expect, it } from 'vitest';
import { redisAvailable, useRedis } from '../support/redis.js';
import { runFleet, type FleetBucket } from './redis-limiter-fleet-run.js';

const BUCKETS: readonly FleetBucket[] = [
  { sellerId: 'A1SELLER', operation: 'getItemOffers', ratePerSecond: 2, burst: 5 },
  { sellerId: 'A1SELLER', operation: 'getCatalogItem', ratePerSecond: 10, burst: 20 },
];

describe.skipIf(!redisAvailable)('a fleet sharing a Redis-backed rate limiter', () => {
  const server = useRedis();

  it('2 processes × 10 callers for 8 s: at most 2% 429s, goodput at least 80% of the plan', async () => {
    const result = await runFleet({ redisUrl: server.url, workers: 2, callers: 10, durationMs: 8000, paced: true, buckets: BUCKETS, share: 0.95 });
    expect(result.throttledShare).toBeLessThanOrEqual(0.02);
    expect(result.goodput).toBeGreaterThanOrEqual(0.8);
    expect(result.fallbacks).toBe(0);
  }, 60_000);
});
