// A worker process of the fleet run (redis-limiter-fleet-run.ts): `callers` concurrent callers,
// each looping over real `fetch` calls to the fake SP-API server through
// `withRetry(spApiPolicy, { rateLimiter })` (paced: one Redis-backed limiter per seller and
// operation, spApiLimiter-style keys) or `withRetry(spApiPolicy)` (retry-only), until `endAt`.
// Prints one JSON line: calls that succeeded and that gave up, and the limiter store's fallbacks.
// Usage: <json of WorkerArgs>
import { Redis } from 'ioredis';
import { rateLimiter, spApiPolicy, withRetry, type RateLimiter } from '../../src/index.js';
import { RedisRateLimiterStore } from '../../src/redis.js';

interface WorkerArgs {
  readonly baseUrl: string;
  readonly redisUrl: string;
  readonly prefix: string;
  readonly callers: number;
  readonly startAt: number;
  readonly endAt: number;
  readonly paced: boolean;
  /** The share of the server's plan the clients use (a margin for latency jitter on a loaded machine). */
  readonly share: number;
  readonly buckets: readonly { readonly sellerId: string; readonly operation: string; readonly ratePerSecond: number; readonly burst: number }[];
}

const args = JSON.parse(process.argv[2]!) as WorkerArgs;
const redis = args.paced ? new Redis(args.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: true }) : undefined;
const store = redis === undefined ? undefined : new RedisRateLimiterStore(redis, { prefix: args.prefix });
// One limiter per (seller, operation), shared by this process's callers; the bucket behind it is
// shared by every process through Redis. The keys are spApiLimiter's; the plans are the fake
// server's (not Amazon's documented ones), given explicitly.
const calls = args.buckets.map((bucket) => {
  const limiter: RateLimiter | undefined =
    store === undefined
      ? undefined
      : // One token of burst below the server's too: requests granted a token apart by Redis reach the
        // server from different processes, and one can overtake another by a scheduling hiccup.
        rateLimiter({ ratePerSecond: bucket.ratePerSecond * args.share, burst: Math.max(1, bucket.burst - 1) }, { key: `spapi:app:${bucket.sellerId}:${bucket.operation}`, store });
  const url = `${args.baseUrl}/${bucket.sellerId}/${bucket.operation}`;
  return withRetry(spApiPolicy, limiter === undefined ? {} : { rateLimiter: limiter })(async () => {
    const response = await fetch(url);
    if (response.ok) await response.text();
    return response;
  });
});

let ok = 0;
let gaveUp = 0;
if (redis !== undefined) await redis.ping();
await new Promise((resolve) => setTimeout(resolve, Math.max(0, args.startAt - Date.now())));
await Promise.all(
  Array.from({ length: args.callers }, async (_, i) => {
    // Callers spread over the buckets round-robin, so each bucket has callers in every process.
    const call = calls[i % calls.length]!;
    while (Date.now() < args.endAt) {
      try {
        await call();
        ok++;
      } catch {
        gaveUp++;
      }
    }
  }),
);
console.log(JSON.stringify({ ok, gaveUp, fallbacks: store?.stats().fallbacks ?? 0 }));
redis?.disconnect();
process.exit(0);
