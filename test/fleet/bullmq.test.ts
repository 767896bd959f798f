import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullmqRetry, type JobAttemptRecord } from '../../src/adapters/bullmq.js';
import { definePolicy } from '../../src/index.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis.js';

/** Short waits so the test is quick; the mechanism is the same for 60 s or an hour. */
const jobsPolicy = definePolicy({
  name: 'jobs',
  maxAttempts: 3,
  rules: [
    { match: { status: 503 }, retry: true, schedule: { type: 'list', delaysMs: [300, 600] } },
    { match: {}, retry: false },
  ],
});

type Data = { script: ('ok' | '503' | '400')[]; retryJournal?: JobAttemptRecord[] };

describe.skipIf(!redisAvailable)('bullmqRetry with a real BullMQ queue and worker', () => {
  let server: RedisServer;
  let queue: Queue<Data>;
  let worker: Worker<Data>;
  let events: QueueEvents;
  const startedAt = new Map<string, number[]>();

  beforeAll(async () => {
    server = await startRedis();
    const url = new URL(server.url);
    const connection = { host: url.hostname, port: Number(url.port), maxRetriesPerRequest: null };
    const name = `retry-table-${Date.now()}`;
    const jobs = bullmqRetry(jobsPolicy, { random: () => 0 });
    queue = new Queue<Data>(name, { connection, defaultJobOptions: jobs.jobOptions });
    events = new QueueEvents(name, { connection });
    worker = new Worker<Data>(
      name,
      jobs.processor(async (job: Job<Data>) => {
        const times = startedAt.get(job.id!) ?? [];
        times.push(Date.now());
        startedAt.set(job.id!, times);
        const step = job.data.script[job.attemptsMade] ?? 'ok';
        if (step === 'ok') return 'done';
        throw Object.assign(new Error(`HTTP ${step}`), { status: Number(step), code: step === '503' ? 'RequestThrottled' : 'InvalidParameterValue' });
      }),
      { connection, settings: jobs.settings },
    );
    await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
  }, 30_000);

  afterAll(async () => {
    await worker?.close();
    await events?.close();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await server?.stop();
  });

  it('retries on the policy\'s delays, keeps the journal in the job data, and completes', async () => {
    const job = await queue.add('recovers', { script: ['503', '503', 'ok'] });
    await expect(job.waitUntilFinished(events, 20_000)).resolves.toBe('done');
    const done = (await queue.getJob(job.id!))!;
    expect(startedAt.get(job.id!)).toHaveLength(3); // three attempts: two failures, one success
    expect(done.data.retryJournal!.map((r) => [r.attempt, r.status, r.code, r.action, r.delayMs])).toEqual([
      [1, 503, 'RequestThrottled', 'retry', 300],
      [2, 503, 'RequestThrottled', 'retry', 600],
    ]);
    const [first, second, third] = startedAt.get(job.id!)!;
    expect(second! - first!).toBeGreaterThanOrEqual(300);
    expect(third! - second!).toBeGreaterThanOrEqual(600);
  }, 30_000);

  it('turns a stop into UnrecoverableError: a 400 fails the job after one attempt', async () => {
    const job = await queue.add('permanent', { script: ['400'] });
    await expect(job.waitUntilFinished(events, 20_000)).rejects.toThrow(/not-retryable/);
    const failed = (await queue.getJob(job.id!))!;
    expect(await failed.getState()).toBe('failed');
    expect(startedAt.get(job.id!)).toHaveLength(1);
    expect(failed.data.retryJournal!.map((r) => [r.action, r.reason])).toEqual([['stop', 'not-retryable']]);
  }, 30_000);

  it('stops with attempts-exhausted when the policy\'s attempts run out', async () => {
    const job = await queue.add('exhausted', { script: ['503', '503', '503'] });
    await expect(job.waitUntilFinished(events, 20_000)).rejects.toThrow(/attempts-exhausted/);
    const failed = (await queue.getJob(job.id!))!;
    expect(failed.data.retryJournal!.map((r) => r.reason ?? r.action)).toEqual(['retry', 'retry', 'attempts-exhausted']);
  }, 30_000);
});
