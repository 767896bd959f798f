import type { Failure } from '../failure/failure.js';
import type { StopReason } from '../policy/decision.js';

/**
 * One attempt of a call, as the journal keeps it: when it started, how long it took, what failed
 * (the normalized {@link Failure}'s fields, flat) and what was decided. Amazon MWS and the
 * scraping API both ask you to keep the request id and timestamp of every failed request for
 * support: this is that record. Plain JSON: the BullMQ adapter stores it in the job's data.
 *
 * @example
 * ```ts
 * const record: AttemptRecord = {
 *   attempt: 1, startedAt: 1_700_000_000_000, durationMs: 120, kind: 'http', status: 503,
 *   code: 'RequestThrottled', requestId: 'e3c4b5a2', action: 'retry', delayMs: 1000, rule: 'RequestThrottled',
 * };
 * ```
 */
export interface AttemptRecord extends Failure {
  /** 1-based attempt number. */
  readonly attempt: number;
  /**
   * When the attempt started, by the clock in use (epoch ms with the default clock). For a first
   * attempt run on the fast path (no `signal`, `attemptTimeoutMs`, `maxElapsedMs` or `budget`), when its
   * failure was seen: the success path does not read the clock.
   */
  readonly startedAt: number;
  /** How long the attempt took, in ms; absent for a first attempt run on the fast path. */
  readonly durationMs?: number;
  /** What the policy decided after it. */
  readonly action: 'retry' | 'stop';
  /** The wait before the next attempt, for `retry`. */
  readonly delayMs?: number;
  /** Why the call stopped, for `stop`. */
  readonly reason?: StopReason;
  /** The id of the row that matched. */
  readonly rule?: string;
  /** What the call's retry budget took for this retry (AWS quota units), when it has a budget. */
  readonly budgetTaken?: number;
}

/**
 * What a runner keeps per attempt while a call runs: the decision's parts, not the decision (a
 * retry decision is a fresh object per attempt) and offsets, not epoch times (small integers,
 * not boxed doubles). Entries link to the previous one, so no array grows per attempt.
 */
export interface JournalEntry {
  /** The 1-based number of the attempt, as the runner counted it. */
  readonly attempt: number;
  readonly failure: Failure;
  readonly rule: string | undefined;
  /** Set for a retry. */
  readonly delayMs: number | undefined;
  /** Set for a stop. */
  readonly reason: StopReason | undefined;
  /** Offset from the call's start. */
  readonly startedAt: number;
  readonly durationMs: number | undefined;
  readonly budgetTaken: number | undefined;
  readonly previous: JournalEntry | undefined;
}

/**
 * A call's journal: records carried over from earlier runs (a BullMQ job's data) and the entries
 * of this run, newest first (a {@link CallState} is one).
 */
export interface Journal {
  readonly earlier: readonly AttemptRecord[];
  readonly newest: JournalEntry | undefined;
}

/** The journal as flat records, oldest first. `callStartedAt` turns the offsets into clock times. */
export function journalRecords(journal: Journal, callStartedAt: number): AttemptRecord[] {
  const entries: JournalEntry[] = [];
  for (let entry = journal.newest; entry !== undefined; entry = entry.previous) entries.push(entry);
  const records = journal.earlier.slice();
  for (let i = entries.length - 1; i >= 0; i--) records.push(toRecord(entries[i]!, callStartedAt));
  return records;
}

/**
 * The one place a journal entry becomes a record. The failure's part is typed with every
 * {@link Failure} field required, so a field added to Failure fails to compile here until the
 * journal carries it too.
 */
export function toRecord(entry: JournalEntry, callStartedAt: number): AttemptRecord {
  const { failure, durationMs } = entry;
  // One literal with every field, not a spread of the failure: a fixed shape is several times
  // cheaper to build, and undefined fields vanish in JSON anyway.
  const failureFields: { readonly [K in keyof Required<Failure>]: Failure[K] } = {
    kind: failure.kind,
    status: failure.status,
    code: failure.code,
    message: failure.message,
    requestId: failure.requestId,
    timestamp: failure.timestamp,
    retryAfterMs: failure.retryAfterMs,
    quota: failure.quota,
    errors: failure.errors,
    verdict: failure.verdict,
  };
  return {
    attempt: entry.attempt,
    startedAt: callStartedAt + entry.startedAt,
    // A clock that went backwards must not produce a negative duration.
    durationMs: durationMs === undefined ? undefined : durationMs > 0 ? durationMs : 0,
    ...failureFields,
    action: entry.reason === undefined ? 'retry' : 'stop',
    delayMs: entry.delayMs,
    reason: entry.reason,
    rule: entry.rule,
    budgetTaken: entry.budgetTaken,
  };
}
