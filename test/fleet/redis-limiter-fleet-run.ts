// The fleet run shared by `npm run pacing:fleet` (bench/pacing-fleet.ts) and its small CI version
// (redis-limiter-fleet.test.ts): a fake SP-API server on 127.0.0.1 enforcing a token bucket per
// (seller, operation), hammered by worker processes sharing a Redis-backed limiter (or retrying
// only). The server counts: what it saw is what Amazon would have seen.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { fullBucket, refill, type Bucket, type UsagePlan } from '../../src/pacing/token-bucket.js';

const WORKER = fileURLToPath(new URL('./redis-limiter-fleet-worker.ts', import.meta.url));

/** One bucket the server enforces. */
export interface FleetBucket extends UsagePlan {
  readonly sellerId: string;
  readonly operation: string;
}

/** What the server saw of one bucket. */
export interface BucketTally {
  readonly bucket: FleetBucket;
  readonly requests: number;
  readonly accepted: number;
  readonly throttled: number;
  /** When each 429 was answered, s since the start. */
  readonly throttledAt: readonly number[];
  /** Accepted beyond the initial burst, per second, over the plan's rate: the steady-state share of the plan used. */
  readonly goodput: number;
}

export interface FleetResult {
  readonly paced: boolean;
  readonly durationMs: number;
  readonly requests: number;
  readonly throttled: number;
  readonly throttledShare: number;
  /** The lowest goodput of any bucket. */
  readonly goodput: number;
  readonly buckets: readonly BucketTally[];
  readonly callsOk: number;
  readonly callsGaveUp: number;
  readonly fallbacks: number;
}

export interface FleetOptions {
  readonly redisUrl: string;
  readonly workers: number;
  readonly callers: number;
  readonly durationMs: number;
  readonly paced: boolean;
  readonly buckets: readonly FleetBucket[];
  /** The share of the server's rate the clients plan with. @defaultValue 0.95 */
  readonly share?: number;
  /** The server's processing time per request, ms. @defaultValue 10 */
  readonly latencyMs?: number;
}

/** Runs the fleet once against a fresh fake server; resolves with the server's tallies. */
export async function runFleet(options: FleetOptions): Promise<FleetResult> {
  const { server, tallies, started, stopped } = await fakeSpApi(options.buckets, options.latencyMs ?? 10);
  try {
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Workers need a moment to start (tsx, ioredis): all begin together, on the clock they share.
    const startAt = Date.now() + 3000;
    const endAt = startAt + options.durationMs;
    const prefix = `fleet:${randomUUID()}:`;
    const args = { baseUrl, redisUrl: options.redisUrl, prefix, callers: options.callers, startAt, endAt, paced: options.paced, share: options.share ?? 0.95, buckets: options.buckets };
    const runs = Array.from({ length: options.workers }, () => runWorker(JSON.stringify(args)));
    // Counting starts now: the buckets are full and no worker sends before startAt. (Refilling
    // them by a timer at startAt would start the server's bucket later than Redis's whenever this
    // busy process's timer fires late, and turn the clients' margin into 429s.)
    started();
    // Counting stops at endAt: calls that waited past it are the queue draining, not the run.
    setTimeout(() => stopped(), Math.max(0, endAt - Date.now()));
    const results = await Promise.all(runs);
    const buckets = tallies().map((t) => ({ ...t, goodput: (t.accepted - t.bucket.burst) / ((options.durationMs / 1000) * t.bucket.ratePerSecond) }));
    const requests = buckets.reduce((n, b) => n + b.requests, 0);
    const throttled = buckets.reduce((n, b) => n + b.throttled, 0);
    return {
      paced: options.paced,
      durationMs: options.durationMs,
      requests,
      throttled,
      throttledShare: requests === 0 ? 0 : throttled / requests,
      goodput: Math.min(...buckets.map((b) => b.goodput)),
      buckets,
      callsOk: results.reduce((n, r) => n + r.ok, 0),
      callsGaveUp: results.reduce((n, r) => n + r.gaveUp, 0),
      fallbacks: results.reduce((n, r) => n + r.fallbacks, 0),
    };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

function runWorker(json: string): Promise<{ ok: number; gaveUp: number; fallbacks: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, json], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`fleet worker exited ${code}: ${err}`))));
  });
}

/**
 * A fake SP-API: GET /{sellerId}/{operation}, a token bucket per pair (tokens taken only by
 * requests it accepts), answering 200 or SP-API's 429 (`QuotaExceeded` in `errors[]`, with
 * `x-amzn-RequestId`). It does not send `x-amzn-RateLimit-Limit`: Amazon does not always, and a
 * limiter that learned it would drop the clients' margin below the server's rate.
 */
async function fakeSpApi(buckets: readonly FleetBucket[], latencyMs: number): Promise<{ server: Server; tallies: () => Omit<BucketTally, 'goodput'>[]; started: () => void; stopped: () => void }> {
  const state = new Map(buckets.map((bucket) => [`/${bucket.sellerId}/${bucket.operation}`, { bucket, level: fullBucket(bucket, performance.now()) as Bucket, requests: 0, accepted: 0, throttled: 0, throttledAt: [] as number[] }]));
  let counting = false;
  let startedAt = 0;
  const server = createServer((request, response) => {
    const entry = state.get(request.url ?? '');
    const requestId = randomUUID();
    if (entry === undefined) {
      response.writeHead(404, { 'content-type': 'application/json', 'x-amzn-RequestId': requestId });
      response.end(JSON.stringify({ errors: [{ code: 'NotFound', message: 'Resource not found.' }] }));
      return;
    }
    const current = refill(entry.level, entry.bucket, performance.now());
    const accept = current.tokens >= 1;
    entry.level = accept ? { tokens: current.tokens - 1, at: current.at } : current;
    if (counting) {
      entry.requests++;
      if (accept) entry.accepted++;
      else {
        entry.throttled++;
        entry.throttledAt.push(Math.round((performance.now() - startedAt) / 100) / 10);
      }
    }
    setTimeout(() => {
      if (accept) {
        response.writeHead(200, { 'content-type': 'application/json', 'x-amzn-RequestId': requestId });
        response.end(JSON.stringify({ payload: { sellerId: entry.bucket.sellerId, operation: entry.bucket.operation } }));
      } else {
        response.writeHead(429, { 'content-type': 'application/json', 'x-amzn-RequestId': requestId });
        response.end(JSON.stringify({ errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.', details: '' }] }));
      }
    }, latencyMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    tallies: () => [...state.values()].map(({ bucket, requests, accepted, throttled, throttledAt }) => ({ bucket, requests, accepted, throttled, throttledAt })),
    started: () => {
      counting = true;
      startedAt = performance.now();
      // Every bucket full at the start of the measured run.
      for (const entry of state.values()) entry.level = fullBucket(entry.bucket, performance.now());
    },
    stopped: () => void (counting = false),
  };
}
