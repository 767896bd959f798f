// One worker process of `npm run chaos` (bench/chaos.ts starts several): calls an upstream that
// always answers 429 through withRetry with an AWS quota shared in Redis, on a few concurrent
// lanes, while blocking its own event loop now and then. It prints {"event":"ready"} once
// connected, starts on "go" and stops on "stop" (lines on stdin), then prints one JSON report.
//   node --import tsx bench/chaos/worker.ts <redisUrl> <key> <capacity> <lanes> <offlineQueue 0|1> <busy 0|1> <seed>
import diagnostics_channel from 'node:diagnostics_channel';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { definePolicy, MemoryBudgetStore, retryBudget, withRetry, type BudgetRules } from '../../src/index.js';
import { RedisBudgetStore } from '../../src/redis.js';
import { seededRandom } from '../sim/prng.js';

const [url, key, capacityArg, lanesArg, offlineQueueArg, busyArg, seedArg] = process.argv.slice(2);
const CAPACITY = Number(capacityArg);
const LANES = Number(lanesArg);
/** The store's default: Redis gets this long to answer before the fallback does. */
const TIMEOUT_MS = 250;
/** A call takes at most 10 attempts of 50 ms waits, each asking Redis twice (≤ 250 ms each) and maybe blocked 450 ms: 20 s is a hang. */
const HUNG_MS = 20_000;
/** Calls per lane, at most: the run is bounded in count as well as in time. */
const MAX_CALLS = 2_000;

let unhandled = 0;
process.on('unhandledRejection', () => void unhandled++);
process.on('uncaughtException', () => void unhandled++);

/** The fallback, counting what it grants and how it is seeded at the start of each outage. */
class CountingFallback extends MemoryBudgetStore {
  granted = 0;
  readonly seeds: number[] = [];
  override spend(k: string, design: BudgetRules, cost: number) {
    const result = super.spend(k, design, cost);
    if (result.allowed) this.granted++;
    return result;
  }
  override setLevel(k: string, level: number): void {
    this.seeds.push(level);
    super.setLevel(k, level);
  }
}

const redis = new Redis(url!, {
  enableOfflineQueue: offlineQueueArg === '1',
  maxRetriesPerRequest: 1,
  retryStrategy: () => 50,
});
redis.on('error', () => undefined);
const fallback = new CountingFallback();
const store = new RedisBudgetStore(redis, { timeoutMs: TIMEOUT_MS, fallback });
const budget = retryBudget({ type: 'aws-quota', capacity: CAPACITY }, { store, key: key! });
const policy = definePolicy({ name: 'chaos', maxAttempts: 10, rules: [{ match: {}, retry: true, schedule: { type: 'constant', delayMs: 50 } }] });
let attempts = 0;
const call = withRetry(policy, { budget })(async () => {
  attempts++;
  throw Object.assign(new Error('throttled'), { status: 429 });
});

const fallbackTimes: number[] = [];
const fallbackWhy: string[] = [];
diagnostics_channel.subscribe('retry-table:budget-fallback', (event) => {
  fallbackTimes.push(Date.now());
  const { operation, error } = event as { operation: string; error: Error };
  fallbackWhy.push(`${operation}: ${error?.message}`);
});

let stopping = false;
let calls = 0;
let hung = 0;
let maxCallMs = 0;
const reasons: Record<string, number> = {};

async function lane(): Promise<void> {
  for (let i = 0; i < MAX_CALLS && !stopping; i++) {
    calls++;
    const started = Date.now();
    const error = (await call().catch((e: unknown) => e)) as { reason?: string };
    const took = Date.now() - started;
    maxCallMs = Math.max(maxCallMs, took);
    if (took > HUNG_MS) hung++;
    reasons[error.reason ?? 'other'] = (reasons[error.reason ?? 'other'] ?? 0) + 1;
    await sleep(20);
  }
}

/** Blocks the event loop 300 to 450 ms, every 0.8 to 1.6 s: longer than the Redis timeout. */
async function loadEventLoop(random: () => number): Promise<void> {
  while (!stopping) {
    await sleep(800 + random() * 800);
    const until = Date.now() + 300 + random() * 150;
    while (Date.now() < until) {
      // Busy: timers fire late, replies wait in the socket.
    }
  }
}

// Connected first: without an offline queue, a command sent while connecting fails at once.
if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
await budget.level(); // the clocks' offset and a first level, before the faults
console.log(JSON.stringify({ event: 'ready', pid: process.pid }));

const input = createInterface({ input: process.stdin });
const commands = input[Symbol.asyncIterator]();
await commands.next(); // go
const lanes = Array.from({ length: LANES }, () => lane());
const load = busyArg === '1' ? loadEventLoop(seededRandom(Number(seedArg))) : Promise.resolve();
await commands.next(); // stop
stopping = true;
// Every lane finishes its call in flight, or it is hung.
const settled = await Promise.race([Promise.all(lanes).then(() => true), sleep(HUNG_MS, false, { ref: false })]);
if (!settled) hung += 1;
await load;
input.close();
console.log(
  JSON.stringify({
    event: 'report',
    calls,
    attempts,
    retries: attempts - calls,
    reasons,
    fallbackGranted: fallback.granted,
    seeds: fallback.seeds,
    stats: store.stats(),
    hung,
    unhandled,
    maxCallMs,
    fallbackTimes,
    fallbackWhy,
  }),
);
redis.disconnect();
