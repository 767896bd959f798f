// A BullMQ worker process for the lost-run tests: it loses its run on purpose and says what it
// did as JSON lines on stdout. Usage:
//   crash <redisUrl> <queue> <maxStalledCount>             every run fails with 503; the process exits
//                                                          right after the adapter writes the journal,
//                                                          before BullMQ hears of the failure
//   block <redisUrl> <queue> <maxStalledCount> <wakeFile>  a run blocks the event loop (no lock renewal)
//                                                          until wakeFile exists, then fails with 503
import { existsSync, writeSync } from 'node:fs';
import { Job, Worker } from 'bullmq';
import { bullmqRetry } from '../../src/adapters/bullmq.js';
import { connectionOf, lostRunsPolicy, WORKER_TIMINGS, type LostRunData } from './bullmq-fixtures.js';

const [mode, url, queueName, maxStalled, wakeFile] = process.argv.slice(2);

/** Written synchronously: the test must see the line even if the process dies or blocks next. */
function say(event: string, detail: object = {}): void {
  writeSync(1, `${JSON.stringify({ event, pid: process.pid, ...detail })}\n`);
}

let failing = false;
if (mode === 'crash') {
  const updateData = Job.prototype.updateData;
  Job.prototype.updateData = async function (this: Job, data: unknown) {
    await updateData.call(this, data);
    if (!failing) return; // a write at the start of the run (lost runs found): not the one to crash after
    say('crash');
    process.exit(1);
  };
}

const jobs = bullmqRetry(lostRunsPolicy, { random: () => 0 });
const run = jobs.processor(async (job: Job<LostRunData>) => {
  say('run', { attemptsMade: job.attemptsMade, attemptsStarted: job.attemptsStarted, stalledCounter: job.stalledCounter });
  if (mode === 'block') {
    say('blocked');
    // Atomics.wait blocks the thread without spinning: no timer runs, so the lock is not renewed.
    const cell = new Int32Array(new SharedArrayBuffer(4));
    const until = Date.now() + 25_000;
    while (!existsSync(wakeFile!) && Date.now() < until) Atomics.wait(cell, 0, 0, 50);
    say('woke');
    setTimeout(() => process.exit(0), 2_000).unref();
  }
  failing = true;
  throw Object.assign(new Error('HTTP 503'), { status: 503, code: 'ServiceUnavailable' });
});

const worker = new Worker<LostRunData>(
  queueName!,
  async (job, token) => {
    try {
      return await run(job, token);
    } finally {
      say('settled');
    }
  },
  { connection: connectionOf(url!), settings: jobs.settings, maxStalledCount: Number(maxStalled), ...WORKER_TIMINGS },
);
jobs.attach(worker);
// A run that lost its lock cannot finish the job: BullMQ refuses, and says so here.
worker.on('error', (error) => say('error', { message: error.message }));
await worker.waitUntilReady();
say('ready');
