import type { Job } from 'bullmq';
import type { Policy } from '../policy/define-policy.js';
import type { Clock } from '../run/clock.js';
import type { CallRun } from '../run/call-run.js';
import { RetryError } from '../run/retry-error.js';
import { countersOf, failureOf, journalOf, reconcileRuns, type RunStart } from './bullmq-journal.js';

/**
 * Where a job's journal lives and who decides it: what the processor and the worker's 'failed'
 * listener share.
 *
 * @example
 * ```ts
 * const journal: JournalPlace = { policy, clock: systemClock, journalKey: 'retryJournal' };
 * ```
 */
export interface JournalPlace {
  readonly policy: Policy;
  readonly clock: Clock;
  readonly journalKey: string;
}

/**
 * Writes the journal into the job's data, keeping the rest of the data.
 *
 * @example
 * ```ts
 * await writeJournal(job, 'retryJournal', run.journal);
 * ```
 */
export function writeJournal(job: Job, journalKey: string, journal: readonly unknown[]): Promise<void> {
  return job.updateData({ ...(job.data as object), [journalKey]: journal });
}

/**
 * Whether the run still holds the job's lock, checked by extending it (the only check of a lock
 * token BullMQ offers). A run whose worker lost the lock (its event loop blocked past
 * `lockDuration`, and BullMQ gave the job to another worker) must not write its journal:
 * `updateData` does not check the lock, and would replace the journal the new run wrote.
 * Extending by the worker's own `lockDuration` leaves the lock as the worker would have.
 * When the run's token or the worker's lock duration cannot be known, the answer is yes (write, as
 * before the check existed).
 *
 * @example
 * ```ts
 * if (await holdsLock(job, token)) await writeJournal(job, journalKey, records);
 * ```
 */
export async function holdsLock(job: Job, token: string | undefined): Promise<boolean> {
  // A worker's jobs carry the worker as their queue (Job.fromJSON(worker, ...)); the field is
  // protected in BullMQ's types, so read it defensively.
  const lockDuration = (job as unknown as { queue?: { opts?: { lockDuration?: unknown } } }).queue?.opts?.lockDuration;
  if (token === undefined || typeof lockDuration !== 'number' || !(lockDuration > 0)) return true;
  return (await job.extendLock(token, lockDuration)) === 1;
}

/**
 * The error that fails a job at the start of a run for a stop found in the journal: the policy's,
 * decided by a run that was lost before BullMQ failed the job, or `attempts-exhausted` because a
 * lost run was the last attempt. A stop this run decided (no record of it was announced yet) calls
 * `onGiveUp` and publishes on `retry-table:giveup`, like any stop; a lost run's own stop was
 * announced by that run, before it wrote its record.
 *
 * @example
 * ```ts
 * if (run.stop !== undefined) throw journaledStop(place, options, run);
 * ```
 */
export function journaledStop(call: CallRun, run: RunStart & { readonly stop: NonNullable<RunStart['stop']> }): RetryError {
  const { stop } = run;
  const error = new RetryError({ reason: stop.reason, policy: call.policy.name, failure: failureOf(stop), attempts: run.journal, cause: undefined });
  return run.stopDecided ? call.giveUp(error) : error;
}

/**
 * The worker's 'failed' listener: when BullMQ itself failed a job (it stalled more than
 * `maxStalledCount`), the processor never ran, so the stalls are recorded here, the last one as
 * the stop. Failures the processor saw are already in the journal: nothing to do for them. Only
 * final failures are handled; a job BullMQ will run again is reconciled by that run, which holds
 * the job's lock (a write from here could race it). Never throws: it runs in an event listener.
 *
 * @example
 * ```ts
 * worker.on('failed', (job) => void recordFailedJob(place, job));
 * ```
 */
export async function recordFailedJob(place: JournalPlace, job: Job | undefined): Promise<void> {
  try {
    if (job === undefined || typeof job.finishedOn !== 'number' || typeof job.data !== 'object' || job.data === null) return;
    const counters = countersOf(job);
    // A deferred failure (BullMQ 5.5x and later: the job went back to wait marked to fail, and a
    // worker failed it on pickup) took an attempt of its own: not a run of the processor's.
    const attemptsMade = typeof job.deferredFailure === 'string' && job.deferredFailure !== '' ? counters.attemptsMade - 1 : counters.attemptsMade;
    const run = reconcileRuns(journalOf(job.data, place.journalKey), { ...counters, attemptsMade }, {
      maxAttempts: place.policy.maxAttempts,
      noticedAt: place.clock.now(),
      failedReason: job.failedReason || 'failed by BullMQ',
    });
    if (run.changed) await writeJournal(job, place.journalKey, run.journal);
  } catch {
    // The job may be gone (removeOnFail) or Redis down: the failure itself is BullMQ's record then.
  }
}
