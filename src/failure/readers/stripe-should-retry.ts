import { readHeader } from '../headers.js';
import type { HintReader } from './reader.js';

/**
 * Stripe `Stripe-Should-Retry`: `true` is `'retry'`, `false` is `'stop'`. stripe-node compares
 * the exact strings ("The API may ask us not to retry (e.g., if doing so would be a no-op) or
 * advise us to retry (e.g., in cases of lock timeouts); we defer to that", `RequestSender.ts`),
 * so only lowercase `true` and `false` count (after trimming); `TRUE` or `1` is no verdict.
 *
 * @example
 * ```ts
 * stripeShouldRetryHint.read(new Headers({ 'Stripe-Should-Retry': 'false' }), Date.now()); // 'stop'
 * stripeShouldRetryHint.read({ 'stripe-should-retry': 'yes' }, Date.now()); // undefined
 * ```
 */
export const stripeShouldRetryHint: HintReader<'verdict'> = {
  name: 'stripe-should-retry',
  field: 'verdict',
  read: (headers) => {
    const text = readHeader(headers, 'stripe-should-retry');
    return text === 'true' ? 'retry' : text === 'false' ? 'stop' : undefined;
  },
};
