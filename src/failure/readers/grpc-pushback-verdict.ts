import { readHeader } from '../headers.js';
import { parseGrpcPushback } from './grpc-pushback.js';
import type { HintReader } from './reader.js';

/**
 * gRPC `grpc-retry-pushback-ms` as a verdict: a negative or unparseable value means "the server
 * asking the client not to retry at all" (gRFC A6, §Pushback), so `'stop'`. A valid wait gives no
 * verdict: pushing back says when, not whether (the wait is `grpcPushbackHint`'s).
 *
 * @example
 * ```ts
 * grpcPushbackVerdictHint.read({ 'grpc-retry-pushback-ms': '-1' }, Date.now()); // 'stop'
 * grpcPushbackVerdictHint.read({ 'grpc-retry-pushback-ms': '250' }, Date.now()); // undefined
 * ```
 */
export const grpcPushbackVerdictHint: HintReader<'verdict'> = {
  name: 'grpc-retry-pushback-verdict',
  field: 'verdict',
  read: (headers) => {
    const text = readHeader(headers, 'grpc-retry-pushback-ms');
    return text !== undefined && parseGrpcPushback(text) === 'stop' ? 'stop' : undefined;
  },
};
