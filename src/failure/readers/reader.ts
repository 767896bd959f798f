import type { Failure } from '../failure.js';

/**
 * An error body as the readers see it: the text when the body was text (a fetch `Response`
 * body, a string, bytes), and the parsed value when it was JSON or the client had already parsed
 * it (axios' `response.data`). Either may be undefined.
 */
export interface ErrorBody {
  /** The body's text, cut to 64 KiB; undefined when the client handed over a parsed object. */
  readonly text: string | undefined;
  /** The parsed JSON body (or the client's parsed object); undefined when the body is not JSON. */
  readonly json: unknown;
}

/** What a body reader can tell about a failure. */
export type BodyFields = Partial<Pick<Failure, 'code' | 'message' | 'requestId'>>;

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
}
