// The pieces of the Redis store's fence on their own: the clock offset, the deadline call, and the
// scripts' refusal to write past their deadline (against a real redis-server).
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { retryBudget } from '../../src/index.js';
import { callWithDeadline } from '../../src/budget/deadline-call.js';
import { FENCED_CREDIT, fencedSpend, TIME } from '../../src/budget/redis-scripts.js';
import { readBucketReply, readValueReply } from '../../src/budget/redis-replies.js';
import { ServerClock } from '../../src/budget/server-clock.js';
import { RedisBudgetStore } from '../../src/redis.js';
import { redisAvailable, useRedis } from '../support/redis.js';

describe('ServerClock', () => {
  it('keeps the narrowest interval, ignores a wide (slow) sample, and follows a clock that stepped', () => {
    const clock = new ServerClock();
    expect(clock.known).toBe(false);
    // Redis is 1,000,000 ms ahead; it read its clock between local 100 and 102.
    clock.sample(100, 102, 1_000_101 * 1000);
    expect(clock.uncertaintyMs(102)).toBeCloseTo(2);
    // A reply read late (a busy loop): wide, consistent, ignored.
    clock.sample(200, 500, 1_000_350 * 1000);
    expect(clock.uncertaintyMs(500)).toBeLessThan(3);
    // The lower bound: local 1000 is at most Redis 1,000,999 (offset 999,999 at worst), less drift.
    expect(clock.toServerMicros(1000, 500)).toBeLessThanOrEqual(1_000_999 * 1000);
    expect(clock.toServerMicros(1000, 500)).toBeGreaterThan(1_000_997 * 1000);
    // Redis's clock stepped back 10 s: the old interval is contradicted, the new one adopted.
    clock.sample(600, 601, 990_600.5 * 1000);
    expect(clock.toServerMicros(1000, 601)).toBeLessThanOrEqual(991_000 * 1000);
  });
});

describe('callWithDeadline', () => {
  it('uses a reply that is already in when the timer fires; gives up on one that is not, and hands it over when it comes', async () => {
    const late: string[] = [];
    const prompt = await callWithDeadline(() => Promise.resolve('in time'), 10, (r) => late.push(r));
    expect(prompt).toEqual({ answered: true, reply: 'in time' });
    const slow = await callWithDeadline(() => sleep(60).then(() => 'late'), 10, (r) => late.push(r));
    expect(slow.answered).toBe(false);
    await sleep(80);
    expect(late).toEqual(['late']);
  });

  it('turns a synchronous throw or a rejection into "not answered"', async () => {
    expect((await callWithDeadline(() => { throw new Error('no'); }, 10, () => undefined)).answered).toBe(false);
    expect((await callWithDeadline(() => Promise.reject(new Error('no')), 10, () => undefined)).answered).toBe(false);
  });
});

describe.skipIf(!redisAvailable)('the fenced scripts, against a real redis-server', () => {
  const redis = useRedis();
  const rules = retryBudget({ type: 'aws-quota' }).design;

  it('write nothing past their deadline and say so; write and report levels before it', async () => {
    const bucket = `fence-${Date.now()}:bucket`;
    const now = readValueReply(await redis.client.eval(TIME, 0)).serverMicros;
    const past = readBucketReply(await redis.client.eval(fencedSpend(rules), 1, bucket, 500, 5, 60_000, now - 1));
    expect(past).toMatchObject({ late: true, allowed: false, taken: 0, level: undefined });
    expect(await redis.client.exists(bucket)).toBe(0);
    const inTime = readBucketReply(await redis.client.eval(fencedSpend(rules), 1, bucket, 480, 5, 60_000, now + 10_000_000));
    // A missing bucket starts from the level given (the one the client last saw), not from full.
    expect(inTime).toMatchObject({ late: false, allowed: true, taken: 5, level: 475, before: 480 });
    const credit = readBucketReply(await redis.client.eval(FENCED_CREDIT, 1, bucket, 500, 5, 60_000, 500, now - 1));
    expect(credit).toMatchObject({ late: true, level: 475 });
    expect(await redis.client.get(bucket)).toBe('475');
  });

  it('keeps every option validated, fallbackFraction included', () => {
    expect(() => new RedisBudgetStore(redis.client, { fallbackFraction: 1.5 })).toThrow(/fallbackFraction/);
    expect(() => new RedisBudgetStore(redis.client, { fallbackFraction: Number.NaN })).toThrow(/fallbackFraction/);
    expect(() => new RedisBudgetStore(redis.client, { fallbackFraction: 0 })).not.toThrow();
    expect(() => new RedisBudgetStore(redis.client, { fallbackFracton: 0.5 } as never)).toThrow(/did you mean fallbackFraction/);
  });
});
