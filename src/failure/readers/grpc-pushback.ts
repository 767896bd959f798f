import { readHeader } from '../headers.js';
import type { HintReader } from './reader.js';

/** The grammar of gRFC A6: an optionally signed decimal integer. */
const SIGNED_INTEGER = /^-?\d+$/;
const INT32_MAX = 2 ** 31 - 1;

/**
 * Reads a `grpc-retry-pushback-ms` value. gRFC A6 (§Pushback): "The value is to be an ASCII
 * encoded signed 32-bit integer with no unnecessary leading zeros that represents how many
 * milliseconds to wait before sending a retry. If the value for pushback is negative or
 * unparseble, then it will be seen as the server asking the client not to retry at all."
 * So: a non-negative 32-bit integer is the wait in ms; anything else, a decimal or a number past
 * 32 bits included, is `'stop'`. Leading zeros are accepted: they break no reading.
 *
 * @param text - the header value, as `readHeader` gives it
 * @example
 * ```ts
 * parseGrpcPushback('250'); // 250
 * parseGrpcPushback('-1'); // 'stop'
 * parseGrpcPushback('soon'); // 'stop'
 * ```
 */
export function parseGrpcPushback(text: string): number | 'stop' {
  if (!SIGNED_INTEGER.test(text)) return 'stop';
  // `+ 0` turns "-0" into 0: it is not negative, and a wait of -0 would print as one.
  const ms = Number(text) + 0;
  return ms >= 0 && ms <= INT32_MAX ? ms : 'stop';
}

/**
 * gRPC `grpc-retry-pushback-ms` (gRFC A6): a non-negative integer is the wait before the retry,
 * in ms. A negative or unreadable value is the server declining a retry; the
 * `grpcPushbackVerdictHint` reads that half.
 *
 * @example
 * ```ts
 * grpcPushbackHint.read({ 'grpc-retry-pushback-ms': '250' }, Date.now()); // 250
 * grpcPushbackHint.read({ 'grpc-retry-pushback-ms': '-1' }, Date.now()); // undefined (a verdict, not a wait)
 * ```
 */
export const grpcPushbackHint: HintReader<'retryAfterMs'> = {
  name: 'grpc-retry-pushback-ms',
  field: 'retryAfterMs',
  read: (headers) => {
    const text = readHeader(headers, 'grpc-retry-pushback-ms');
    if (text === undefined) return undefined;
    const pushback = parseGrpcPushback(text);
    return pushback === 'stop' ? undefined : pushback;
  },
};
