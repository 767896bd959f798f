import type { Failure } from '../failure/failure.js';
import type { StopReason } from '../policy/decision.js';
import type { AttemptRecord } from '../run/journal.js';

/**
 * One attempt of a job, as kept in the job's data: the same {@link AttemptRecord} a `RetryError`
 * carries (plain JSON, so BullMQ can store it), plus what BullMQ's counters said when it was
 * written. Those counters are how a later run tells a lost run (a crash, a stall) from a finished
 * one: BullMQ's `attemptsMade` only grows when BullMQ itself takes a failure, and its
 * `stalledCounter` when it takes a job back from a worker that lost its lock.
 *
 * Attempt numbers are unique: a run that finds the previous run lost marks that run's record
 * (`stalled: 'after-record'`) instead of writing a second record with the same number.
 *
 * @example
 * ```ts
 * const journal: JobAttemptRecord[] = job.data.retryJournal ?? [];
 * const lost = journal.filter((record) => record.stalled !== undefined);
 * ```
 */
export interface JobAttemptRecord extends AttemptRecord {
  /**
   * BullMQ's `attemptsStarted` during the run that wrote the record: a run id, different for
   * every run of the job. Absent on a `before-record` stall (the lost run left nothing to read).
   */
  readonly attemptsStarted?: number;
  /** BullMQ's `attemptsMade` when the run started; if it has not grown since, BullMQ never took the run's failure. */
  readonly attemptsMade?: number;
  /** How many of BullMQ's stalls (`job.stalledCounter`) the journal accounts for, up to this record. */
  readonly stalledCounter?: number;
  /**
   * The run lost the job: its worker crashed, or its event loop was blocked past `lockDuration`,
   * and BullMQ took the job back. `before-record`: the run left no record, this one was written
   * later from BullMQ's stall counter. `after-record`: the run wrote this record, then was lost
   * before BullMQ took the failure (so BullMQ never applied its delay or its stop).
   */
  readonly stalled?: 'before-record' | 'after-record';
}

/**
 * BullMQ's counters of a job, as the adapter reads them at the start of a run.
 *
 * @example
 * ```ts
 * const counters: JobCounters = { attemptsMade: job.attemptsMade, attemptsStarted: job.attemptsStarted, stalledCounter: job.stalledCounter };
 * ```
 */
export interface JobCounters {
  /** Failures (and the completion) BullMQ has taken. */
  readonly attemptsMade: number;
  /** Times the job was moved to active, this run included. */
  readonly attemptsStarted: number;
  /** Times BullMQ took the job back from a worker that lost its lock. */
  readonly stalledCounter: number;
}

/**
 * What a run knows about the job before it starts: the journal with every lost run accounted
 * for, this run's attempt number, and whether the job must not run at all.
 *
 * @example
 * ```ts
 * const run: RunStart = reconcileRuns(journal, countersOf(job), { maxAttempts: 3, noticedAt: Date.now() });
 * if (run.stop !== undefined) throw new UnrecoverableError(run.stop.reason);
 * ```
 */
export interface RunStart {
  /** The journal, lost runs marked or recorded. */
  readonly journal: readonly JobAttemptRecord[];
  /** Whether `journal` differs from the one read: then write it before anything else. */
  readonly changed: boolean;
  /** This run's attempt number: one past both BullMQ's count and the journal's. */
  readonly attempt: number;
  /**
   * A stop nobody has applied yet: the policy's, from a run lost after writing it, or
   * `attempts-exhausted` because a lost run was the last attempt. The job must fail without running.
   */
  readonly stop: (JobAttemptRecord & { readonly reason: StopReason }) | undefined;
  /**
   * Whether this reconciliation decided `stop` (announce it: `onGiveUp`, `retry-table:giveup`), or
   * found it decided by a lost run (which announced it before writing its record).
   */
  readonly stopDecided: boolean;
  /**
   * The previous run decided a retry and was lost before BullMQ applied its delay: do not start
   * before this time (the clock's), or a crash loop would hammer a server that asked for a wait.
   */
  readonly resumeAt: number | undefined;
}

/**
 * Options of {@link reconcileRuns}.
 *
 * @example
 * ```ts
 * const options: ReconcileOptions = { maxAttempts: policy.maxAttempts, noticedAt: clock.now(), failedReason: job.failedReason };
 * ```
 */
export interface ReconcileOptions {
  /** The policy's `maxAttempts`: a lost run that was the last attempt stops the job. */
  readonly maxAttempts: number;
  /** When the stalls were noticed, by the adapter's clock: a stall record's `startedAt`. */
  readonly noticedAt: number;
  /**
   * Set when BullMQ has already failed the job (its `failedReason`, such as "job stalled more than
   * allowable limit"): the last stall is the one that ended it, so its record is a stop.
   */
  readonly failedReason?: string;
}

/** What a stall record says when BullMQ gave no reason of its own. */
export const STALLED_MESSAGE = 'job stalled: the worker lost its lock (it crashed, or its event loop was blocked past lockDuration)';

/**
 * Accounts for every run BullMQ started that the journal does not know how ended, from the
 * journal and BullMQ's counters together. Pure: the same journal and counters give the same
 * result, so the processor (at the start of a run) and the worker's 'failed' listener (when BullMQ
 * fails a job for stalling, and the processor never runs) reconcile the same way.
 *
 * - Stalls beyond the journal's `stalledCounter` are lost runs. If the last record's run never had
 *   its failure taken (BullMQ's `attemptsMade` has not grown since it started), that run is the
 *   first of them: its record is marked `after-record`, never written twice. Every other lost run
 *   gets a `before-record` stall record with the next attempt number: every run counts.
 * - A lost run that was the last attempt (`maxAttempts`) stops the job with `attempts-exhausted`; a
 *   policy stop whose run was lost stops it with the policy's reason. Either way `stop` is set.
 * - The attempt number of the run is `max(attemptsMade, last journaled attempt) + 1`.
 *
 * @param journal - the journal read from the job's data
 * @param counters - BullMQ's counters, read with it
 * @param options - the policy's attempt limit, the clock's time, BullMQ's failure when it failed the job
 * @example
 * ```ts
 * // Attempt 1 wrote its retry, then its worker crashed before BullMQ took the failure.
 * const run = reconcileRuns([{ ...record, attempt: 1, attemptsMade: 0, stalledCounter: 0 }],
 *   { attemptsMade: 0, attemptsStarted: 2, stalledCounter: 1 }, { maxAttempts: 3, noticedAt: Date.now() });
 * run.attempt; // 2, not 1 again
 * run.journal[0]!.stalled; // 'after-record'
 * ```
 */
export function reconcileRuns(journal: readonly JobAttemptRecord[], counters: JobCounters, options: ReconcileOptions): RunStart {
  const accounted = journal.at(-1)?.stalledCounter ?? 0;
  let stalls = counters.stalledCounter - accounted;
  // The common case, every run of every job: nothing lost, nothing copied.
  if (stalls <= 0) return { journal, changed: false, attempt: nextAttempt(journal, counters), stop: undefined, stopDecided: false, resumeAt: undefined };
  const records = journal.slice();

  const last = records.at(-1);
  let lostAfterRecord = false;
  if (last !== undefined && untaken(last, counters)) {
    if (last.stalled === undefined) {
      records[records.length - 1] = { ...last, stalled: 'after-record', stalledCounter: accounted + 1 };
      stalls--;
      lostAfterRecord = true;
    }
    if (last.action === 'stop') {
      // The job was to stop (the policy's stop, or a lost last attempt's) and BullMQ never failed
      // it. Any later stall is a run that was only giving up again (the processor does nothing
      // else then): not an attempt.
      const stop = { ...records.at(-1)!, stalledCounter: counters.stalledCounter };
      records[records.length - 1] = stop;
      const pending = options.failedReason === undefined && stop.reason !== undefined ? { ...stop, reason: stop.reason } : undefined;
      return { journal: records, changed: true, attempt: nextAttempt(records, counters), stop: pending, stopDecided: false, resumeAt: undefined };
    }
  }

  let attempt = nextAttempt(records, counters);
  const base = records.at(-1)?.stalledCounter ?? accounted;
  for (let k = 1; k <= stalls; k++) records.push(stallRecord(attempt++, counters, base + k, options.noticedAt));

  const tail = records.at(-1)!;
  let stop: RunStart['stop'];
  if (stalls > 0) {
    // The last lost run decides, as a failure would: a stop if it was the last attempt, or if
    // BullMQ failed the job for it.
    const exhausted = tail.attempt >= options.maxAttempts;
    if (exhausted || options.failedReason !== undefined) {
      const reason: StopReason = exhausted ? 'attempts-exhausted' : 'stalled';
      const ended: JobAttemptRecord = { ...tail, action: 'stop', delayMs: undefined, reason, message: options.failedReason ?? tail.message };
      records[records.length - 1] = ended;
      if (options.failedReason === undefined) stop = { ...ended, reason };
    }
  } else if (lostAfterRecord && options.failedReason !== undefined) {
    // BullMQ failed the job for the stall of the run that wrote this retry: the retry never happened.
    records[records.length - 1] = { ...tail, action: 'stop', delayMs: undefined, reason: 'stalled' };
  }

  const end = records.at(-1)!;
  const resumeAt =
    lostAfterRecord && stalls === 0 && end.action === 'retry' && end.delayMs !== undefined ? end.startedAt + (end.durationMs ?? 0) + end.delayMs : undefined;
  return { journal: records, changed: true, attempt: nextAttempt(records, counters), stop, stopDecided: stop !== undefined, resumeAt };
}

/**
 * The record a run writes for its own failure: the step's record with the run's attempt number
 * and BullMQ's counters at its start, so a later run can tell whether BullMQ took it.
 *
 * @param record - the record `journalRecords` made of this run's journal entry
 * @param attempt - the run's attempt number, from {@link reconcileRuns}
 * @param counters - BullMQ's counters at the start of the run
 * @example
 * ```ts
 * const mine = stampRecord(journalRecords(state, job.timestamp).at(-1)!, run.attempt, countersOf(job));
 * ```
 */
export function stampRecord(record: AttemptRecord, attempt: number, counters: JobCounters): JobAttemptRecord {
  return { ...record, attempt, attemptsStarted: counters.attemptsStarted, attemptsMade: counters.attemptsMade, stalledCounter: counters.stalledCounter };
}

/**
 * The last record that holds one of the policy's decisions (not a stall written from BullMQ's
 * counters): its delay seeds decorrelated jitter, its budget take is what a success refunds.
 *
 * @example
 * ```ts
 * const previousDelayMs = lastDecision(journal)?.delayMs;
 * ```
 */
export function lastDecision(journal: readonly JobAttemptRecord[]): JobAttemptRecord | undefined {
  for (let i = journal.length - 1; i >= 0; i--) if (journal[i]!.stalled !== 'before-record') return journal[i];
  return undefined;
}

/**
 * The failure a record describes, as the normalizer would have returned it: for a `RetryError`
 * built from the journal alone (a stop whose run was lost).
 *
 * @example
 * ```ts
 * new RetryError({ reason: stop.reason, policy: policy.name, failure: failureOf(stop), attempts: journal, cause: undefined });
 * ```
 */
export function failureOf(record: JobAttemptRecord): Failure {
  const { kind, status, code, message, requestId, timestamp, retryAfterMs, quota, errors, verdict } = record;
  return { kind, status, code, message, requestId, timestamp, retryAfterMs, quota, errors, verdict };
}

/**
 * The journal kept in a job's data, or an empty one.
 *
 * @example
 * ```ts
 * const journal = journalOf(job.data, 'retryJournal');
 * ```
 */
export function journalOf(data: unknown, journalKey: string): readonly JobAttemptRecord[] {
  const journal = (data as Record<string, unknown> | undefined)?.[journalKey];
  return Array.isArray(journal) ? (journal as JobAttemptRecord[]) : [];
}

/**
 * BullMQ's counters of a job. `stalledCounter` is missing from BullMQ releases before 2025: then
 * no stall is seen, and attempt numbers still come from `attemptsMade` and the journal.
 *
 * @example
 * ```ts
 * const run = reconcileRuns(journalOf(job.data, key), countersOf(job), options);
 * ```
 */
export function countersOf(job: { readonly attemptsMade: number; readonly attemptsStarted?: number; readonly stalledCounter?: number }): JobCounters {
  return { attemptsMade: job.attemptsMade, attemptsStarted: job.attemptsStarted ?? 0, stalledCounter: job.stalledCounter ?? 0 };
}

/** Whether BullMQ never took the failure of the run that wrote `record`. */
function untaken(record: JobAttemptRecord, counters: JobCounters): boolean {
  // A before-record retry is BullMQ's own (it put the job back in wait): taken by definition. A
  // before-record stop is the adapter's, applied when a run fails the job with it.
  if (record.stalled === 'before-record' && record.action === 'retry') return false;
  return record.attemptsMade !== undefined && counters.attemptsMade <= record.attemptsMade;
}

function nextAttempt(records: readonly JobAttemptRecord[], counters: JobCounters): number {
  return Math.max(counters.attemptsMade, records.at(-1)?.attempt ?? 0) + 1;
}

function stallRecord(attempt: number, counters: JobCounters, stalledCounter: number, noticedAt: number): JobAttemptRecord {
  return {
    attempt,
    startedAt: noticedAt,
    kind: 'unknown',
    message: STALLED_MESSAGE,
    // BullMQ put the job straight back in wait: a retry without delay, decided by BullMQ.
    action: 'retry',
    delayMs: 0,
    attemptsMade: counters.attemptsMade,
    stalledCounter,
    stalled: 'before-record',
  };
}
