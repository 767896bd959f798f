import { DelayedError, UnrecoverableError, type BackoffStrategy, type Job, type Worker } from 'bullmq';
import { isFailedResponse } from '../failure/response-like.js';
import type { Policy } from '../policy/define-policy.js';
import { CallRun } from '../run/call-run.js';
import { systemClock } from '../run/clock.js';
import { journalRecords, type AttemptRecord } from '../run/journal.js';
import { isRetryError } from '../run/retry-error.js';
import { validateRetryOptions, type RetryOptions } from '../run/retry-options.js';
import { checkOptionKeys } from '../shared/option-keys.js';
import { OptionsError } from '../shared/options-error.js';
import { countersOf, journalOf, lastDecision, reconcileRuns, stampRecord } from './bullmq-journal.js';
import { holdsLock, journaledStop, recordFailedJob, writeJournal, type JournalPlace } from './bullmq-runs.js';

export type { JobAttemptRecord } from './bullmq-journal.js';

/**
 * Options of {@link bullmqRetry}: the call options that make sense for a job, and where the
 * journal goes. Validated like `withRetry`'s; an unknown key throws an `OptionsError`.
 *
 * @example
 * ```ts
 * const options: BullmqRetryOptions = { budget: retryBudget({ type: 'aws-quota' }, { store, key: sellerId }) };
 * ```
 */
export interface BullmqRetryOptions extends Pick<RetryOptions, 'clock' | 'random' | 'maxElapsedMs' | 'budget' | 'onAttempt' | 'onRetry' | 'onSuccess' | 'onGiveUp' | 'idempotent' | 'rateLimiter'> {
  /** The key of the journal in the job's data. @defaultValue 'retryJournal' */
  readonly journalKey?: string;
}

const OPTION_KEYS = ['clock', 'random', 'maxElapsedMs', 'budget', 'onAttempt', 'onRetry', 'onSuccess', 'onGiveUp', 'idempotent', 'rateLimiter', 'journalKey'] as const satisfies readonly (keyof BullmqRetryOptions)[];

/** The error a wrapped processor throws when the policy retries: it carries the delay to BullMQ. */
class RetryScheduled extends Error {
  override readonly name = 'RetryScheduled';
  constructor(
    readonly delayMs: number,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : `retry in ${delayMs} ms`, { cause });
  }
}

/**
 * Lets a policy drive BullMQ jobs, so long waits (a 60 s block, an hour until an MWS quota
 * resets) park in Redis instead of holding a process. Wrap the processor, give the worker the
 * backoff strategy, and add jobs with the job options. Each failure goes through the same step
 * as `withRetry` (budget, shared cool-down, hooks, diagnostics channels, the clock):
 *
 * - a failed attempt is normalized and decided by the policy, and recorded in the job's data
 *   (`job.data.retryJournal`: the same records as `RetryError.attempts`);
 * - a retry becomes the job's backoff (BullMQ custom `backoffStrategy`);
 * - a stop (the policy's, or the budget's `budget-exhausted`) becomes `UnrecoverableError`, whose
 *   `cause` is the `RetryError`, so BullMQ fails the job at once;
 * - while a shared cool-down runs, a job is moved back to delayed until it ends instead of
 *   holding a worker slot;
 * - with a `rateLimiter`, a job whose token is not due yet is moved back to delayed until it is;
 *   a wait it may not make (past `maxElapsedMs`: `deadline`; longer than the policy's
 *   `maxDelayMs`: `rate-limited`) gives the token back and fails the job with
 *   `UnrecoverableError` before an attempt, as `withRetry` gives up.
 *
 * Runs that BullMQ started but never heard the end of (the worker crashed, or its event loop was
 * blocked past `lockDuration`, and BullMQ took the job back: a stall) are found at the next run,
 * from the journal and BullMQ's counters, and recorded (`stalled` on the record). Every run counts
 * against `maxAttempts`, lost ones included, and no attempt number is recorded twice; a retry
 * whose run was lost before BullMQ delayed the job still waits its delay, and a stop whose run was
 * lost still stops the job. When BullMQ fails a job for stalling more than `maxStalledCount`, the
 * processor never runs: `attach(worker)` records that stall from the worker's 'failed' event.
 *
 * Job data must be an object (the journal is added to it). For waits longer than the policy's
 * `maxDelayMs` (5 minutes for the prebuilt ones), derive one: `mwsPolicy.with({ maxDelayMs: 3_600_000 })`.
 *
 * @param policy - the policy deciding every job's retries
 * @param options - budget, clock, jitter source, hooks, journal key
 * @example
 * ```ts
 * import { Queue, Worker } from 'bullmq';
 * import { bullmqRetry } from 'retry-table/bullmq';
 * const jobs = bullmqRetry(scraperPolicy);
 * const queue = new Queue('scrape', { connection });
 * await queue.add('product', { asin: 'B000000001' }, jobs.jobOptions);
 * const worker = new Worker('scrape', jobs.processor(async (job) => fetchProduct(job.data.asin)), { connection, settings: jobs.settings });
 * jobs.attach(worker); // records a job BullMQ fails for stalling
 * ```
 */
export function bullmqRetry(policy: Policy, options: BullmqRetryOptions = {}) {
  if (typeof policy?.decide !== 'function') throw new OptionsError('policy', policy, 'must be a policy from definePolicy()');
  checkOptionKeys('bullmqRetry', options, OPTION_KEYS);
  const { journalKey = 'retryJournal', ...callOptions } = options;
  if (typeof journalKey !== 'string' || journalKey === '') throw new OptionsError('journalKey', journalKey, 'must be a non-empty string');
  const valid = validateRetryOptions(callOptions, 'bullmqRetry');
  const clock = valid.clock ?? systemClock;

  const place: JournalPlace = { policy, clock, journalKey };

  const backoffStrategy: BackoffStrategy = (_attemptsMade, _type, error, job) => {
    if (error instanceof RetryScheduled) return error.delayMs;
    // Not our error (the budget's store or Redis failed): fall back to the last delay the policy chose, if any.
    return lastDecision(journalOf(job?.data, journalKey))?.delayMs ?? 0;
  };

  return {
    /** Add jobs with these: BullMQ must allow the policy's attempts and call the custom strategy. */
    jobOptions: { attempts: policy.maxAttempts, backoff: { type: 'retry-table' } },
    /** Give the worker these settings. */
    settings: { backoffStrategy },
    /** Wraps a processor so its failures are decided by the policy. */
    processor<D extends object, R>(fn: (job: Job<D>, token?: string) => Promise<R>): (job: Job<D>, token?: string) => Promise<R> {
      return async (job, token) => {
        const counters = countersOf(job);
        const run = reconcileRuns(journalOf(job.data, journalKey), counters, { maxAttempts: policy.maxAttempts, noticedAt: clock.now() });
        // Lost runs are written before anything else: this run may be lost too.
        if (run.changed) await writeJournal(job, journalKey, run.journal);
        // The call's run, rebuilt from the job's stored state: the same driver as withRetry's.
        const decided = lastDecision(run.journal);
        const call = new CallRun(policy, valid, clock, job.timestamp, job.id, {
          previousDelayMs: decided?.delayMs,
          budgetTaken: decided?.budgetTaken ?? 0,
          earlier: run.journal,
          newest: undefined,
        });
        if (run.stop !== undefined) throw unrecoverable(journaledStop(call, { ...run, stop: run.stop }));
        if (run.resumeAt !== undefined && run.resumeAt > clock.now() && token !== undefined) {
          // The lost run's retry delay never reached BullMQ: wait it out, as BullMQ would have.
          await job.moveToDelayed(Math.ceil(run.resumeAt), token);
          throw new DelayedError();
        }
        if (token !== undefined && (await parkedAtGate(call, job, token))) throw new DelayedError();
        call.attempt = run.attempt - 1;
        call.attemptStarted();
        const { attempt } = run;
        let failed: unknown;
        let returned = false;
        try {
          const value = await fn(job, token);
          if (!isFailedResponse(value)) {
            call.succeeded(value);
            return value;
          }
          failed = value;
          returned = true;
        } catch (error) {
          failed = error;
        }
        // The step numbers its record after the journal's records; the run's number comes from
        // BullMQ's counters too (a failure BullMQ took without a record leaves a gap).
        const journal = (records: readonly AttemptRecord[]) => [...run.journal, stampRecord(records.at(-1)!, attempt, counters)];
        try {
          const delayMs = await call.failed(failed, returned);
          if (await holdsLock(job, token)) await writeJournal(job, journalKey, journal(journalRecords(call, job.timestamp)));
          throw new RetryScheduled(delayMs, failed);
        } catch (error) {
          if (!isRetryError(error)) throw error;
          if (await holdsLock(job, token)) await writeJournal(job, journalKey, journal(error.attempts));
          throw unrecoverable(error);
        }
      };
    },
    /**
     * Listens to the worker's 'failed' event, to record what BullMQ decides without the
     * processor: a job it fails for stalling more than `maxStalledCount` gets its last stall in
     * the journal, as the stop. Call it on every worker of the queue. Returns a function that
     * stops listening.
     *
     * @example
     * ```ts
     * const worker = new Worker('scrape', jobs.processor(scrape), { connection, settings: jobs.settings });
     * const detach = jobs.attach(worker);
     * ```
     */
    attach(worker: Pick<Worker, 'on' | 'off'>): () => void {
      const onFailed = (job: Job | undefined): void => void recordFailedJob(place, job);
      worker.on('failed', onFailed);
      return () => void worker.off('failed', onFailed);
    },
  };
}

/** Where a job keeps the time of the token it was given before it was parked (job data key). */
const TOKEN_KEY = 'retryTableTokenAt';

/**
 * Passes the run's gate the BullMQ way: a wait (a shared cool-down, the rate limiter's token) is
 * not slept but parked, the job moved back to delayed until then, holding no worker slot. A token
 * taken is kept (its time in the job's data), so the run that comes back uses it instead of
 * queueing again. A wait the call may not make (past `maxElapsedMs`, longer than the policy's
 * `maxDelayMs`) gives the token back and fails the job before an attempt, as withRetry gives up.
 * Returns whether the job was parked.
 */
async function parkedAtGate(call: CallRun, job: Job, token: string): Promise<boolean> {
  const data = job.data as Record<string, unknown>;
  const reservedAt = data[TOKEN_KEY];
  if (typeof reservedAt === 'number') {
    // BullMQ schedules delayed jobs in epoch ms, so the token's time is too, whatever the adapter's clock.
    if (reservedAt > Date.now()) {
      await job.moveToDelayed(Math.ceil(reservedAt), token);
      return true;
    }
    // This run's token was taken before it was parked: use it now it is due.
    const { [TOKEN_KEY]: _used, ...rest } = data;
    await job.updateData(rest);
    return false;
  }
  let waitMs: number;
  try {
    waitMs = await call.beforeAttempt();
  } catch (error) {
    throw isRetryError(error) ? unrecoverable(error) : error;
  }
  if (waitMs <= 0) return false;
  const until = Math.ceil(Date.now() + waitMs);
  // BullMQ does not count a parked run as an attempt.
  if (call.holdsToken) await job.updateData({ ...data, [TOKEN_KEY]: until });
  await job.moveToDelayed(until, token);
  return true;
}

/** A stop as BullMQ takes it: fail the job at once, the RetryError as its `cause`. */
function unrecoverable(error: Error): UnrecoverableError {
  return Object.assign(new UnrecoverableError(error.message), { cause: error });
}
