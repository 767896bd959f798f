import { millisecondsHeaderHint } from './milliseconds-header.js';

/**
 * `retry-after-ms`: the wait in milliseconds, possibly with a fraction. OpenAI's client reads it
 * before `Retry-After` ("the `retry-after-ms` header may not be standard, but is a good idea",
 * openai-node `src/client.ts`), and Azure's SDK after it (azure-core `get_retry_after`). Here it
 * ranks after `Retry-After`: the IETF RateLimit draft says "the Retry-After field MUST take
 * precedence", and a standard header over a vendor one is the rule everywhere else in the list.
 *
 * @example
 * ```ts
 * retryAfterMsHint.read(new Headers({ 'retry-after-ms': '1500.5' }), Date.now()); // 1501
 * ```
 */
export const retryAfterMsHint = /* @__PURE__ */ millisecondsHeaderHint('retry-after-ms');
