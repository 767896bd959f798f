import { readHeader } from '../headers.js';
import { parseRetryAfter } from '../retry-after.js';
import type { HintReader } from './reader.js';

/**
 * The HTTP `Retry-After` header (RFC 9110 §10.2.3), delta-seconds or an HTTP-date, in
 * milliseconds from `now`; see `parseRetryAfter`. A value it cannot read is no hint.
 *
 * @example
 * ```ts
 * retryAfterHint.read(new Headers({ 'retry-after': '3' }), Date.now()); // 3000
 * ```
 */
export const retryAfterHint: HintReader<'retryAfterMs'> = {
  name: 'retry-after',
  field: 'retryAfterMs',
  read: (headers, now) => parseRetryAfter(readHeader(headers, 'retry-after'), now),
};
