import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  reconcileRuns,
  stampRecord,
  STALLED_MESSAGE,
  type JobAttemptRecord,
  type JobCounters,
} from '../../src/adapters/bullmq-journal.js';
import type { AttemptRecord } from '../../src/run/journal.js';
import { FUZZ_RUNS, FUZZ_SEED, FUZZ_TIMEOUT_MS } from '../fuzz/fuzz-settings.js';

/** The record a run writes for a 503, before the adapter stamps it with the run's number and counters. */
function failure(action: 'retry' | 'stop', delayMs = 300): AttemptRecord {
  return action === 'retry'
    ? { attempt: 0, startedAt: 1_000, durationMs: 20, kind: 'http', status: 503, action, delayMs, rule: 'status:503' }
    : { attempt: 0, startedAt: 1_000, durationMs: 20, kind: 'http', status: 503, action, reason: 'attempts-exhausted', rule: 'status:503' };
}

const counters = (attemptsMade: number, attemptsStarted: number, stalledCounter: number): JobCounters => ({ attemptsMade, attemptsStarted, stalledCounter });
const options = { maxAttempts: 3, noticedAt: 5_000 };

describe('reconcileRuns: the journal and BullMQ\'s counters together', () => {
  it('changes nothing when no run was lost, and numbers the run after both counts', () => {
    const journal = [stampRecord(failure('retry'), 1, counters(0, 1, 0))];
    const run = reconcileRuns(journal, counters(1, 2, 0), options);
    expect(run).toMatchObject({ changed: false, attempt: 2, stop: undefined, resumeAt: undefined });
    expect(run.journal).toBe(journal);
  });

  it('marks a run lost after writing its record instead of giving its attempt number twice', () => {
    // Attempt 1 wrote its retry, then its worker died: BullMQ never took the failure (attemptsMade 0).
    const journal = [stampRecord(failure('retry', 300), 1, counters(0, 1, 0))];
    const run = reconcileRuns(journal, counters(0, 2, 1), options);
    expect(run.attempt).toBe(2);
    expect(run.journal.map((r) => [r.attempt, r.action, r.stalled, r.stalledCounter])).toEqual([[1, 'retry', 'after-record', 1]]);
    // Its delay never reached BullMQ: the next run waits it out (started 1000, took 20, waits 300).
    expect(run.resumeAt).toBe(1_320);
    expect(run.stop).toBeUndefined();
  });

  it('records a run lost before writing anything, as an attempt of its own', () => {
    const journal = [stampRecord(failure('retry'), 1, counters(0, 1, 0))];
    const run = reconcileRuns(journal, counters(1, 3, 1), options);
    expect(run.attempt).toBe(3);
    expect(run.journal.map((r) => [r.attempt, r.action, r.delayMs, r.stalled, r.message])).toEqual([
      [1, 'retry', 300, undefined, undefined],
      [2, 'retry', 0, 'before-record', STALLED_MESSAGE],
    ]);
    expect(run.journal[1]).toMatchObject({ kind: 'unknown', startedAt: 5_000, stalledCounter: 1 });
  });

  it('stops with attempts-exhausted when the lost run was the last attempt', () => {
    const journal = [stampRecord(failure('retry'), 1, counters(0, 1, 0)), stampRecord(failure('retry'), 2, counters(1, 2, 0))];
    const run = reconcileRuns(journal, counters(2, 4, 1), options);
    expect(run.stop).toMatchObject({ attempt: 3, action: 'stop', reason: 'attempts-exhausted', stalled: 'before-record' });
    expect(run.journal.at(-1)).toEqual(run.stop);
  });

  it('keeps a stop whose run was lost before BullMQ failed the job, and folds the give-up runs lost after it', () => {
    const journal = [stampRecord(failure('stop'), 1, counters(0, 1, 0))];
    const first = reconcileRuns(journal, counters(0, 2, 1), options);
    expect(first.stop).toMatchObject({ attempt: 1, reason: 'attempts-exhausted', stalled: 'after-record', stalledCounter: 1 });
    // The run giving up was lost too: still the same stop, no new attempt.
    const again = reconcileRuns(first.journal, counters(0, 3, 3), options);
    expect(again.journal).toHaveLength(1);
    expect(again.stop).toMatchObject({ attempt: 1, stalledCounter: 3 });
  });

  it('records both stalls of a job BullMQ failed for stalling twice, the last one as the stop', () => {
    const run = reconcileRuns([], counters(0, 3, 2), { ...options, failedReason: 'job stalled more than allowable limit' });
    expect(run.journal.map((r) => [r.attempt, r.action, r.reason, r.stalled, r.message])).toEqual([
      [1, 'retry', undefined, 'before-record', STALLED_MESSAGE],
      [2, 'stop', 'stalled', 'before-record', 'job stalled more than allowable limit'],
    ]);
    expect(run.stop).toBeUndefined(); // BullMQ has failed it already
  });

  it('turns the lost run\'s retry into a stop when BullMQ failed the job for that stall', () => {
    const journal = [stampRecord(failure('retry'), 1, counters(0, 1, 0))];
    const run = reconcileRuns(journal, counters(0, 2, 1), { ...options, failedReason: 'job stalled more than allowable limit' });
    expect(run.journal.map((r) => [r.attempt, r.action, r.delayMs, r.stalled])).toEqual([[1, 'stop', undefined, 'after-record']]);
  });

  it('lets a job retried by hand run again: no stall, so an old stop is not pending', () => {
    const journal = [stampRecord(failure('retry'), 1, counters(0, 1, 0)), stampRecord(failure('stop'), 2, counters(1, 2, 0))];
    // job.retry('failed', { resetAttemptsMade: true }): attemptsMade back to 0, no stall.
    const run = reconcileRuns(journal, counters(0, 3, 0), options);
    expect(run).toMatchObject({ changed: false, attempt: 3, stop: undefined });
  });
});

type Outcome = 'fail' | 'crash-after-write' | 'crash-before-write' | 'ok';

/**
 * A model of BullMQ running one job through the adapter: each run reconciles, then fails, crashes
 * after writing its record, crashes before writing anything, or succeeds. BullMQ's side: a crash
 * is a stall (stalledCounter + 1, the job back to wait); a taken failure adds to attemptsMade;
 * more than maxStalledCount stalls fail the job, and the worker's 'failed' listener reconciles.
 */
function simulate(maxAttempts: number, maxStalledCount: number, outcomes: readonly Outcome[]) {
  let atm = 0;
  let ats = 0;
  let stc = 0;
  let journal: readonly JobAttemptRecord[] = [];
  let fnRuns = 0;
  let end: 'completed' | 'failed' | undefined;
  const opts = { maxAttempts, noticedAt: 0 };
  for (const outcome of outcomes) {
    ats++;
    const run = reconcileRuns(journal, { attemptsMade: atm, attemptsStarted: ats, stalledCounter: stc }, opts);
    journal = run.journal;
    if (run.stop !== undefined || outcome === 'crash-before-write') {
      if (run.stop === undefined) fnRuns++;
      if (run.stop !== undefined && outcome !== 'crash-before-write') {
        atm++;
        end = 'failed';
        break;
      }
    } else {
      fnRuns++;
      if (outcome === 'ok') {
        end = 'completed';
        break;
      }
      const record = stampRecord(failure(run.attempt >= maxAttempts ? 'stop' : 'retry'), run.attempt, { attemptsMade: atm, attemptsStarted: ats, stalledCounter: stc });
      journal = [...journal, record];
      if (outcome === 'fail') {
        atm++;
        if (record.action === 'stop') {
          end = 'failed';
          break;
        }
        continue;
      }
    }
    // The run was lost: BullMQ takes the job back, or fails it past maxStalledCount.
    stc++;
    if (stc > maxStalledCount) {
      // A deferred failure: a worker picks the job up and fails it, taking an attempt of its own
      // (the listener does not count that one as a run: attemptsMade - 1).
      ats++;
      atm++;
      const failedCounters = { attemptsMade: atm - 1, attemptsStarted: ats, stalledCounter: stc };
      journal = reconcileRuns(journal, failedCounters, { ...opts, failedReason: 'job stalled more than allowable limit' }).journal;
      end = 'failed';
      break;
    }
  }
  // Out of outcomes with the job still queued: the next run would start by reconciling.
  if (end === undefined) journal = reconcileRuns(journal, { attemptsMade: atm, attemptsStarted: ats + 1, stalledCounter: stc }, opts).journal;
  return { journal, fnRuns, end, stc };
}

describe('reconcileRuns under any sequence of failures, crashes and stalls (a model of BullMQ)', () => {
  const outcome = fc.constantFrom<Outcome>('fail', 'crash-after-write', 'crash-before-write', 'ok');

  it('never runs the function more than maxAttempts times, never repeats an attempt number, and records every run', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 6 }), fc.array(outcome, { minLength: 1, maxLength: 24 }), (maxAttempts, maxStalledCount, outcomes) => {
        const { journal, fnRuns, end, stc } = simulate(maxAttempts, maxStalledCount, outcomes);
        expect(fnRuns).toBeLessThanOrEqual(maxAttempts);
        const numbers = journal.map((r) => r.attempt);
        expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
        expect(new Set(numbers).size).toBe(numbers.length);
        // One record per run of the function, except the one that succeeded.
        expect(journal.length).toBe(end === 'completed' ? fnRuns - 1 : fnRuns);
        if (end === 'failed') {
          expect(journal.at(-1)!.action).toBe('stop');
          if (stc > 0) expect(journal.at(-1)!.stalledCounter).toBe(stc);
        }
      }),
      // Cheap cases: at least 2,000 in every run, more under `FUZZ_RUNS`; the seed is fixed.
      { numRuns: Math.max(2_000, FUZZ_RUNS), seed: FUZZ_SEED },
    );
  }, FUZZ_TIMEOUT_MS);

  it('ends a crash loop within maxAttempts runs of the function (a crash after every journal write)', () => {
    for (let maxAttempts = 1; maxAttempts <= 5; maxAttempts++) {
      const { journal, fnRuns, end } = simulate(maxAttempts, 100, Array<Outcome>(50).fill('crash-after-write'));
      expect([fnRuns, end]).toEqual([maxAttempts, 'failed']);
      expect(journal.map((r) => [r.attempt, r.stalled])).toEqual(Array.from({ length: maxAttempts }, (_, i) => [i + 1, 'after-record']));
    }
  });
});
