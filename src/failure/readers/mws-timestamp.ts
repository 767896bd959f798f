import { readHeader } from '../headers.js';
import type { HintReader } from './reader.js';

/**
 * Amazon MWS `x-mws-timestamp`: the server's time for the request, kept verbatim (it is for
 * the journal and for support tickets, not for arithmetic).
 *
 * @example
 * ```ts
 * mwsTimestampHint.read({ 'x-mws-timestamp': '2024-01-10T11:59:59.123Z' }, Date.now()); // '2024-01-10T11:59:59.123Z'
 * ```
 */
export const mwsTimestampHint: HintReader<'timestamp'> = {
  name: 'mws-timestamp',
  field: 'timestamp',
  read: (headers) => readHeader(headers, 'x-mws-timestamp'),
};
