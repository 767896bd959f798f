// What the lost-run tests and their worker processes (bullmq-worker.ts) share: the policy, the
// job data, the worker timings, and how to connect.
import { definePolicy } from '../../src/index.js';
import type { JobAttemptRecord } from '../../src/adapters/bullmq.js';

/** Three attempts, 503s retried after 100 ms: short, so a crash loop ends in seconds. */
export const lostRunsPolicy = definePolicy({
  name: 'lost-runs',
  maxAttempts: 3,
  rules: [
    { match: { status: 503 }, retry: true, schedule: { type: 'list', delaysMs: [100, 100] } },
    { match: {}, retry: false },
  ],
});

export type LostRunData = { label: string; retryJournal?: JobAttemptRecord[] };

/**
 * Short locks so a lost run is noticed in about 1.6 s (lock expiry, then two stall checks); long
 * enough that a live worker on a loaded 2-core machine still renews its lock (every 500 ms).
 */
export const WORKER_TIMINGS = { lockDuration: 1_000, stalledInterval: 300 } as const;

export function connectionOf(url: string) {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port), maxRetriesPerRequest: null };
}
