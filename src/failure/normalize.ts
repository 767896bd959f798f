import { fillHints, readBodyFields } from './apply-readers.js';
import { readersInOrder } from './checked-readers.js';
import { classify, type HttpAnswer } from './classify.js';
import { errorBodyFromText, errorBodyOf } from './error-body.js';
import type { Failure } from './failure.js';
import type { FailureDraft } from './failure-draft.js';
import { readBodyText } from './read-body-text.js';
import type { ErrorBody, FailureReaders, LibraryReaderSet, PolicyReaders } from './readers/reader.js';
import { BUILT_IN_READERS } from './readers/registry.js';
import { safeGet } from './safe-read.js';

/**
 * Options for {@link normalizeFailure}.
 *
 * @example
 * ```ts
 * const options: NormalizeOptions = { now: clock.now(), signal, bodyTimeoutMs: 500, readers: { body: [acmeBody] } };
 * ```
 */
export interface NormalizeOptions {
  /**
   * The current time in epoch milliseconds, used to turn `Retry-After` dates and quota reset
   * times into relative delays. The scheduler passes its clock's reading.
   * @defaultValue `Date.now()`
   */
  readonly now?: number;
  /** Abandons reading a response body when aborted. */
  readonly signal?: AbortSignal;
  /**
   * How long reading an error body may take: a server that sends its headers and then stalls
   * must not hang the failure path. What arrived by then is parsed.
   * @defaultValue 2000
   */
  readonly bodyTimeoutMs?: number;
  /**
   * Readers for your API's own error body format (and headers), tried before the built-in
   * ones. A reader that throws is skipped: normalization still never throws. A policy's
   * readers (`policy.readers`) read as that policy does: the user's, then the policy's own
   * `builtIn` readers in place of every built-in one.
   */
  readonly readers?: FailureReaders | PolicyReaders;
}

/** The default of {@link NormalizeOptions.bodyTimeoutMs}. */
const BODY_TIMEOUT_MS = 2000;

/**
 * Turns anything a wrapped call threw or returned into a {@link Failure}.
 *
 * Reads fetch `Response`s (returned or thrown; the body is read from a clone, so the caller can
 * still read it), errors with `status` / `statusCode` / `response.status` (axios, got), the
 * Amazon SP-API's `errors[]`, the scraper API's JSON error body and MWS XML error bodies,
 * `Retry-After` and every common rate-limit header (see `BUILT_IN_READERS`),
 * Node and undici network codes anywhere along the `cause` chain, and `AbortError` /
 * `TimeoutError`. Your API's own error body format is read by the `readers` you pass; a policy's
 * readers (`{ readers: mwsPolicy.readers }`) read only what that policy reads. It never
 * throws: whatever it cannot read is left out.
 *
 * @param value - what the call threw, or the failed `Response` it returned
 * @param options - the clock reading, an abort signal and a time limit for the body read, readers
 * @example
 * ```ts
 * const failure = await normalizeFailure(await fetch(url));
 * if (failure.kind === 'http') console.log(failure.status, failure.code, failure.requestId);
 * ```
 */
export async function normalizeFailure(value: unknown, options: NormalizeOptions = {}): Promise<Failure> {
  return normalizeWith(value, options, everyBuiltIn);
}

/**
 * {@link normalizeFailure} without a promise when none is needed: only a `Response` body stream
 * is read asynchronously; a thrown error (the common failure: a client's error object) is
 * normalized at once. The engine's failure path uses it, so a failure costs no promise hops.
 *
 * It reads with exactly the readers it is given: `options.readers` is a compiled policy's
 * (`policy.readers`), whose readers in order (the user's, checked when the policy was made, then
 * its `builtIn` ones) it runs as they are; readers that are not a compiled policy's are not read.
 * It reaches neither `BUILT_IN_READERS` nor the checking of a user's readers, so an application
 * whose policy names a few readers (a prebuilt policy) bundles those few.
 *
 * @example
 * ```ts
 * const found = normalizeFailureEager(error, { now: clock.now(), readers: policy.readers });
 * const failure = found instanceof Promise ? await found : found;
 * ```
 */
export function normalizeFailureEager(value: unknown, options: NormalizeOptions = {}): Failure | Promise<Failure> {
  return normalizeWith(value, options, onlyGiven);
}

/** Every reader to read with, in the order they are tried, given the caller's `readers`. */
type ReadersOf = (readers: unknown) => LibraryReaderSet;

/** No reader at all: what an engine call reads with under a policy that was not compiled by the library. */
const NO_READERS: LibraryReaderSet = { body: [], hints: [], fallbackHints: [] };

/** A compiled policy's readers, in order (its `inOrder`); none for anything else. */
function onlyGiven(readers: unknown): LibraryReaderSet {
  return compiledInOrder(readers) ?? NO_READERS;
}

/**
 * A compiled policy's readers in order; else the caller's own (checked) before the library's:
 * the `builtIn` given, or every built-in one.
 */
function everyBuiltIn(readers: unknown): LibraryReaderSet {
  return compiledInOrder(readers) ?? readersInOrder(readers, objectOrUndefined(safeGet(readers, 'builtIn')) ?? BUILT_IN_READERS);
}

function compiledInOrder(readers: unknown): LibraryReaderSet | undefined {
  return objectOrUndefined(safeGet(readers, 'inOrder'));
}

function objectOrUndefined(value: unknown): LibraryReaderSet | undefined {
  return value !== null && typeof value === 'object' ? (value as LibraryReaderSet) : undefined;
}

function normalizeWith(value: unknown, options: NormalizeOptions, readersOf: ReadersOf): Failure | Promise<Failure> {
  try {
    const readers = readersOf(options.readers);
    const found = classify(value, readers.clients);
    if (found.kind !== 'http') return compact(found);
    // Read before the body: a hint is relative to when the answer came, not to when its body ended.
    const now = options.now ?? Date.now();
    if (found.response === undefined) return compact(complete(found, errorBodyOf(found.body), now, readers));
    return readAndComplete(found, found.response, now, options, readers);
  } catch {
    return { kind: 'unknown' };
  }
}

async function readAndComplete(found: HttpAnswer, response: Parameters<typeof readBodyText>[0], now: number, options: NormalizeOptions, readers: LibraryReaderSet): Promise<Failure> {
  try {
    const body = errorBodyFromText(await readBodyText(response, options.signal, options.bodyTimeoutMs ?? BODY_TIMEOUT_MS));
    return compact(complete(found, body, now, readers));
  } catch {
    return { kind: 'unknown' };
  }
}

/**
 * A copy of a failure built field by field, in one block of exactly its fields: a draft that
 * grew past its first few fields keeps them in a second, out-of-object array, and a journal holds
 * its failures for as long as the call runs (about 24 bytes a failure saved).
 */
function compact(draft: Failure): Failure {
  return Object.assign({}, draft);
}

/**
 * The synchronous part of {@link normalizeFailure}: everything except reading a `Response`
 * body stream. Bodies already in memory (axios' `response.data`, got's `response.body`) are read.
 *
 * @example
 * ```ts
 * normalizeFailureSync(Object.assign(new Error('boom'), { code: 'ECONNRESET' })).kind; // 'network'
 * ```
 */
export function normalizeFailureSync(value: unknown, options: Pick<NormalizeOptions, 'now' | 'readers'> = {}): Failure {
  try {
    const readers = everyBuiltIn(options.readers);
    const found = classify(value, readers.clients);
    if (found.kind !== 'http') return found;
    // A Response's body is a stream, which cannot be read synchronously: it is left out.
    const body = found.response === undefined ? errorBodyOf(found.body) : undefined;
    return complete(found, body, options.now ?? Date.now(), readers);
  } catch {
    return { kind: 'unknown' };
  }
}

/**
 * An HTTP answer made a Failure. Each field takes the first value in the order the readers give
 * (see `BUILT_IN_READERS`; a user's readers first): body fields over the error object's own code
 * and message; request id from the body, then the headers, with the error object's own between
 * `hints` (the MWS header) and `fallbackHints` (the generic ones). An answer without headers
 * (a thrown `Error` with a `status`) is read by `headerlessHints` alone where the set has them:
 * each header reader would only have answered nothing.
 */
function complete(answer: HttpAnswer, body: ErrorBody | undefined, now: number, readers: LibraryReaderSet): Failure {
  const fields = body === undefined ? undefined : readBodyFields(body, readers.body);
  const draft: FailureDraft = { kind: 'http', status: answer.status };
  const code = fields?.code ?? answer.code;
  if (code !== undefined) draft.code = code;
  const message = fields?.message ?? answer.message;
  if (message !== undefined) draft.message = message;
  if (fields?.requestId !== undefined) draft.requestId = fields.requestId;
  if (fields?.errors !== undefined) draft.errors = fields.errors;
  const { headers } = answer;
  const headerless = headers === null || typeof headers !== 'object' ? readers.headerlessHints : undefined;
  fillHints(draft, headers, now, headerless ?? readers.hints);
  if (draft.requestId === undefined && answer.requestId !== undefined) draft.requestId = answer.requestId;
  if (headerless === undefined) fillHints(draft, headers, now, readers.fallbackHints);
  return draft;
}
