import { SpanKind, SpanStatusCode, type Attributes, type Tracer } from '@opentelemetry/api';
import type { AttemptRecord } from '../run/journal.js';
import type { RetryError } from '../run/retry-error.js';
import { ATTRIBUTE_NAMES, errorType, failureAttributes } from './otel-attributes.js';
import type { AttemptNote, CallTrace } from './otel-calls.js';

/**
 * The name of each attempt's span event.
 *
 * @example
 * ```ts
 * const attempts = exporter.getFinishedSpans()[0]!.events.filter((event) => event.name === ATTEMPT_EVENT_NAME);
 * ```
 */
export const ATTEMPT_EVENT_NAME = 'retry_table.attempt';

/**
 * The attempts of a call that gave up, as its journal has them: the journal is the call's own
 * record, so it wins over what was seen (which may have missed attempts, as a BullMQ job's
 * earlier runs, or, with today's payloads, swapped one with an alike call). Times are the ones
 * seen; an attempt not seen is placed by the journal's own offsets from the last attempt, whose
 * end is taken to be `endTime` (the journal's clock may be a TestClock's, so its times are
 * read only as offsets).
 *
 * @example
 * ```ts
 * const notes = journalNotes(trace.notes, error.attempts, performance.timeOrigin + performance.now());
 * ```
 */
export function journalNotes(seen: readonly AttemptNote[], journal: readonly AttemptRecord[], endTime: number): AttemptNote[] {
  const seenByAttempt = new Map(seen.map((note) => [note.attempt, note]));
  const last = journal.at(-1);
  const endOf = (record: AttemptRecord): number => record.startedAt + (record.durationMs ?? 0);
  const anchor = last === undefined ? endTime : (seenByAttempt.get(last.attempt)?.time ?? endTime);
  return journal.map((record) => {
    const note = seenByAttempt.get(record.attempt);
    return {
      attempt: record.attempt,
      time: note?.time ?? anchor - (endOf(last!) - endOf(record)),
      failure: record,
      decision: record.action,
      rule: record.rule,
      delayMs: record.delayMs,
      // The journal keeps no delay source: only the retry event said it.
      ...(note?.source !== undefined && { source: note.source }),
      reason: record.reason,
    };
  });
}

/** One attempt's event attributes. */
function attemptAttributes(note: AttemptNote): Attributes {
  const attributes: Attributes = { [ATTRIBUTE_NAMES.attempt]: note.attempt };
  if (note.attempt > 1) attributes[ATTRIBUTE_NAMES.resendCount] = note.attempt - 1;
  if (note.failure !== undefined) Object.assign(attributes, failureAttributes(note.failure));
  if (note.decision !== undefined) attributes[ATTRIBUTE_NAMES.decision] = note.decision;
  if (note.rule !== undefined) attributes[ATTRIBUTE_NAMES.rule] = note.rule;
  if (note.delayMs !== undefined) attributes[ATTRIBUTE_NAMES.delayMs] = note.delayMs;
  if (note.source !== undefined) attributes[ATTRIBUTE_NAMES.delaySource] = note.source;
  if (note.reason !== undefined) attributes[ATTRIBUTE_NAMES.stopReason] = note.reason;
  return attributes;
}

/**
 * Records a finished call as one span: `retry <policy>`, a child of the context the call ran in,
 * from the first event seen to `endTime`, with one `retry_table.attempt` event per attempt at the
 * time it was seen to end. A give-up sets the span's status to error, its `error.type` (of the
 * last failure) and `retry_table.stop_reason`; a success leaves the status unset, as the
 * conventions ask.
 *
 * The span is made when the call ends, not when it starts: the events say when an attempt ended,
 * never when a call began, so there is no earlier moment to open it at.
 *
 * @example
 * ```ts
 * recordCallSpan(tracer, trace, trace.notes, performance.timeOrigin + performance.now(), undefined);
 * ```
 */
export function recordCallSpan(tracer: Tracer, trace: CallTrace, notes: readonly AttemptNote[], endTime: number, error: RetryError | undefined): void {
  let totalDelayMs = 0;
  for (const note of notes) if (note.decision === 'retry') totalDelayMs += note.delayMs ?? 0;
  // The last attempt's number, not the notes seen: a BullMQ job's earlier runs may be elsewhere.
  const attempts = notes.at(-1)?.attempt ?? 0;
  const attributes: Attributes = {
    [ATTRIBUTE_NAMES.policy]: trace.policy,
    [ATTRIBUTE_NAMES.attempts]: attempts,
    [ATTRIBUTE_NAMES.outcome]: error === undefined ? 'succeeded' : 'gave-up',
    [ATTRIBUTE_NAMES.totalDelayMs]: totalDelayMs,
  };
  if (attempts > 1) attributes[ATTRIBUTE_NAMES.resendCount] = attempts - 1;
  if (error !== undefined) {
    attributes[ATTRIBUTE_NAMES.stopReason] = error.reason;
    attributes[ATTRIBUTE_NAMES.errorType] = errorType(error.failure);
    if (error.failure.status !== undefined) attributes[ATTRIBUTE_NAMES.statusCode] = error.failure.status;
    if (error.failure.requestId !== undefined) attributes[ATTRIBUTE_NAMES.requestId] = error.failure.requestId;
  }
  const startTime = Math.min(trace.startTime, notes[0]?.time ?? trace.startTime);
  const span = tracer.startSpan(`retry ${trace.policy}`, { kind: SpanKind.INTERNAL, startTime, attributes }, trace.parent);
  for (const note of notes) span.addEvent(ATTEMPT_EVENT_NAME, attemptAttributes(note), note.time);
  if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  span.end(Math.max(endTime, startTime));
}
