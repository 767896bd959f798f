import { causeChain } from './cause-chain.js';
import type { Failure, FailureKind } from './failure.js';
import { bareFailure } from './failure-draft.js';
import { isFetchNetworkError, isNetworkCode } from './network-codes.js';
import { isResponseLike, type ResponseLike } from './response-like.js';
import { asFiniteNumber, asText, safeGet } from './safe-read.js';

/**
 * An HTTP answer found in a thrown or returned value: the status, what the error object itself
 * says, and where the headers and the body are. Not yet a {@link Failure}: the body and header
 * readers complete it (see `normalizeFailure`).
 *
 * @example
 * ```ts
 * const answer = classify(new Response('{"error":"rate_limited"}', { status: 429 }));
 * // { kind: 'http', status: 429, headers: Headers {...}, response: the Response, ... }
 * ```
 */
export interface HttpAnswer {
  readonly kind: 'http';
  readonly status: number;
  /** The server's code as the error object carries it; a client library's own code is left out. */
  readonly code: string | undefined;
  /** The error's message, or a Response's `statusText`. */
  readonly message: string | undefined;
  /** The request id the error object carries itself (AWS SDK v3 `$metadata.requestId`). */
  readonly requestId: string | undefined;
  /** The headers in whatever shape the client uses (read with `readHeader`). */
  readonly headers: unknown;
  /** A `Response` whose body stream has to be read for the error code (asynchronously). */
  readonly response: ResponseLike | undefined;
  /** A body the client already read into memory (axios' `data`, got's `body`); undefined when `response` is set. */
  readonly body: unknown;
}

/**
 * A failure that is not an HTTP answer: complete as classified, nothing left to read.
 *
 * @example
 * ```ts
 * const failure: OtherFailure = { kind: 'network', code: 'ECONNRESET' };
 * ```
 */
export type OtherFailure = Failure & { readonly kind: Exclude<FailureKind, 'http'> };

/**
 * What {@link classify} found: an HTTP answer still to be read, or a finished failure.
 *
 * @example
 * ```ts
 * const found: Classified = classify(error);
 * if (found.kind === 'http') console.log(found.status);
 * ```
 */
export type Classified = HttpAnswer | OtherFailure;

/**
 * How to read the error classes of one family of client packages, whose answer the generic
 * checks miss or only half find: a status hidden in a code, an answer's code kept by a wrapper
 * above it. They travel with a policy's readers (`ReaderSet`'s `clients`), like the body readers:
 * the SP-API clients' (`SP_API_CLIENT_ERRORS`) are in `BUILT_IN_READERS` and `spApiPolicy`'s,
 * so a policy for another API does not bundle them.
 *
 * @example
 * ```ts
 * classify(error, SP_API_CLIENT_ERRORS); // amazon-sp-api's QuotaExceeded: { kind: 'http', status: 429, ... }
 * ```
 */
export interface ClientErrors {
  /** A chain node with a code that no generic check classified: an answer, a finished failure, or nothing. */
  readonly classifyNode: (node: object, code: string, message: string | undefined) => Classified | undefined;
  /** An HTTP answer found at `node` of `chain` (below the root), with what a wrapper above it kept. */
  readonly withWrapperFields: (answer: HttpAnswer, chain: readonly object[], node: object) => HttpAnswer;
}

/**
 * Finds the node of a thrown (or returned) value that answers what went wrong, and says what it
 * is. Tried on the value itself first and then along its `cause` chain: a fetch `Response` with
 * an error status (or anything shaped like one; `Response.error()` is a network failure), an
 * error with an HTTP status (`status`, `statusCode`, `response.status(Code)` of axios and got,
 * AWS SDK v3 `$metadata.httpStatusCode`), a `TimeoutError`, an `AbortError`, a Node or undici
 * network code, then what `clients` recognise (an amazon-sp-api error, whose SP-API code stands
 * for a status); failing all of those, fetch's own `TypeError('fetch failed')` is a network
 * failure. Anything else is `unknown` with the value's own code and message. Never throws,
 * whatever getters or proxies it meets.
 *
 * @param value - what the call threw, or the failed `Response` it returned
 * @param clients - the client packages' error classes to recognise, if any
 * @example
 * ```ts
 * const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
 * classify(new TypeError('fetch failed', { cause: reset })); // { kind: 'network', code: 'ECONNRESET', message: 'read ECONNRESET' }
 * ```
 */
export function classify(value: unknown, clients?: ClientErrors): Classified {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    return bareFailure('unknown', undefined, describePrimitive(value));
  }
  // Most failures classify on the thrown value itself; the chain is walked only when they do not.
  const found = classifyNode(value, clients) ?? classifyCauses(value, clients);
  return found ?? bareFailure('unknown', asText(safeGet(value, 'code'), 200), asText(safeGet(value, 'message')));
}

function classifyCauses(root: object, clients: ClientErrors | undefined): Classified | undefined {
  const chain = causeChain(root);
  for (let i = 1; i < chain.length; i++) {
    const found = classifyNode(chain[i]!, clients);
    if (found !== undefined) return found.kind === 'http' && clients !== undefined ? clients.withWrapperFields(found, chain, chain[i]!) : found;
  }
  // Nothing more telling anywhere in the chain: fetch's own TypeError still says no answer came
  // (a browser's has no cause; msw's may hold a Response that is no failure).
  for (const node of chain) {
    const message = asText(safeGet(node, 'message'));
    if (isFetchNetworkError(asText(safeGet(node, 'name')), message)) return bareFailure('network', undefined, message);
  }
  return undefined;
}

/**
 * One node of the cause chain: an http answer, a network code, a timeout or an abort, or nothing.
 * Plain checks rather than a ts-pattern chain: this runs on every failure, and a `.with` costs
 * about 100 ns here (bench/RESULTS.md, scenario 2).
 */
function classifyNode(node: object, clients: ClientErrors | undefined): Classified | undefined {
  if (isResponseLike(node)) return classifyResponse(node);
  const response = safeGet(node, 'response');
  const status = httpStatusOf(node, response);
  if (status !== undefined) {
    // AWS SDK v3 service errors keep the raw answer's headers on `$response` (Retry-After, x-amz-retry-after).
    const headers = safeGet(node, 'headers') ?? safeGet(response, 'headers') ?? safeGet(safeGet(node, '$response'), 'headers');
    return httpAnswer(node, status, headers, isResponseLike(response) ? response : undefined, false);
  }
  const code = asText(safeGet(node, 'code'), 200);
  const message = asText(safeGet(node, 'message'));
  const kind = kindOf(asText(safeGet(node, 'name')), code, message);
  if (kind !== undefined) return bareFailure(kind, code, message);
  // After the transport codes, which amazon-sp-api passes through as Node raised them: a reset
  // socket costs no more than before.
  return code !== undefined && clients !== undefined ? clients.classifyNode(node, code, message) : undefined;
}

/**
 * A Response is an HTTP failure only with an error status. `Response.error()` (and msw's
 * `HttpResponse.error()`, which is one) is the fetch standard's network error: status 0, type
 * "error", no answer from any server. A success or a redirect, met in a cause chain, says
 * nothing about what failed, so the rest of the chain is asked.
 */
function classifyResponse(response: ResponseLike): Classified | undefined {
  const status = errorStatus(response.status);
  if (status !== undefined) return httpAnswer(response, status, response.headers, response, true);
  if (response.status === 0 && safeGet(response, 'type') === 'error') return bareFailure('network', undefined, undefined);
  return undefined;
}

/** The kind a name or code reveals: DOMException names first, then transport codes. */
function kindOf(name: string | undefined, code: string | undefined, message: string | undefined): OtherFailure['kind'] | undefined {
  if (name === 'TimeoutError') return 'timeout';
  // axios reports its own `timeout` option as ECONNABORTED "timeout of 100ms exceeded".
  if (code === 'ECONNABORTED' && message !== undefined && /timeout/i.test(message)) return 'timeout';
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED') return 'abort';
  if (code !== undefined && isNetworkCode(code)) return 'network';
  return undefined;
}

/**
 * @param response - a Response whose body is still to be streamed, if any
 * @param isResponse - the node is that Response itself: its message is the `statusText`
 */
function httpAnswer(node: object, status: number, headers: unknown, response: ResponseLike | undefined, isResponse: boolean): HttpAnswer {
  return {
    kind: 'http',
    status,
    code: serverCodeOf(node),
    message: isResponse ? asText(safeGet(node, 'statusText')) : asText(safeGet(node, 'message')),
    requestId: asText(safeGet(safeGet(node, '$metadata'), 'requestId'), 200),
    headers,
    response,
    body: response === undefined ? bodyOf(node) : undefined,
  };
}

/**
 * `status` (fetch-like, ky), `statusCode` (got, node:http), `response.status(Code)` (axios, got),
 * `$metadata.httpStatusCode` (AWS SDK v3): the first that is an error status.
 */
function httpStatusOf(node: object, response: unknown): number | undefined {
  return (
    errorStatus(safeGet(node, 'status')) ??
    errorStatus(safeGet(node, 'statusCode')) ??
    errorStatus(safeGet(response, 'status')) ??
    errorStatus(safeGet(response, 'statusCode')) ??
    errorStatus(safeGet(safeGet(node, '$metadata'), 'httpStatusCode'))
  );
}

function errorStatus(candidate: unknown): number | undefined {
  const status = asFiniteNumber(candidate);
  return status !== undefined && Number.isInteger(status) && status >= 400 && status <= 599 ? status : undefined;
}

/**
 * The server's error code carried on the error object itself. Client-library codes such as
 * axios' `ERR_BAD_RESPONSE` / `ERR_BAD_REQUEST`, got's `ERR_NON_2XX_3XX_RESPONSE` or undici's
 * `UND_ERR_RESPONSE` (its `responseError` interceptor) describe the client, not the server's
 * answer, so they are skipped in favour of the status.
 */
function serverCodeOf(node: object): string | undefined {
  // AWS SDK v3 service exceptions carry the service's error code as their name.
  if (safeGet(node, '$metadata') !== undefined && safeGet(node, '$fault') !== undefined) return asText(safeGet(node, 'name'), 200);
  const error = asText(safeGet(node, 'error'), 200);
  if (error !== undefined) return error;
  const code = asText(safeGet(node, 'code'), 200);
  return code === undefined || CLIENT_LIBRARY_CODE.test(code) ? undefined : code;
}

/** Node-style client codes (axios, got) and undici's. */
const CLIENT_LIBRARY_CODE = /^(?:UND_)?ERR_[A-Z0-9_]+$/;

/** got's `body`, axios' `response.data`, got's `response.body`, a plain `data`: the first present. */
function bodyOf(node: object): unknown {
  const response = safeGet(node, 'response');
  return safeGet(node, 'body') ?? safeGet(response, 'data') ?? safeGet(response, 'body') ?? safeGet(node, 'data');
}

function describePrimitive(value: unknown): string | undefined {
  try {
    return value === undefined || value === null ? undefined : asText(String(value));
  } catch {
    return undefined;
  }
}
