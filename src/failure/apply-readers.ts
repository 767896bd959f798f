import type { Quota } from './failure.js';
import type { FailureDraft } from './failure-draft.js';
import type { BodyFields, BodyReader, ErrorBody, FailureReaders, HintField, HintReader, Hints } from './readers/reader.js';
import { asText, safeGet } from './safe-read.js';

/**
 * The fields of an error body: the user's body readers are tried first, then the built-in ones
 * the reader set names (see `BUILT_IN_READERS`); the first that returns fields wins. A user reader that throws, is
 * not a reader, or returns something other than fields is "not my format": the failure path
 * must not fail because of a reader. What it returns is checked like any input (strings only,
 * codes and request ids cut to 200 characters).
 *
 * @param body - the body, read once
 * @param readers - the user's readers, if any
 * @param builtIn - the library's body readers to try after them (trusted: not guarded)
 * @example
 * ```ts
 * readBodyFields({ text: undefined, json: { error: 'rate_limited' } }, undefined, [scraperJsonReader]); // { code: 'rate_limited', ... }
 * ```
 */
export function readBodyFields(body: ErrorBody, readers: FailureReaders | undefined, builtIn: readonly BodyReader[]): BodyFields | undefined {
  const user = safeGet(readers, 'body');
  if (Array.isArray(user)) {
    for (let i = 0; i < user.length; i++) {
      const fields = userBodyFields(user[i], body);
      if (fields !== undefined) return fields;
    }
  }
  for (let i = 0; i < builtIn.length; i++) {
    const fields = builtIn[i]!.read(body);
    if (fields !== undefined) return fields;
  }
  return undefined;
}

/**
 * Fills the hint fields of a draft failure that are still absent, from the user's hint
 * readers, which are guarded like body readers (a throw or a value of the wrong type is no hint).
 *
 * @example
 * ```ts
 * fillUserHints(draft, response.headers, now, { hints: [requestIdHeaderHint('x-acme-trace')] });
 * ```
 */
export function fillUserHints(draft: FailureDraft, headers: unknown, now: number, readers: FailureReaders | undefined): void {
  const user = safeGet(readers, 'hints');
  if (!Array.isArray(user)) return;
  for (let i = 0; i < user.length; i++) fillUserHint(draft, user[i], headers, now);
}

/**
 * Fills the hint fields of a draft failure that are still absent, from trusted (built-in)
 * readers, in list order. A field already filled is not read again, so a lower-ranked header
 * costs nothing once a higher-ranked one answered.
 *
 * @example
 * ```ts
 * fillHints(draft, response.headers, now, BUILT_IN_READERS.hints);
 * ```
 */
export function fillHints(draft: FailureDraft, headers: unknown, now: number, readers: readonly HintReader[]): void {
  for (let i = 0; i < readers.length; i++) fillHint(draft, readers[i]!, headers, now);
}

/** The fields a hint reader may fill, writable. */
type HintDraft = { -readonly [K in HintField]?: Hints[K] };

function fillHint<F extends HintField>(draft: HintDraft, reader: HintReader<F>, headers: unknown, now: number): void {
  if (draft[reader.field] !== undefined) return;
  const value = reader.read(headers, now);
  if (value !== undefined) draft[reader.field] = value;
}

function userBodyFields(reader: unknown, body: ErrorBody): BodyFields | undefined {
  let fields: unknown;
  try {
    const read = safeGet(reader, 'read');
    if (typeof read !== 'function') return undefined;
    fields = read.call(reader, body);
  } catch {
    return undefined;
  }
  const code = asText(safeGet(fields, 'code'), 200);
  const message = asText(safeGet(fields, 'message'));
  const requestId = asText(safeGet(fields, 'requestId'), 200);
  return code === undefined && message === undefined && requestId === undefined ? undefined : { code, message, requestId };
}

function fillUserHint(draft: HintDraft, reader: unknown, headers: unknown, now: number): void {
  const field = safeGet(reader, 'field');
  if (field !== 'requestId' && field !== 'timestamp' && field !== 'retryAfterMs' && field !== 'quota' && field !== 'verdict') return;
  if (draft[field] !== undefined) return;
  let value: unknown;
  try {
    const read = safeGet(reader, 'read');
    if (typeof read !== 'function') return;
    value = read.call(reader, headers, now);
  } catch {
    return;
  }
  // Checked like any input: a wrong type is no hint, and an absent field stays absent.
  switch (field) {
    case 'requestId': {
      const requestId = asText(value, 200);
      if (requestId !== undefined) draft.requestId = requestId;
      return;
    }
    case 'timestamp': {
      const timestamp = asText(value);
      if (timestamp !== undefined) draft.timestamp = timestamp;
      return;
    }
    case 'retryAfterMs':
      if (typeof value === 'number' && value >= 0) draft.retryAfterMs = delayMs(value);
      return;
    case 'quota': {
      const quota = checkedQuota(value);
      if (quota !== undefined) draft.quota = quota;
      return;
    }
    case 'verdict':
      if (value === 'retry' || value === 'stop') draft.verdict = value;
  }
}

/** Whole milliseconds, as the built-in readers give them; infinity becomes the largest safe delay, which a policy refuses. */
function delayMs(value: number): number {
  return Math.min(Math.ceil(value), Number.MAX_SAFE_INTEGER);
}

function checkedQuota(value: unknown): Quota | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const quota: { -readonly [K in keyof Quota]: Quota[K] } = {};
  const max = finite(safeGet(value, 'max'));
  const remaining = finite(safeGet(value, 'remaining'));
  const resetsAt = finite(safeGet(value, 'resetsAt'));
  const resetsInMs = finite(safeGet(value, 'resetsInMs'));
  const ratePerSecond = finite(safeGet(value, 'ratePerSecond'));
  const windowMs = finite(safeGet(value, 'windowMs'));
  if (max !== undefined) quota.max = max;
  if (remaining !== undefined) quota.remaining = remaining;
  if (resetsAt !== undefined) quota.resetsAt = resetsAt;
  if (resetsInMs !== undefined && resetsInMs >= 0) quota.resetsInMs = delayMs(resetsInMs);
  // A rate of 0 is no rate a client can wait for; a window is a duration, so whole ms like a delay.
  if (ratePerSecond !== undefined && ratePerSecond > 0) quota.ratePerSecond = ratePerSecond;
  if (windowMs !== undefined && windowMs >= 0) quota.windowMs = delayMs(windowMs);
  return Object.keys(quota).length === 0 ? undefined : quota;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
