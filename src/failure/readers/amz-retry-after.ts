import { millisecondsHeaderHint } from './milliseconds-header.js';

/**
 * AWS `x-amz-retry-after`: the wait in milliseconds. The smithy-typescript retry middleware reads
 * it as `Number(value)` milliseconds (`parseRetryAfterHeader.ts`: "Failed to parse
 * x-amz-retry-after"); here only a plain non-negative decimal counts, so an empty value is not a
 * zero wait.
 *
 * @example
 * ```ts
 * amzRetryAfterHint.read({ 'x-amz-retry-after': '1200' }, Date.now()); // 1200
 * ```
 */
export const amzRetryAfterHint = /* @__PURE__ */ millisecondsHeaderHint('x-amz-retry-after');
