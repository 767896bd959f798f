/**
 * Error codes that mean "the request never got an answer": Node's socket and DNS errors and
 * undici's transport errors. `fetch` in Node throws `TypeError('fetch failed')` and puts one of
 * these in `cause`, so the normalizer looks for them along the whole cause chain.
 */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENETRESET',
]);

/**
 * undici codes that are not about the network. Most are about the caller, and retrying them
 * cannot help. The last three come with an HTTP answer (a `statusCode`): the server did answer,
 * and the error is read as that answer, never as a transport failure. Every other `UND_ERR_*`
 * (socket closed, connect/headers/body timeout, ...) is a network failure.
 */
const NON_NETWORK_UNDICI_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_ABORTED',
  'UND_ERR_INVALID_ARG',
  'UND_ERR_INVALID_RETURN_VALUE',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  // The `responseError` interceptor's ResponseError, `throwOnError`'s ResponseStatusCodeError,
  // the retry interceptor's RequestRetryError once it gives up on a status.
  'UND_ERR_RESPONSE',
  'UND_ERR_RESPONSE_STATUS_CODE',
  'UND_ERR_REQ_RETRY',
]);

/**
 * True for a Node or undici code that marks a transport failure worth classifying as `network`.
 *
 * @example
 * ```ts
 * isNetworkCode('UND_ERR_SOCKET'); // true
 * isNetworkCode('UND_ERR_ABORTED'); // false: the caller aborted
 * ```
 */
export function isNetworkCode(code: string): boolean {
  if (NETWORK_CODES.has(code)) return true;
  return code.startsWith('UND_ERR_') && !NON_NETWORK_UNDICI_CODES.has(code);
}

/**
 * The messages of the `TypeError` that `fetch` rejects with when the request got no answer (the
 * fetch standard's "network error"): Node's undici, Chromium (and msw, which rejects with the
 * `Response.error()` it was given as `cause`), Firefox, Safari, and the whatwg-fetch polyfill.
 * Browsers give no cause and no code: this message is all there is.
 */
const FETCH_NETWORK_ERROR_MESSAGES: ReadonlySet<string> = new Set([
  'fetch failed',
  'Failed to fetch',
  'NetworkError when attempting to fetch resource.',
  'Load failed',
  'Network request failed',
]);

/**
 * True for the `TypeError` fetch rejects with when the request got no answer. Only a last
 * resort: the code in its `cause` (ECONNRESET, UND_ERR_SOCKET) says more, and is read first.
 *
 * @example
 * ```ts
 * isFetchNetworkError('TypeError', 'Failed to fetch'); // true
 * isFetchNetworkError('TypeError', "Cannot read properties of undefined (reading 'x')"); // false
 * ```
 */
export function isFetchNetworkError(name: string | undefined, message: string | undefined): boolean {
  return name === 'TypeError' && message !== undefined && FETCH_NETWORK_ERROR_MESSAGES.has(message);
}
