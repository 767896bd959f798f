// The Redis rate limiter store against a real redis-server: the same arithmetic as the memory
// store, one bucket shared by processes, and a fallback that starts from the last level seen.
import { spawn } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { MemoryRateLimiterStore } from '../../src/pacing/limiter-store.js';
import { RedisRateLimiterStore } from '../../src/redis.js';
import { channels } from '../../src/shared/channels.js';
import { redisAvailable, useRedis } from '../support/redis.js';
import { startOwnRedis } from './redis-process.js';

const WORKER = fileURLToPath(new URL('./redis-limiter-worker.ts', import.meta.url));
let unique = 0;
const prefix = (): string => `limiter-test:${process.pid}:${Date.now()}:${unique++}:`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function runWorker(args: string[]): Promise<{ grants: number[]; fallbacks: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`worker exited ${code}: ${err}`))));
  });
}

describe.skipIf(!redisAvailable)('RedisRateLimiterStore against a real redis-server', () => {
  const server = useRedis();

  it('gives the same waits as the memory store for the same sequence (both on real time)', async () => {
    const step = fc.record({
      op: fc.constantFrom('reserve', 'reserve', 'reserve', 'release', 'drain'),
      sleepMs: fc.integer({ min: 0, max: 30 }),
      drainMs: fc.integer({ min: 0, max: 400 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(5, 20, 50), fc.integer({ min: 1, max: 4 }), fc.array(step, { minLength: 1, maxLength: 25 }), async (ratePerSecond, burst, steps) => {
        const plan = { ratePerSecond, burst };
        const memory = new MemoryRateLimiterStore();
        const redis = new RedisRateLimiterStore(server.client, { prefix: prefix(), timeoutMs: 2000 });
        // How much later than `now` Redis may have read its clock, over the run so far: a bucket's
        // times carry the skew of the operations that set them.
        let skewMs = 0;
        for (const { op, sleepMs, drainMs } of steps) {
          if (sleepMs > 0) await sleep(sleepMs);
          // Both on real time: the memory store by Date.now(), Redis by its TIME, read a round trip later.
          const now = Date.now();
          if (op === 'reserve') {
            const expected = memory.reserve('k', plan, now).waitMs;
            const { waitMs } = await redis.reserve('k', plan, now);
            skewMs = Math.max(skewMs, Date.now() - now);
            // Redis reads its clock up to a round trip (and a loaded machine's scheduling) later;
            // whole ms either side of the rounding up.
            expect(Math.abs(waitMs - expected)).toBeLessThanOrEqual(skewMs + 2);
          } else if (op === 'release') {
            memory.release('k', plan, now);
            await redis.release('k', plan, now);
            skewMs = Math.max(skewMs, Date.now() - now);
          } else {
            memory.drainUntil('k', plan, now, now + drainMs);
            await redis.drainUntil('k', plan, now, now + drainMs);
            skewMs = Math.max(skewMs, Date.now() - now);
          }
        }
        expect(redis.stats().fallbacks).toBe(0);
      }),
      { numRuns: 12 },
    );
  }, 60_000);

  it('keeps lastGrantAt: after a rate increase, a newcomer is not granted before an earlier reservation', async () => {
    const store = new RedisRateLimiterStore(server.client, { prefix: prefix() });
    const slow = { ratePerSecond: 1, burst: 1 };
    expect((await store.reserve('k', slow, Date.now())).waitMs).toBe(0);
    const first = (await store.reserve('k', slow, Date.now())).waitMs;
    const second = (await store.reserve('k', { ratePerSecond: 100, burst: 1 }, Date.now())).waitMs;
    expect(first).toBeGreaterThan(950);
    expect(second).toBeGreaterThanOrEqual(first - 20);
  });

  it('expires an idle bucket once it would be full again', async () => {
    const p = prefix();
    const store = new RedisRateLimiterStore(server.client, { prefix: p });
    await store.reserve('k', { ratePerSecond: 10, burst: 2 }, Date.now());
    const ttl = await server.client.pttl(`${p}k:rate`);
    // 1 token short at 10/s: 100 ms to refill, plus a second of slack.
    expect(ttl).toBeGreaterThan(900);
    expect(ttl).toBeLessThanOrEqual(1100);
  });

  it('rejects unknown options and a client without eval', () => {
    expect(() => new RedisRateLimiterStore(server.client, { timeoutMS: 100 } as never)).toThrow(/timeoutMS/);
    expect(() => new RedisRateLimiterStore({} as never)).toThrow(/eval/);
    expect(() => new RedisRateLimiterStore(server.client, { timeoutMs: 0 })).toThrow(/timeoutMs/);
  });

  it('shares one bucket between processes: grants beyond the burst come one token interval apart', async () => {
    const p = prefix();
    const rate = 10;
    const burst = 5;
    const startAt = Date.now() + 1500;
    const results = await Promise.all([0, 1, 2].map(() => runWorker([server.url, p, 'shared', String(rate), String(burst), '10', String(startAt)])));
    const grants = results.flatMap((r) => r.grants).sort((a, b) => a - b);
    expect(results.every((r) => r.fallbacks === 0)).toBe(true);
    expect(grants).toHaveLength(30);
    // 30 reservations from one bucket of 5 at 10/s: the last may be used ~2.5 s after the first.
    const span = grants.at(-1)! - grants[0]!;
    expect(span).toBeGreaterThan(2300);
    expect(span).toBeLessThan(2800);
    // No window of length w holds more than burst + rate · w grants (the server's own bound),
    // give or take the round trip: a grant here is `Date.now()` before asking, plus a wait Redis
    // priced on its clock a round trip later (tens of ms for workers that just started).
    for (let i = 0; i < grants.length; i++) {
      for (let j = i; j < grants.length; j++) {
        expect(j - i + 1).toBeLessThanOrEqual(burst + (rate * (grants[j]! - grants[i]! + 60)) / 1000 + 1e-9);
      }
    }
  }, 30_000);

  it('falls back promptly when Redis stops answering, starting from the last level seen (not full)', async () => {
    const own = await startOwnRedis();
    const client = new Redis(own.url, { maxRetriesPerRequest: 1 });
    const events: unknown[] = [];
    const listen = (message: unknown): void => void events.push(message);
    subscribe(channels.budgetFallback.name, listen);
    try {
      const store = new RedisRateLimiterStore(client, { prefix: prefix(), timeoutMs: 150 });
      const plan = { ratePerSecond: 1, burst: 5 };
      // Empty the shared bucket: 5 at once, then 2 more queued (level -2).
      for (let i = 0; i < 7; i++) await store.reserve('k', plan, Date.now());
      own.pause();
      const startedAt = Date.now();
      const { waitMs } = await store.reserve('k', plan, Date.now());
      const tookMs = Date.now() - startedAt;
      expect(tookMs).toBeLessThan(600);
      // From level -2 (refilled a little since): the third in the queue, ~3 s away; a full bucket would say 0.
      expect(waitMs).toBeGreaterThan(2500);
      expect(store.stats().fallbacks).toBe(1);
      expect(events).toEqual([expect.objectContaining({ key: 'k', operation: 'reserve', error: expect.any(Error) })]);
    } finally {
      unsubscribe(channels.budgetFallback.name, listen);
      own.resume();
      client.disconnect();
      await own.stop();
    }
  }, 20_000);

  it('falls back at once when Redis is unreachable from the start (a full local bucket: nothing was seen)', async () => {
    const client = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    client.on('error', () => undefined);
    const store = new RedisRateLimiterStore(client, { timeoutMs: 200 });
    const startedAt = Date.now();
    expect((await store.reserve('k', { ratePerSecond: 1, burst: 2 }, Date.now())).waitMs).toBe(0);
    expect(Date.now() - startedAt).toBeLessThan(400);
    expect(store.stats().fallbacks).toBe(1);
    client.disconnect();
  });
});
