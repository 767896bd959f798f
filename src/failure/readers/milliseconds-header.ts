import { readHeader } from '../headers.js';
import { millisecondsOf } from './header-numbers.js';
import type { HintReader } from './reader.js';

/**
 * A reader of one header that gives the wait in milliseconds, such as OpenAI's and Azure's
 * `retry-after-ms` or AWS's `x-amz-retry-after`: a non-negative decimal, rounded up to whole
 * milliseconds. Anything else (a negative, a date, garbage) is no hint, so a lower-ranked header
 * or the policy's schedule decides.
 *
 * @param header - the header's name, in any case
 * @example
 * ```ts
 * const readers: FailureReaders = { hints: [millisecondsHeaderHint('x-acme-retry-in-ms')] };
 * millisecondsHeaderHint('x-acme-retry-in-ms').read({ 'x-acme-retry-in-ms': '250' }, Date.now()); // 250
 * ```
 */
export function millisecondsHeaderHint(header: string): HintReader<'retryAfterMs'> {
  return {
    name: header,
    field: 'retryAfterMs',
    read: (headers) => {
      const text = readHeader(headers, header);
      return text === undefined ? undefined : millisecondsOf(text);
    },
  };
}
