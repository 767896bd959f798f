import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bullmqRetry } from '../../src/adapters/bullmq.js';
import { STALLED_MESSAGE } from '../../src/adapters/bullmq-journal.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis.js';
import { connectionOf, lostRunsPolicy, WORKER_TIMINGS, type LostRunData } from './bullmq-fixtures.js';

const WORKER = fileURLToPath(new URL('./bullmq-worker.ts', import.meta.url));

interface Said {
  readonly event: string;
  readonly pid: number;
  readonly [key: string]: unknown;
}

/** A worker process (bullmq-worker.ts) and every line it said. */
interface WorkerProcess {
  readonly child: ChildProcess;
  readonly said: Said[];
  readonly exited: Promise<number | null>;
  /** Resolves when the process has said `event` (`count` times in all). */
  saying(event: string, count?: number): Promise<void>;
}

describe.skipIf(!redisAvailable)('bullmqRetry when BullMQ loses a run: crashes and stalls, with real worker processes', () => {
  let server: RedisServer;
  let connection: ReturnType<typeof connectionOf>;
  const children: WorkerProcess[] = [];
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    server = await startRedis();
    connection = connectionOf(server.url);
  }, 30_000);

  afterEach(async () => {
    // Processes that are still blocked or idle: this test is over for them.
    for (const worker of children.splice(0)) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  });

  afterAll(async () => {
    await server?.stop();
  });

  function spawnWorker(...args: string[]): WorkerProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const said: Said[] = [];
    const waiting: (() => void)[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => {
      said.push(JSON.parse(line) as Said);
      for (const check of waiting.slice()) check();
    });
    child.stderr!.resume();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const worker: WorkerProcess = {
      child,
      said,
      exited,
      saying: (event, count = 1) =>
        new Promise<void>((resolve) => {
          const check = (): void => {
            if (said.filter((s) => s.event === event).length >= count) resolve();
          };
          waiting.push(check);
          check();
        }),
    };
    children.push(worker);
    return worker;
  }

  async function queueOf(label: string) {
    const name = `retry-table-lost-${label}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const jobs = bullmqRetry(lostRunsPolicy, { random: () => 0 });
    const queue = new Queue<LostRunData>(name, { connection, defaultJobOptions: jobs.jobOptions });
    const events = new QueueEvents(name, { connection });
    closers.push(() => queue.obliterate({ force: true }), () => queue.close(), () => events.close());
    await events.waitUntilReady();
    return { name, jobs, queue, events };
  }

  /** A worker in this process: it notices stalls, picks the job up, and records what BullMQ fails. */
  async function localWorker(name: string, jobs: ReturnType<typeof bullmqRetry>, fn: (job: Job<LostRunData>) => Promise<string>, maxStalledCount = 1) {
    const worker = new Worker<LostRunData>(name, jobs.processor(fn), { connection, settings: jobs.settings, maxStalledCount, ...WORKER_TIMINGS });
    jobs.attach(worker);
    closers.push(() => worker.close(true));
    await worker.waitUntilReady();
    return worker;
  }

  it('a crash between the journal write and the failure: no attempt number twice, every run counted, stops within maxAttempts', async () => {
    const { name, jobs, queue, events } = await queueOf('crash');
    // Each run crashes right after the adapter writes the journal, before BullMQ hears of the
    // failure; a fresh worker process picks the job up after each crash. All three start at
    // once: a process start is the slow part on a loaded machine.
    const spawned = [1, 2, 3].map(() => spawnWorker('crash', server.url, name, '5'));
    await Promise.all(spawned.map((worker) => worker.saying('ready')));

    const job = await queue.add('crash-loop', { label: 'crash-loop' });
    await Promise.all(spawned.map((worker) => worker.exited));
    // The policy's attempts are used up: the next worker must fail the job without running it.
    let ran = 0;
    await localWorker(name, jobs, async () => `ran ${++ran}`, 5);
    await expect(job.waitUntilFinished(events, 20_000)).rejects.toThrow(/attempts-exhausted/);
    expect(ran).toBe(0);

    const runs = spawned.flatMap((worker) => worker.said.filter((s) => s.event === 'run'));
    const crashes = spawned.flatMap((worker) => worker.said.filter((s) => s.event === 'crash'));
    // Three runs of the function, each in its own process, each lost after its write.
    expect(runs).toHaveLength(lostRunsPolicy.maxAttempts);
    expect(new Set(runs.map((r) => r.pid)).size).toBe(runs.length);
    expect(crashes.map((c) => c.pid)).toEqual(runs.map((r) => r.pid));
    // BullMQ never took a failure: only the journal could count these runs.
    expect(runs.map((r) => r.attemptsMade)).toEqual([0, 0, 0]);

    const failed = (await queue.getJob(job.id!))!;
    expect(await failed.getState()).toBe('failed');
    const journal = failed.data.retryJournal!;
    expect(journal.map((r) => [r.attempt, r.action, r.reason, r.stalled, r.status])).toEqual([
      [1, 'retry', undefined, 'after-record', 503],
      [2, 'retry', undefined, 'after-record', 503],
      [3, 'stop', 'attempts-exhausted', 'after-record', 503],
    ]);
    // Three distinct runs, told apart by BullMQ's own run counter.
    const started = journal.map((r) => r.attemptsStarted!);
    expect(started).toEqual([...started].sort((a, b) => a - b));
    expect(new Set(started).size).toBe(3);
    expect(failed.stalledCounter).toBe(3);
  }, 30_000);

  it('a run blocked past lockDuration is recorded as a stall by the next run; its late journal write is refused', async () => {
    const { name, jobs, queue, events } = await queueOf('block');
    const wakeFile = join(tmpdir(), `retry-table-wake-${process.pid}-${Date.now()}`);
    closers.push(async () => rmSync(wakeFile, { force: true }));
    const blocker = spawnWorker('block', server.url, name, '1', wakeFile);
    await blocker.saying('ready');

    const job = await queue.add('blocked-once', { label: 'blocked-once' });
    await blocker.saying('blocked');
    // Only now a second worker: it notices the stall and runs the job (attempt 2), which succeeds.
    const attempts: number[] = [];
    await localWorker(name, jobs, async (running) => {
      attempts.push(running.attemptsStarted);
      return 'done';
    });
    await expect(job.waitUntilFinished(events, 20_000)).resolves.toBe('done');
    const completed = (await queue.getJob(job.id!))!;
    expect(completed.data.retryJournal!.map((r) => [r.attempt, r.action, r.delayMs, r.stalled, r.kind, r.message])).toEqual([
      [1, 'retry', 0, 'before-record', 'unknown', STALLED_MESSAGE],
    ]);
    expect(attempts).toEqual([2]);

    // The blocked run wakes up and fails: its journal write would erase the record above.
    writeFileSync(wakeFile, '');
    await blocker.saying('settled');
    const after = (await queue.getJob(job.id!))!;
    expect(after.data.retryJournal).toEqual(completed.data.retryJournal);
    expect(await after.getState()).toBe('completed');
  }, 30_000);

  it('a job that stalls twice in one attempt (more than maxStalledCount): both stalls recorded, the last as the stop', async () => {
    const { name, jobs, queue, events } = await queueOf('stall-twice');
    // Two workers that block: the first run blocks one, BullMQ hands the job to the other, which
    // blocks too. Neither ever renews its lock.
    const blockers = [spawnWorker('block', server.url, name, '1', '/nonexistent'), spawnWorker('block', server.url, name, '1', '/nonexistent')];
    await Promise.all(blockers.map((worker) => worker.saying('ready')));
    const job = await queue.add('blocked-twice', { label: 'blocked-twice' });
    await Promise.all(blockers.map((worker) => worker.saying('blocked')));
    // The local worker notices the second stall; BullMQ fails the job without running it.
    let ran = 0;
    await localWorker(name, jobs, async () => `ran ${++ran}`);
    await expect(job.waitUntilFinished(events, 20_000)).rejects.toThrow(/stalled more than allowable limit/);
    expect(ran).toBe(0);

    // Written by the worker's 'failed' listener (attach), just after BullMQ failed the job.
    await expect
      .poll(async () => (await queue.getJob(job.id!))!.data.retryJournal?.map((r) => [r.attempt, r.action, r.stalled, r.message]), { timeout: 5_000 })
      .toEqual([
        [1, 'retry', 'before-record', STALLED_MESSAGE],
        [2, 'stop', 'before-record', 'job stalled more than allowable limit'],
      ]);
    const failed = (await queue.getJob(job.id!))!;
    expect(failed.stalledCounter).toBe(2);
    expect(failed.data.retryJournal!.at(-1)!.stalledCounter).toBe(2);
  }, 30_000);
});
