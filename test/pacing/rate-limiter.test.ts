import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullBucket, reserve, type Bucket } from '../../src/pacing/token-bucket.js';
import { definePolicy, isRetryError, rateLimiter, retry, spApiLimiter, spApiPolicy, SP_API_USAGE_PLANS, TestClock, withRetry } from '../../src/index.js';

const quick = definePolicy({ name: 'quick', maxAttempts: 3, maxDelayMs: 60_000, rules: [{ match: {}, retry: true, schedule: { type: 'constant', delayMs: 0 } }] });

describe('the token bucket', () => {
  const plans = fc.record({ ratePerSecond: fc.double({ min: 0.01, max: 100, noNaN: true }), burst: fc.integer({ min: 1, max: 20 }) });
  const arrivals = fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 80 }).map((times) => [...times].sort((a, b) => a - b));

  it('never grants more than burst + rate · w in any window of length w, over any arrival pattern', () => {
    fc.assert(
      fc.property(plans, arrivals, (plan, times) => {
        let bucket: Bucket = fullBucket(plan, 0);
        const grants = times.map((at) => {
          const reserved = reserve(bucket, plan, at);
          bucket = reserved.bucket;
          return at + reserved.waitMs;
        });
        for (let i = 0; i < grants.length; i++) {
          for (let j = i; j < grants.length; j++) {
            const w = grants[j]! - grants[i]!;
            // j − i + 1 grants fell in a window of length w; waits are whole ms (rounded up), so
            // a window measured between two rounded grants may be up to 1 ms short.
            expect(j - i + 1).toBeLessThanOrEqual(plan.burst + (plan.ratePerSecond * (w + 1)) / 1000 + 1e-9);
          }
        }
      }),
    );
  });

  it('hands out tokens in arrival order (FIFO)', () => {
    fc.assert(
      fc.property(plans, arrivals, (plan, times) => {
        let bucket: Bucket = fullBucket(plan, 0);
        let previous = -Infinity;
        for (const at of times) {
          const reserved = reserve(bucket, plan, at);
          bucket = reserved.bucket;
          expect(at + reserved.waitMs).toBeGreaterThanOrEqual(previous);
          previous = at + reserved.waitMs;
        }
      }),
    );
  });
});

describe('rateLimiter in a call', () => {
  it('paces every attempt: burst at once, then one per 1/rate', async () => {
    const clock = new TestClock();
    const limiter = rateLimiter({ ratePerSecond: 2, burst: 2 });
    const startedAt: number[] = [];
    const call = withRetry(quick, { clock, rateLimiter: limiter })(async () => {
      startedAt.push(clock.now());
      return 'ok';
    });
    await clock.run(Promise.all([call(), call(), call(), call()]));
    expect(startedAt).toEqual([0, 0, 500, 1000]);
  });

  it('counts retries too: a retried attempt takes its own token', async () => {
    const clock = new TestClock();
    const limiter = rateLimiter({ ratePerSecond: 1, burst: 1 });
    const startedAt: number[] = [];
    await clock.run(
      retry(
        quick,
        (ctx) => {
          startedAt.push(clock.now());
          if (ctx.attempt < 3) throw Object.assign(new Error('busy'), { status: 503 });
          return 'ok';
        },
        { clock, rateLimiter: limiter, random: () => 0 },
      ),
    );
    expect(startedAt).toEqual([0, 1000, 2000]);
  });

  it('an abort while waiting rejects at once, leaves no timer and gives the token back', async () => {
    const clock = new TestClock();
    const limiter = rateLimiter({ ratePerSecond: 1, burst: 1 });
    await clock.run(retry(quick, () => 'first', { clock, rateLimiter: limiter }));
    const controller = new AbortController();
    const waiting = retry(quick, () => 'second', { clock, rateLimiter: limiter, signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.pending).toBe(1);
    controller.abort(new Error('left'));
    await expect(waiting).rejects.toThrow('left');
    expect(clock.pending).toBe(0);
    // The token came back: the next call waits 1 s, not 2.
    expect((await limiter.acquire(clock.now())).waitMs).toBe(1000);
  });

  it('a wait past the deadline stops at once with deadline, taking no token', async () => {
    const clock = new TestClock();
    const limiter = rateLimiter({ ratePerSecond: 1, burst: 1 });
    await clock.run(retry(quick, () => 'first', { clock, rateLimiter: limiter }));
    let attempts = 0;
    const error = await retry(quick, () => ++attempts, { clock, rateLimiter: limiter, maxElapsedMs: 500 }).catch((e: unknown) => e);
    expect(isRetryError(error) && [error.reason, error.refusedDelayMs, error.attempts.length]).toEqual(['deadline', 1000, 0]);
    expect(attempts).toBe(0);
    expect(clock.pending).toBe(0);
    expect((await limiter.acquire(clock.now())).waitMs).toBe(1000);
  });

  it("a wait beyond the policy's maxDelayMs stops with rate-limited", async () => {
    const clock = new TestClock();
    const tight = quick.with({ maxDelayMs: 500 });
    const limiter = rateLimiter({ ratePerSecond: 1, burst: 1 });
    await clock.run(retry(tight, () => 'first', { clock, rateLimiter: limiter }));
    const error = await retry(tight, () => 'second', { clock, rateLimiter: limiter }).catch((e: unknown) => e);
    expect(isRetryError(error) && error.reason).toBe('rate-limited');
  });

  it('learns the rate from x-amzn-RateLimit-Limit, slows on throttling, and recovers on success', async () => {
    const limiter = rateLimiter({ ratePerSecond: 2, burst: 5 });
    await limiter.observeFailure({ kind: 'http', status: 400, quota: { ratePerSecond: 0.5 } }, 0);
    expect(limiter.plan.ratePerSecond).toBe(0.5);
    await limiter.observeFailure({ kind: 'http', status: 429, code: 'QuotaExceeded' }, 0);
    expect(limiter.plan.ratePerSecond).toBeCloseTo(0.35, 10);
    limiter.observeSuccess(0);
    expect(limiter.plan.ratePerSecond).toBeCloseTo(0.375, 10);
    for (let i = 0; i < 10; i++) limiter.observeSuccess(0);
    expect(limiter.plan.ratePerSecond).toBe(0.5);
  });

  it('a used-up quota (RateLimit r=0, t) empties the bucket until the reset', async () => {
    const limiter = rateLimiter({ ratePerSecond: 10, burst: 10 });
    await limiter.observeFailure({ kind: 'http', status: 429, quota: { remaining: 0, resetsInMs: 3000 } }, 1000);
    expect((await limiter.acquire(1000)).waitMs).toBe(3000);
  });

  it('rejects bad plans and options with typed errors naming the field', () => {
    expect(() => rateLimiter({ ratePerSecond: 0, burst: 1 })).toThrow(/ratePerSecond/);
    expect(() => rateLimiter({ ratePerSecond: 1, burst: 0 })).toThrow(/burst/);
    expect(() => rateLimiter({ ratePerSecond: 1, burst: 1 }, { keys: 'x' } as never)).toThrow(/did you mean key\?/);
    expect(() => withRetry(quick, { rateLimiter: {} as never })).toThrow(/rateLimiter/);
  });
});

describe('spApiLimiter: usage plans as data', () => {
  it('takes the documented plan of the operation (Amazon models: getOrders 0.0167/s burst 20, getOrderItems 0.5/s burst 30)', () => {
    expect(spApiLimiter('getOrders', { sellerId: 'A1' }).plan).toEqual({ ratePerSecond: 0.0167, burst: 20 });
    expect(spApiLimiter('getOrderItems', { sellerId: 'A1' }).plan).toEqual({ ratePerSecond: 0.5, burst: 30 });
    expect(SP_API_USAGE_PLANS.createFeed).toMatchObject({ ratePerSecond: 0.0083, burst: 15 });
  });

  it('keys the bucket by application, seller and operation', () => {
    expect(spApiLimiter('getOrders', { sellerId: 'A1' }).key).toBe('spapi:app:A1:getOrders');
    expect(spApiLimiter('getOrders', { sellerId: 'A1', applicationId: 'amzn1.sp.solution.x' }).key).toBe('spapi:amzn1.sp.solution.x:A1:getOrders');
    expect(() => spApiLimiter('getOrders', { sellerId: '' })).toThrow(/sellerId/);
    expect(() => spApiLimiter('listWidgets' as never, { sellerId: 'A1' })).toThrow(/operation/);
  });
});

/** A fake SP-API operation enforcing its own token bucket, answering 429 QuotaExceeded when empty. */
let server: Server;
let url: string;
let served = { ok: 0, throttled: 0 };
beforeAll(async () => {
  const plan = { ratePerSecond: 20, burst: 5 };
  let bucket = fullBucket(plan, Date.now());
  server = createServer((_req, res) => {
    const now = Date.now();
    bucket = { tokens: Math.min(plan.burst, bucket.tokens + ((now - bucket.at) / 1000) * plan.ratePerSecond), at: now };
    if (bucket.tokens >= 1) {
      bucket = { tokens: bucket.tokens - 1, at: now };
      served.ok++;
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-RateLimit-Limit': '20.0' });
      res.end('{"payload":{}}');
    } else {
      served.throttled++;
      res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-RequestId': 'rid' });
      res.end('{"errors":[{"code":"QuotaExceeded","message":"You exceeded your quota for the requested resource.","details":""}]}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders/v0/orders`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('pacing against a server that enforces its plan (real fetch, real time)', () => {
  it('30 concurrent calls through a limiter on the same plan get no 429', async () => {
    served = { ok: 0, throttled: 0 };
    // A little below the server's plan: on a loaded machine timers fire late and requests bunch,
    // and 10% of the rate plus 4 tokens of burst absorb a timer up to ~200 ms late.
    const limiter = rateLimiter({ ratePerSecond: 18, burst: 1 });
    const get = withRetry(spApiPolicy, { rateLimiter: limiter })(() => fetch(url));
    const responses = await Promise.all(Array.from({ length: 30 }, () => get()));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(served).toEqual({ ok: 30, throttled: 0 });
  }, 20_000);
});

describe('adaptiveRateLimiter: the AWS SDK adaptive mode in a call', () => {
  it('sends freely until the first throttle, then paces at the CUBIC rate it learned', async () => {
    const { adaptiveRateLimiter } = await import('../../src/index.js');
    const limiter = adaptiveRateLimiter();
    expect((await limiter.acquire(0)).waitMs).toBe(0);
    expect(limiter.plan.ratePerSecond).toBe(Infinity);
    // The exact arithmetic is smithy's (test/pacing/cubic-vectors.test.ts); here, that a call sees it:
    // after a throttle the bucket is empty and the next token comes one token's worth of fill later.
    await limiter.observeFailure({ kind: 'http', status: 429 }, 500);
    const rate = limiter.plan.ratePerSecond;
    expect(rate).toBeGreaterThanOrEqual(0.5);
    expect(Number.isFinite(rate)).toBe(true);
    expect((await limiter.acquire(500)).waitMs).toBe(Math.ceil(1000 / rate));
  });

  it('paces a real call after a throttle', async () => {
    const { adaptiveRateLimiter } = await import('../../src/index.js');
    const clock = new TestClock();
    const limiter = adaptiveRateLimiter();
    const startedAt: number[] = [];
    await clock.run(
      retry(
        quick,
        (ctx) => {
          startedAt.push(clock.now());
          if (ctx.attempt === 1) throw Object.assign(new Error('slow down'), { status: 429 });
          return 'ok';
        },
        { clock, rateLimiter: limiter },
      ),
    );
    // After the throttle at 0 the bucket is empty and refills at minFillRate 0.5/s: 2 s.
    expect(startedAt).toEqual([0, 2000]);
  });
});

describe('FIFO holds when the rate changes between reservations', () => {
  it('never grants a later reservation before an earlier one, whatever the rates', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 2000 }), rate: fc.double({ min: 0.05, max: 50, noNaN: true }) }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 10 }),
        (steps, burst) => {
          let bucket: Bucket = fullBucket({ ratePerSecond: steps[0]!.rate, burst }, 0);
          let now = 0;
          let previous = -Infinity;
          for (const { gap, rate } of steps) {
            now += gap;
            const reserved = reserve(bucket, { ratePerSecond: rate, burst }, now);
            bucket = reserved.bucket;
            expect(now + reserved.waitMs).toBeGreaterThanOrEqual(previous);
            previous = now + reserved.waitMs;
          }
        },
      ),
    );
  });

  it('counts 429s answered together as one congestion event', async () => {
    const limiter = rateLimiter({ ratePerSecond: 0.5, burst: 30 });
    for (let i = 0; i < 20; i++) await limiter.observeFailure({ kind: 'http', status: 429, code: 'QuotaExceeded' }, 1000);
    expect(limiter.plan.ratePerSecond).toBeCloseTo(0.35, 10);
  });
});
