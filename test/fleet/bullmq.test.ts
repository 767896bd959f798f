import diagnostics_channel from 'node:diagnostics_channel';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullmqRetry, type BullmqRetryOptions, type JobAttemptRecord } from '../../src/adapters/bullmq.js';
import { definePolicy, retryBudget, type RetryError, type RetryInfo } from '../../src/index.js';
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

describe.skipIf(!redisAvailable)('bullmqRetry takes the same step as withRetry: budgets, cool-downs, hooks, diagnostics', () => {
  let server: RedisServer;
  let connection: { host: string; port: number; maxRetriesPerRequest: null };
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    server = await startRedis();
    const url = new URL(server.url);
    connection = { host: url.hostname, port: Number(url.port), maxRetriesPerRequest: null };
  }, 30_000);

  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await server?.stop();
  });

  /** A queue and worker whose processor fails with the scripted statuses, then succeeds. */
  async function setUp(options: BullmqRetryOptions) {
    const name = `retry-table-step-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const jobs = bullmqRetry(jobsPolicy, { random: () => 0, ...options });
    const queue = new Queue<Data>(name, { connection, defaultJobOptions: jobs.jobOptions });
    const events = new QueueEvents(name, { connection });
    const attemptsAt = new Map<string, number[]>();
    const worker = new Worker<Data>(
      name,
      jobs.processor(async (job: Job<Data>) => {
        attemptsAt.set(job.id!, [...(attemptsAt.get(job.id!) ?? []), Date.now()]);
        const step = job.data.script[job.attemptsMade] ?? 'ok';
        if (step === 'ok') return 'done';
        throw Object.assign(new Error(`HTTP ${step}`), { status: Number(step), code: 'RequestThrottled' });
      }),
      { connection, settings: jobs.settings },
    );
    closers.push(() => queue.obliterate({ force: true }), () => queue.close(), () => events.close(), () => worker.close());
    await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
    return { queue, events, attemptsAt };
  }

  it('stops a job with budget-exhausted when the budget refuses the retry', async () => {
    // An AWS quota with room for exactly one retry at cost 5 (the SDK's standard cost).
    const budget = retryBudget({ type: 'aws-quota', capacity: 5 });
    const givenUp: RetryError[] = [];
    const { queue, events } = await setUp({ budget, onGiveUp: (error) => givenUp.push(error) });
    const job = await queue.add('refused', { script: ['503', '503', '503'] });
    await expect(job.waitUntilFinished(events, 20_000)).rejects.toThrow(/budget-exhausted/);
    const failed = (await queue.getJob(job.id!))!;
    expect(await failed.getState()).toBe('failed');
    expect(failed.data.retryJournal!.map((r) => [r.attempt, r.action, r.reason, r.budgetTaken])).toEqual([
      [1, 'retry', undefined, 5],
      [2, 'stop', 'budget-exhausted', undefined],
    ]);
    expect(await budget.level()).toBe(0);
    expect(givenUp.map((error) => [error.reason, error.attempts.length])).toEqual([['budget-exhausted', 2]]);
  }, 30_000);

  it('refunds the budget on success and publishes attempts and retries on the diagnostics channels', async () => {
    const budget = retryBudget({ type: 'aws-quota' });
    const retries: RetryInfo[] = [];
    const published: unknown[] = [];
    const listener = (event: unknown): void => void published.push(event);
    diagnostics_channel.subscribe('retry-table:retry', listener);
    try {
      const { queue, events } = await setUp({ budget, onRetry: (info) => retries.push(info) });
      const job = await queue.add('recovers', { script: ['503', 'ok'] });
      await expect(job.waitUntilFinished(events, 20_000)).resolves.toBe('done');
      expect(retries.map((r) => [r.attempt, r.delayMs, r.failure.status])).toEqual([[1, 300, 503]]);
      expect(published).toContainEqual(expect.objectContaining({ policy: 'jobs', attempt: 1, delayMs: 300, rule: 'status:503' }));
      // 500 − 5 for the retry, + 5 back for the success (AWS: the last retry's cost is refunded).
      await expect.poll(() => budget.level()).toBe(500);
    } finally {
      diagnostics_channel.unsubscribe('retry-table:retry', listener);
    }
  }, 30_000);

  it('parks a job in delayed while a shared cool-down runs, instead of holding a worker', async () => {
    const budget = retryBudget({ type: 'aws-quota' });
    await budget.coolDown(Date.now() + 800);
    const { queue, events, attemptsAt } = await setUp({ budget });
    const addedAt = Date.now();
    const job = await queue.add('cooling', { script: ['ok'] });
    await expect(job.waitUntilFinished(events, 20_000)).resolves.toBe('done');
    expect(attemptsAt.get(job.id!)).toHaveLength(1);
    expect(attemptsAt.get(job.id!)![0]! - addedAt).toBeGreaterThanOrEqual(700);
  }, 30_000);

  it('paces jobs with a rate limiter: a job without a token goes back to delayed until its token is due', async () => {
    // 2 tokens a second, burst 1: four jobs picked up at once start about 500 ms apart.
    const { rateLimiter } = await import('../../src/index.js');
    const limiter = rateLimiter({ ratePerSecond: 2, burst: 1 });
    const { queue, events, attemptsAt } = await setUp({ rateLimiter: limiter });
    const jobs = await Promise.all([1, 2, 3, 4].map((n) => queue.add(`paced-${n}`, { script: ['ok'] })));
    await Promise.all(jobs.map((job) => expect(job.waitUntilFinished(events, 20_000)).resolves.toBe('done')));
    const starts = jobs.map((job) => attemptsAt.get(job.id!)![0]!).sort((a, b) => a - b);
    expect(jobs.every((job) => attemptsAt.get(job.id!)!.length === 1)).toBe(true);
    // Token times are 0, 500, 1000, 1500 ms after the first; BullMQ's delayed polling can only add.
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[0]!).toBeGreaterThanOrEqual(i * 500 - 50);
    const finished = await Promise.all(jobs.map((job) => queue.getJob(job.id!)));
    expect(finished.every((job) => job!.data['retryTableTokenAt' as keyof Data] === undefined)).toBe(true);
  }, 30_000);

  it('teaches the limiter its successes, as withRetry does: a rate lowered by 429s recovers (issue #21)', async () => {
    const { rateLimiter } = await import('../../src/index.js');
    const limiter = rateLimiter({ ratePerSecond: 50, burst: 5 });
    const successes: number[] = [];
    const counting = { ...limiter, get plan() { return limiter.plan; }, acquire: limiter.acquire.bind(limiter), release: limiter.release.bind(limiter), observeFailure: limiter.observeFailure.bind(limiter), observeSuccess: (nowMs: number) => { successes.push(nowMs); limiter.observeSuccess(nowMs); } };
    const calls: (string | number)[] = [];
    const { queue, events } = await setUp({ rateLimiter: counting, onSuccess: (call) => void calls.push(call.callId) });
    const jobs = await Promise.all([queue.add('a', { script: ['ok'] }), queue.add('b', { script: ['503', 'ok'] })]);
    await Promise.all(jobs.map((job) => expect(job.waitUntilFinished(events, 20_000)).resolves.toBe('done')));
    // One success per job (the 503 taught it a failure, not a success), and the hook names each job.
    expect(successes).toHaveLength(2);
    expect(calls.sort()).toEqual(jobs.map((job) => job.id!).sort());
  }, 30_000);

  it('gives up before an attempt when the token would come past maxElapsedMs, and gives the token back', async () => {
    // One token every 5 s, burst 1: the first job takes the burst; the second's token is 5 s off,
    // beyond its 1 s deadline (withRetry's rule, as the core's token-wait tests hold it).
    const { rateLimiter } = await import('../../src/index.js');
    const limiter = rateLimiter({ ratePerSecond: 0.2, burst: 1 });
    const givenUp: RetryError[] = [];
    const { queue, events, attemptsAt } = await setUp({ rateLimiter: limiter, maxElapsedMs: 1000, onGiveUp: (error) => givenUp.push(error) });
    const first = await queue.add('first', { script: ['ok'] });
    await expect(first.waitUntilFinished(events, 20_000)).resolves.toBe('done');
    const late = await queue.add('late', { script: ['ok'] });
    await expect(late.waitUntilFinished(events, 20_000)).rejects.toThrow(/deadline/);
    const failed = (await queue.getJob(late.id!))!;
    expect(await failed.getState()).toBe('failed');
    expect(attemptsAt.get(late.id!)).toBeUndefined(); // the processor's function never ran
    expect(failed.data['retryTableTokenAt' as keyof Data]).toBeUndefined();
    expect(givenUp.map((error) => [error.reason, error.refusedDelayMs! > 1000, error.attempts.length])).toEqual([['deadline', true, 0]]);
    // The refused token went back: the next one is still about 5 s off, not 10 s.
    const { waitMs } = await limiter.acquire(Date.now());
    expect(waitMs).toBeGreaterThan(3000);
    expect(waitMs).toBeLessThanOrEqual(5000);
  }, 30_000);
});
