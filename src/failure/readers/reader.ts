import type { ClientErrors } from '../classify.js';
import type { Failure } from '../failure.js';

/**
 * An error body as the readers see it: the text when the body was text (a fetch `Response`
 * body, a string, bytes), and the parsed value when it was JSON or the client had already parsed
 * it (axios' `response.data`). Either may be undefined.
 *
 * @example
 * ```ts
 * // A fetch Response whose body is {"error":"rate_limited"} reaches the body readers as
 * const fromFetch: ErrorBody = { text: '{"error":"rate_limited"}', json: { error: 'rate_limited' } };
 * // and axios' already parsed response.data as
 * const fromAxios: ErrorBody = { text: undefined, json: { error: 'rate_limited' } };
 * ```
 */
export interface ErrorBody {
  /** The body's text, cut to 64 KiB; undefined when the client handed over a parsed object. */
  readonly text: string | undefined;
  /** The parsed JSON body (or the client's parsed object); undefined when the body is not JSON. */
  readonly json: unknown;
}

/**
 * What a body reader can tell about a failure.
 *
 * @example
 * ```ts
 * const fields: BodyFields = { code: 'rate_limited', message: 'Slow down', requestId: 'req_8f2a' };
 * ```
 */
export type BodyFields = Partial<Pick<Failure, 'code' | 'message' | 'requestId' | 'errors'>>;

/**
 * Reads one wire format of error bodies (the scraper API's JSON, MWS XML, your API's own).
 * Returns undefined when the body is not in its format, so the next reader is tried.
 *
 * @example
 * ```ts
 * const acmeBody: BodyReader = {
 *   name: 'acme',
 *   read: ({ json }) => {
 *     const fault = (json as { fault?: { errcode?: string; detail?: string } } | undefined)?.fault;
 *     return fault?.errcode === undefined ? undefined : { code: fault.errcode, message: fault.detail };
 *   },
 * };
 * ```
 */
export interface BodyReader {
  /** A name for docs and debugging. */
  readonly name: string;
  /** Must not throw; a thrown error is treated as "not my format". */
  read(body: ErrorBody): BodyFields | undefined;
}

/**
 * What header readers can tell about a failure: the fields servers send as headers, including
 * the server's explicit verdict on retrying (`Stripe-Should-Retry`, a refusing gRPC pushback).
 *
 * @example
 * ```ts
 * const hints: Hints = { requestId: 'b7c3b0a4', retryAfterMs: 3000, verdict: 'retry' };
 * ```
 */
export type Hints = Pick<Failure, 'requestId' | 'timestamp' | 'retryAfterMs' | 'quota' | 'verdict'>;

/**
 * The {@link Failure} field a {@link HintReader} fills.
 *
 * @example
 * ```ts
 * const field: HintField = 'retryAfterMs';
 * ```
 */
export type HintField = keyof Hints;

/**
 * Reads one field of a failure from the response headers (`Retry-After`, the MWS quota
 * headers, a request id header, your API's own). Each reader fills one field, and only while
 * no earlier source has filled it: that keeps the precedence a plain list order, and reading a
 * failure allocates nothing per reader.
 *
 * `headers` is whatever the client handed over: a WHATWG `Headers`, axios' `AxiosHeaders`, or
 * a plain record (got, node:http); read it with `readHeader`, which understands all of them.
 * The reader is a pure function of the headers and `now` (the clock reading, epoch ms), so
 * relative hints come out right under a test clock.
 *
 * @example
 * ```ts
 * const acmeRetryIn: HintReader<'retryAfterMs'> = {
 *   name: 'acme-retry-in',
 *   field: 'retryAfterMs',
 *   read: (headers) => {
 *     const seconds = Number(readHeader(headers, 'x-acme-retry-in'));
 *     return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
 *   },
 * };
 * ```
 */
export interface HintReader<F extends HintField = HintField> {
  /** A name for docs and debugging. */
  readonly name: string;
  /** The field this reader fills. */
  readonly field: F;
  /** Must not throw; a thrown error (or a value of the wrong type) is treated as "no hint". */
  read(headers: unknown, now: number): Hints[F] | undefined;
}

/**
 * Readers a policy (or a `normalizeFailure` call) adds in front of the built-in ones.
 *
 * @example
 * ```ts
 * const readers: FailureReaders = { body: [acmeBody] };
 * const policy = definePolicy(spec, { readers });
 * ```
 */
export interface FailureReaders {
  /** Tried in order before the built-in body readers; the first that returns fields wins. */
  readonly body?: readonly BodyReader[];
  /**
   * Tried in order before the built-in header readers; for each field the first value wins.
   * A request id from the body still wins over one from a header.
   */
  readonly hints?: readonly HintReader[];
}

/**
 * A set of the library's own readers, in the order they are tried: `body` readers, then `hints`,
 * then (after the error object's own request id) `fallbackHints`. `BUILT_IN_READERS` is the
 * whole set; a prebuilt policy carries the part its API's documents describe. The readers are
 * trusted: they are not guarded like a user's.
 *
 * @example
 * ```ts
 * const set: ReaderSet = { body: [scraperJsonReader], hints: [retryAfterHint], fallbackHints: [] };
 * ```
 */
export interface ReaderSet {
  readonly body: readonly BodyReader[];
  readonly hints: readonly HintReader[];
  readonly fallbackHints: readonly HintReader[];
}

/**
 * A {@link ReaderSet} as the library's own sets are (`BUILT_IN_READERS`, the prebuilt policies'):
 * with, when their API has client packages, how to recognise those packages' error classes.
 * Internal: the shapes read the classifier's own types, so the public type leaves them out, and a
 * set a user builds recognises none.
 *
 * @example
 * ```ts
 * const set: LibraryReaderSet = { body: [spApiJsonReader], hints: [], fallbackHints: [amznRequestIdHint], clients: SP_API_CLIENT_ERRORS };
 * ```
 */
export interface LibraryReaderSet extends ReaderSet {
  /** The client packages' error classes, tried on a cause chain node the generic checks did not classify. */
  readonly clients?: ClientErrors;
  /**
   * The hint readers that may answer a failure carrying no headers (a thrown `Error` with a
   * `status`), run in place of `hints` and `fallbackHints` there. The library's own readers read
   * headers only, so its sets say `[]`, and a user's checked hint readers are all that is left:
   * the commonest failure of all then costs no header lookups. Absent: every reader runs.
   */
  readonly headerlessHints?: readonly HintReader[];
}

/**
 * The readers a policy reads failures with: the user's own (`body`, `hints`, from
 * `definePolicy`'s extras, tried first and guarded), then `builtIn`, the library's. A policy from
 * `definePolicy` has every built-in reader; a prebuilt policy (`mwsPolicy`, `scraperPolicy`,
 * `spApiPolicy`) has only the ones for what its API sends, so an application bundles no other
 * reader. Pass it to `normalizeFailure` to read a failure exactly as the policy does.
 *
 * @example
 * ```ts
 * mwsPolicy.readers.builtIn.body.map((reader) => reader.name); // ['mws-xml']
 * const failure = await normalizeFailure(response, { readers: mwsPolicy.readers });
 * ```
 */
export interface PolicyReaders extends FailureReaders {
  /** The library's readers the policy reads with, after the user's. */
  readonly builtIn: ReaderSet;
}

/**
 * {@link PolicyReaders} as `definePolicy` and the prebuilt policies make them: with `inOrder`,
 * every reader the policy reads with in the order they are tried (the user's, checked, then the
 * library's), resolved once when the policy is made, so reading a failure runs trusted lists only
 * and a policy without readers of its own bundles no checking code. Internal: `inOrder` is not
 * enumerable, and the public type leaves it out.
 *
 * @example
 * ```ts
 * (mwsPolicy.readers as CompiledReaders).inOrder === mwsPolicy.readers.builtIn; // true: no readers of its own
 * ```
 */
export interface CompiledReaders extends PolicyReaders {
  readonly inOrder: LibraryReaderSet;
}
