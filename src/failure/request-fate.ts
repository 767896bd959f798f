import type { Failure } from './failure.js';

/**
 * Whether a failed request may have been processed by the server: `not-processed` when the
 * evidence shows it never reached the server, or the server refused it without acting on it;
 * `maybe-processed` otherwise. A retry of a request that may have been processed can duplicate
 * its effect (an order, a feed submission, a charge); `idempotent: false` retries only the others.
 *
 * @example
 * ```ts
 * requestFate({ kind: 'network', code: 'ECONNREFUSED' }); // 'not-processed'
 * requestFate({ kind: 'network', code: 'ECONNRESET' }); // 'maybe-processed'
 * ```
 */
export type RequestFate = 'not-processed' | 'maybe-processed';

/**
 * Reads a failure's {@link RequestFate} from the evidence the normalizer keeps, conservatively:
 * anything not proven unprocessed may have been processed.
 *
 * - Never sent: the connection was refused or never made (`ECONNREFUSED`, DNS failures
 *   `ENOTFOUND`/`EAI_AGAIN`, unreachable hosts and networks, undici's `UND_ERR_CONNECT_TIMEOUT`,
 *   TLS handshake and certificate errors), or Node's own message says the connect or lookup step
 *   failed (`connect ETIMEDOUT …`, `getaddrinfo …`), or got's timeout names the lookup, connect or
 *   TLS phase (`Timeout awaiting 'connect' for 500ms`).
 * - Refused without processing: 429 (RFC 6585: too many requests), 503 with a `Retry-After`
 *   (the server asks to come back: RFC 9110 §15.6.4), 408 (the server timed out waiting for the
 *   request), and the other 4xx (the server answered that it did not accept the request).
 * - Everything else may have been processed: a connection reset or closed after the request was
 *   written (`ECONNRESET`, `EPIPE`, undici's `UND_ERR_SOCKET`), a timeout waiting for the answer,
 *   an abort, 500/502/504 and a 503 without a hint, an unknown failure.
 *
 * @example
 * ```ts
 * requestFate({ kind: 'http', status: 503, retryAfterMs: 2000 }); // 'not-processed'
 * requestFate({ kind: 'timeout', message: "Timeout awaiting 'response' for 5000ms" }); // 'maybe-processed'
 * ```
 */
export function requestFate(failure: Failure): RequestFate {
  switch (failure.kind) {
    case 'http':
      return httpFate(failure.status, failure.retryAfterMs);
    case 'network':
      return neverSent(failure.code, failure.message) ? 'not-processed' : 'maybe-processed';
    case 'timeout':
      return failure.message !== undefined && GOT_EARLY_PHASE_TIMEOUT.test(failure.message) ? 'not-processed' : 'maybe-processed';
    case 'abort':
    case 'unknown':
      return 'maybe-processed';
    default:
      return failure.kind satisfies never;
  }
}

function httpFate(status: number | undefined, retryAfterMs: number | undefined): RequestFate {
  if (status === undefined) return 'maybe-processed';
  if (status === 503) return retryAfterMs === undefined ? 'maybe-processed' : 'not-processed';
  return status >= 400 && status < 500 ? 'not-processed' : 'maybe-processed';
}

function neverSent(code: string | undefined, message: string | undefined): boolean {
  if (code !== undefined && (NEVER_SENT_CODES.has(code) || code.startsWith('ERR_TLS_') || CERTIFICATE_CODE.test(code))) return true;
  // Node names the failed step in the message: "connect ECONNREFUSED 127.0.0.1:443", "getaddrinfo ENOTFOUND host".
  return message !== undefined && /^(connect|getaddrinfo) E[A-Z]+/.test(message);
}

const NEVER_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** OpenSSL's certificate verification codes, as Node reports them. */
const CERTIFICATE_CODE = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$)/;

/** got's TimeoutError message names its phase: lookup, connect and secureConnect come before the request is sent. */
const GOT_EARLY_PHASE_TIMEOUT = /^Timeout awaiting '(lookup|connect|secureConnect)'/;
