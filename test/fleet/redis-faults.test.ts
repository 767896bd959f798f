// The faults found by fault injection, each against a real redis-server: one of the test's own
// (test/fleet/redis-process.ts) where it is stopped or killed, so other tests keep theirs.
import diagnostics_channel from 'node:diagnostics_channel';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBudgetStore, retryBudget, type Failure } from '../../src/index.js';
import { RedisBudgetStore, type RedisLike } from '../../src/redis.js';
import { redisAvailable, useRedis } from '../support/redis.js';
import { startOwnRedis, type OwnRedis } from './redis-process.js';

// A throttling answer: the AWS quota charges it 5 (a 503 is transient: 10).
const throttled: Failure = { kind: 'http', status: 429 };

function busyFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // The event loop is blocked, as by a long synchronous task.
  }
}

/** Counts `retry-table:budget-fallback` events while `body` runs. */
async function fallbacksDuring(body: () => Promise<void>): Promise<unknown[]> {
  const events: unknown[] = [];
  const listener = (event: unknown): void => void events.push(event);
  diagnostics_channel.subscribe('retry-table:budget-fallback', listener);
  try {
    await body();
  } finally {
    diagnostics_channel.unsubscribe('retry-table:budget-fallback', listener);
  }
  return events;
}

async function untilReady(client: Redis): Promise<void> {
  for (let i = 0; i < 200 && client.status !== 'ready'; i++) await sleep(25);
  expect(client.status).toBe('ready');
}

describe.skipIf(!redisAvailable)('RedisBudgetStore under faults, against its own redis-server', () => {
  let server: OwnRedis;
  let client: Redis;
  let n = 0;
  const key = (): string => `fault-${Date.now()}-${n++}`;

  beforeAll(async () => {
    server = await startOwnRedis();
    client = new Redis(server.url, { retryStrategy: () => 25 });
    client.on('error', () => undefined);
    await untilReady(client);
  }, 20_000);
  afterEach(() => server.resume());
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('a spend that timed out while Redis was stopped changes nothing when Redis resumes: level() reads 500, not 450', async () => {
    const fallback = new MemoryBudgetStore();
    const store = new RedisBudgetStore(client, { timeoutMs: 300, fallback });
    const budget = retryBudget({ type: 'aws-quota' }, { store, key: key() });
    expect(await budget.level()).toBe(500); // and the clocks' offset is known: the spends are sent
    server.pause();
    for (let i = 0; i < 10; i++) expect(await budget.requestRetry(throttled)).toEqual({ allowed: true, taken: 5 });
    expect(fallback.level(budget.key, budget.design)).toBe(450);
    server.resume();
    await sleep(300);
    // The ten scripts ran when Redis woke up, found their deadline passed, and wrote nothing.
    expect(await budget.level()).toBe(500);
    expect(store.stats()).toMatchObject({ fallbacks: 10, fencedLate: 10, lateCharges: 0 });
  }, 20_000);

  it('the local fallback starts from the last level Redis reported (times fallbackFraction), and a second outage grants nothing again', async () => {
    const id = key();
    const fallback = new MemoryBudgetStore();
    const store = new RedisBudgetStore(client, { timeoutMs: 400, fallback });
    const half = new RedisBudgetStore(client, { timeoutMs: 400, fallbackFraction: 0.5 });
    const budget = retryBudget({ type: 'aws-quota' }, { store, key: id });
    const halfBudget = retryBudget({ type: 'aws-quota' }, { store: half, key: id });
    for (let i = 0; i < 4; i++) await budget.requestRetry(throttled);
    expect(await halfBudget.level()).toBe(480);
    server.pause();
    expect(await budget.level()).toBe(480); // not a full 500
    expect(await halfBudget.level()).toBe(240);
    expect(await budget.requestRetry(throttled)).toEqual({ allowed: true, taken: 5 });
    expect(fallback.level(id, budget.design)).toBe(475);
    server.resume();
    await sleep(200);
    expect(await budget.level()).toBe(480); // Redis: the outage's spend was the fallback's alone
    server.pause();
    // The next outage starts from what the fallback has left, not from 480 again.
    expect(await budget.level()).toBe(475);
  }, 20_000);

  it('a Redis restarted empty resumes each bucket from the level last seen, not from full', async () => {
    const id = key();
    const store = new RedisBudgetStore(client, { timeoutMs: 500 });
    const budget = retryBudget({ type: 'aws-quota' }, { store, key: id });
    for (let i = 0; i < 4; i++) await budget.requestRetry(throttled);
    expect(await budget.level()).toBe(480);
    await server.kill();
    await server.restart();
    await untilReady(client);
    expect(await client.exists(`retry-table:${id}:bucket`)).toBe(0);
    expect(await budget.requestRetry(throttled)).toEqual({ allowed: true, taken: 5 });
    // Another process, which never saw the bucket, now finds it where the fleet left it.
    const other = retryBudget({ type: 'aws-quota' }, { store: new RedisBudgetStore(client), key: id });
    expect(await other.level()).toBe(475);
    // A bucket nobody saw before still starts full.
    expect(await retryBudget({ type: 'aws-quota' }, { store: new RedisBudgetStore(client), key: key() }).level()).toBe(500);
  }, 30_000);
});

describe.skipIf(!redisAvailable)('RedisBudgetStore and a busy event loop, against a real redis-server', () => {
  const redis = useRedis();

  it('a reply that arrived while the event loop was blocked past the timeout is used: no fallback, one charge', async () => {
    const fallback = new MemoryBudgetStore();
    const store = new RedisBudgetStore(redis.client, { timeoutMs: 100, fallback });
    const budget = retryBudget({ type: 'aws-quota' }, { store, key: `busy-${Date.now()}` });
    await untilReady(redis.client);
    expect(await budget.level()).toBe(500); // the clocks' offset is known: the spend is sent at once
    const events = await fallbacksDuring(async () => {
      const grant = budget.requestRetry(throttled);
      busyFor(400); // Redis answers in well under a millisecond; the reply waits in the socket
      expect(await grant).toEqual({ allowed: true, taken: 5 });
    });
    expect(events).toEqual([]);
    expect(store.stats().fallbacks).toBe(0);
    expect(await budget.level()).toBe(495);
    expect(fallback.level(budget.key, budget.design)).toBe(500);
  });

  it('a change made in time but answered after the fallback is undone, and counted', async () => {
    // Replies held back 450 ms, past a 300 ms timeout: the script ran at once, its answer came late.
    let holdMs = 0;
    const slowReplies: RedisLike = { eval: (...args) => redis.client.eval(...(args as [string, number])).then(async (reply) => (await sleep(holdMs), reply)) };
    const fallback = new MemoryBudgetStore();
    const store = new RedisBudgetStore(slowReplies, { timeoutMs: 300, fallback });
    const budget = retryBudget({ type: 'aws-quota' }, { store, key: `slow-${Date.now()}` });
    expect(await budget.level()).toBe(500); // a prompt reply first: the clocks' offset is known
    holdMs = 450;
    expect(await budget.requestRetry(throttled)).toEqual({ allowed: true, taken: 5 });
    expect(fallback.level(budget.key, budget.design)).toBe(495);
    await sleep(700);
    expect(store.stats()).toMatchObject({ lateCharges: 1, lateChargesUndone: 1 });
    expect(await retryBudget({ type: 'aws-quota' }, { store: new RedisBudgetStore(redis.client), key: budget.key }).level()).toBe(500);
  });
});
