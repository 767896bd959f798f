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
 * undici codes that are about the caller, not the network: retrying them cannot help.
 * Every other `UND_ERR_*` (socket closed, connect/headers/body timeout, ...) is a network failure.
 */
const NON_NETWORK_UNDICI_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_ABORTED',
  'UND_ERR_INVALID_ARG',
  'UND_ERR_INVALID_RETURN_VALUE',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
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
