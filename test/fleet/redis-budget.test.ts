import diagnostics_channel from 'node:diagnostics_channel';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { MemoryBudgetStore, retryBudget, type Failure } from '../../src/index.js';
import { RedisBudgetStore } from '../../src/redis.js';
import { redisAvailable, useRedis } from '../support/redis.js';

const WORKER = fileURLToPath(new URL('./budget-worker.ts', import.meta.url));
// A throttling answer: the AWS quota charges it 5 (a 503 is transient: 10).
const throttled: Failure = { kind: 'http', status: 429 };

/** Runs a worker process and returns the last JSON line it printed; `onLine` sees every line as it comes. */
function worker(args: string[], onLine?: (line: Record<string, unknown>) => void): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const lines = out.split('\n');
      for (const line of lines.slice(0, -1)) if (line.trim()) onLine?.(JSON.parse(line) as Record<string, unknown>);
      out = lines[lines.length - 1]!;
      if (lines.length > 1) last = lines[lines.length - 2]!;
    });
    let last = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker ${args.join(' ')} exited ${code}: ${err}`));
      else resolve(JSON.parse((out.trim() || last).trim()) as Record<string, unknown>);
    });
  });
}

describe.skipIf(!redisAvailable)('RedisBudgetStore against a real redis-server', () => {
  const server = useRedis();

  it('gives the same answers as the in-memory store for any sequence of operations (the gRPC golden vector included)', async () => {
    const key = `same-${Date.now()}`;
    const remote = retryBudget({ type: 'grpc', maxTokens: 4, tokenRatio: 1.6 }, { store: new RedisBudgetStore(server.client), key });
    const local = retryBudget({ type: 'grpc', maxTokens: 4, tokenRatio: 1.6 }, { store: new MemoryBudgetStore(), key });
    const ops = 'FSFFFFFSSFFSFSF'.split('');
    for (const op of ops) {
      if (op === 'F') expect(await remote.requestRetry(throttled)).toEqual(await local.requestRetry(throttled));
      else await Promise.all([remote.recordSuccess(0), local.recordSuccess(0)]);
      expect(await remote.level()).toBe(await local.level());
    }
    expect(await remote.level()).toBe(2400);
  });

  it('shares one AWS quota between 4 worker processes: exactly 100 retries in all at p = 1', async () => {
    const key = `aws-${Date.now()}`;
    const results = await Promise.all([1, 2, 3, 4].map(() => worker(['budget', server.url, key, 'aws-quota', '30'])));
    const retries = results.reduce((sum, r) => sum + (r['attempts'] as number) - (r['calls'] as number), 0);
    expect(retries).toBe(100);
    // Every call ended either refused by the budget or out of attempts (10 per call).
    const reasons = results.map((r) => r['reasons'] as Record<string, number>);
    expect(reasons.reduce((sum, r) => sum + (r['budget-exhausted'] ?? 0) + (r['attempts-exhausted'] ?? 0), 0)).toBe(120);
    expect(reasons.reduce((sum, r) => sum + (r['budget-exhausted'] ?? 0), 0)).toBeGreaterThan(100);
  }, 60_000);

  it('shares one gRPC bucket between 4 worker processes: exactly 4 retries from 10 tokens at p = 1', async () => {
    const key = `grpc-${Date.now()}`;
    const results = await Promise.all([1, 2, 3, 4].map(() => worker(['budget', server.url, key, 'grpc', '5'])));
    const retries = results.reduce((sum, r) => sum + (r['attempts'] as number) - (r['calls'] as number), 0);
    // 10 → 9, 8, 7, 6: allowed; 5 and below: at or under the threshold of 5.
    expect(retries).toBe(4);
  }, 60_000);

  it('a cool-down set by one worker delays the next attempt of another', async () => {
    const key = `cool-${Date.now()}`;
    let until = 0;
    let follower: Promise<Record<string, unknown>> | undefined;
    // When the throttled worker reports its cool-down (4 s, from Retry-After: 4), start another:
    // a new process takes a second or so to start, well inside the cool-down.
    const throttler = worker(['throttle', server.url, key, '4'], (line) => {
      if (line['event'] !== 'cool-down-set') return;
      until = line['coolDownUntil'] as number;
      follower = worker(['follow', server.url, key]);
    });
    await throttler;
    const followed = await follower!;
    expect(until).toBeGreaterThan(0);
    expect(followed['calledAt'] as number).toBeLessThan(until); // it was called during the cool-down
    expect(followed['attemptAt'] as number).toBeGreaterThanOrEqual(until); // and its first attempt waited it out
  }, 60_000);

  it('falls back to the local store, promptly, when Redis does not answer; and says so', async () => {
    const silent = { eval: () => new Promise<never>(() => undefined) };
    const store = new RedisBudgetStore(silent, { timeoutMs: 50 });
    const budget = retryBudget({ type: 'aws-quota' }, { store, key: 'down' });
    const events: unknown[] = [];
    const { channels } = await import('../../src/index.js');
    const listener = (event: unknown): void => void events.push(event);
    // The same channel any subscriber reaches by name.
    diagnostics_channel.subscribe('retry-table:budget-fallback', listener);
    const started = Date.now();
    expect(await budget.requestRetry(throttled)).toEqual({ allowed: true, taken: 5 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await budget.level()).toBe(495);
    diagnostics_channel.unsubscribe('retry-table:budget-fallback', listener);
    expect(channels.budgetFallback.name).toBe('retry-table:budget-fallback');
    expect(events[0]).toMatchObject({ key: 'down', operation: 'spend' });
  });

  it('falls back when Redis is unreachable (a closed port), without hanging', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    dead.on('error', () => undefined);
    const budget = retryBudget({ type: 'grpc', maxTokens: 4, tokenRatio: 1.6 }, { store: new RedisBudgetStore(dead, { timeoutMs: 200 }), key: 'unreachable' });
    expect(await budget.requestRetry(throttled)).toEqual({ allowed: true, taken: 0 });
    dead.disconnect();
  });
});
