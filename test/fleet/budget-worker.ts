// A worker process for the fleet tests: runs calls against a budget kept in Redis and prints
// what happened as one JSON line. Usage:
//   budget <redisUrl> <key> <design> <calls>         every call fails with 503; prints attempts
//   throttle <redisUrl> <key> <retryAfterSeconds>     one call gets 429 + Retry-After, then succeeds
//   follow <redisUrl> <key>                           one call; prints when its attempt started
import { Redis } from 'ioredis';
import { definePolicy, retryBudget, scraperPolicy, withRetry } from '../../src/index.js';
import { RedisBudgetStore } from '../../src/redis.js';

const [mode, url, key, arg1, arg2] = process.argv.slice(2);
const redis = new Redis(url!, { lazyConnect: false, maxRetriesPerRequest: 1 });
const store = new RedisBudgetStore(redis, { timeoutMs: 2000, coolDownCacheMs: 0 });

try {
  if (mode === 'budget') {
    const design = arg1 === 'grpc' ? ({ type: 'grpc', maxTokens: 10, tokenRatio: 0.1 } as const) : ({ type: 'aws-quota' } as const);
    const budget = retryBudget(design, { store, key: key! });
    const retryAll = definePolicy({ name: 'retry-all', maxAttempts: 10, rules: [{ match: {}, retry: true, schedule: { type: 'constant', delayMs: 0 } }] });
    let attempts = 0;
    const call = withRetry(retryAll, { budget })(async () => {
      attempts++;
      // Throttled: the AWS quota's 5-unit retries (a 503 is transient and costs 10).
      throw Object.assign(new Error('busy'), { status: 429 });
    });
    const calls = Number(arg2);
    const reasons: Record<string, number> = {};
    for (let i = 0; i < calls; i++) {
      const error = (await call().catch((e: unknown) => e)) as { reason: string };
      reasons[error.reason] = (reasons[error.reason] ?? 0) + 1;
    }
    console.log(JSON.stringify({ attempts, calls, reasons }));
  } else if (mode === 'throttle') {
    const budget = retryBudget({ type: 'aws-quota' }, { store, key: key! });
    let attempt = 0;
    const startedAt = Date.now();
    const onRetry = (): void =>
      // The cool-down is set before onRetry runs: report it now, while it is still running.
      void budget.coolDownUntil().then((until) => console.log(JSON.stringify({ event: 'cool-down-set', startedAt, coolDownUntil: until })));
    await withRetry(scraperPolicy, { budget, random: () => 0, onRetry })(async () => {
      if (attempt++ === 0) {
        // Tell the test the cool-down is about to be set, with the server's hint.
        return new Response('{"error":"rate_limited"}', { status: 429, headers: { 'retry-after': arg1!, 'content-type': 'application/json' } });
      }
      return new Response('{}', { status: 200 });
    })();
    console.log(JSON.stringify({ event: 'done', startedAt, finishedAt: Date.now() }));
  } else if (mode === 'follow') {
    const budget = retryBudget({ type: 'aws-quota' }, { store, key: key! });
    const calledAt = Date.now();
    let attemptAt = 0;
    await withRetry(scraperPolicy, { budget })(async () => {
      attemptAt = Date.now();
      return new Response('{}', { status: 200 });
    })();
    console.log(JSON.stringify({ calledAt, attemptAt }));
  }
} finally {
  redis.disconnect();
}
