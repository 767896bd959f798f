import type { Quota } from './failure.js';
import type { BodyFields, BodyReader, ErrorBody, HintField, HintReader, Hints, LibraryReaderSet } from './readers/reader.js';
import { asText, safeGet } from './safe-read.js';

/**
 * The readers a failure is read with, in the order they are tried: the user's (`body`, `hints`
 * of `user`), each checked (see {@link checkedBodyReader}, {@link checkedHintReader}), before the
 * library's `builtIn`. Reading a failure then runs trusted lists only; a policy without readers
 * of its own (a prebuilt one) is read with `builtIn` as it is, and bundles none of this.
 *
 * @param user - the user's readers, as given (not trusted: anything that is not a list is none)
 * @param builtIn - the library's readers, tried after them
 * @example
 * ```ts
 * readersInOrder({ body: [acmeBody] }, BUILT_IN_READERS).body.map((reader) => reader.name); // ['acme', 'sp-api-json', 'scraper-json', 'mws-xml']
 * ```
 */
export function readersInOrder(user: unknown, builtIn: LibraryReaderSet): LibraryReaderSet {
  const body = listOf(safeGet(user, 'body'));
  const hints = listOf(safeGet(user, 'hints'));
  if (body.length === 0 && hints.length === 0) return builtIn;
  const checkedHints: HintReader[] = [];
  for (const reader of hints) {
    const checked = checkedHintReader(reader);
    if (checked !== undefined) checkedHints.push(checked);
  }
  // A user's hint reader may answer without headers; the library's sets say whether theirs can.
  const headerlessHints = builtIn.headerlessHints && [...checkedHints, ...builtIn.headerlessHints];
  return { ...builtIn, body: [...body.map(checkedBodyReader), ...builtIn.body], hints: [...checkedHints, ...builtIn.hints], headerlessHints };
}

function listOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * A user's body reader, made safe for the failure path: one that throws, is not a reader, or
 * returns something other than fields is "not my format", and what it returns is checked like
 * any input (strings only, codes and request ids cut to 200 characters).
 *
 * @param reader - the user's reader, as given
 * @example
 * ```ts
 * checkedBodyReader({ name: 'broken', read: () => { throw new Error('bug'); } }).read(body); // undefined
 * ```
 */
export function checkedBodyReader(reader: unknown): BodyReader {
  return { name: String(asText(safeGet(reader, 'name')) ?? 'reader'), read: (body) => userBodyFields(reader, body) };
}

/**
 * A user's header reader, made safe for the failure path: a throw, or a value of the wrong type
 * for its field, is no hint. Undefined when the reader names no field a header reader fills.
 *
 * @param reader - the user's reader, as given
 * @example
 * ```ts
 * checkedHintReader({ name: 'acme', field: 'retryAfterMs', read: () => -5 })?.read(headers, now); // undefined: not a wait
 * ```
 */
export function checkedHintReader(reader: unknown): HintReader | undefined {
  const field = safeGet(reader, 'field');
  if (field !== 'requestId' && field !== 'timestamp' && field !== 'retryAfterMs' && field !== 'quota' && field !== 'verdict') return undefined;
  return { name: String(asText(safeGet(reader, 'name')) ?? field), field, read: (headers, now) => userHint(reader, field, headers, now) };
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

function userHint<F extends HintField>(reader: unknown, field: F, headers: unknown, now: number): Hints[F] | undefined {
  let value: unknown;
  try {
    const read = safeGet(reader, 'read');
    if (typeof read !== 'function') return undefined;
    value = read.call(reader, headers, now);
  } catch {
    return undefined;
  }
  return checkedValue(field, value) as Hints[F] | undefined;
}

/** Checked like any input: a wrong type is no hint, and an absent field stays absent. */
function checkedValue(field: HintField, value: unknown): Hints[HintField] | undefined {
  switch (field) {
    case 'requestId':
      return asText(value, 200);
    case 'timestamp':
      return asText(value);
    case 'retryAfterMs':
      return typeof value === 'number' && value >= 0 ? delayMs(value) : undefined;
    case 'quota':
      return checkedQuota(value);
    case 'verdict':
      return value === 'retry' || value === 'stop' ? value : undefined;
    default:
      return field satisfies never;
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
