import { safeGet } from './safe-read.js';

/**
 * The smallest part of the fetch `Response` interface retry-table needs.
 *
 * @example
 * ```ts
 * const response: ResponseLike = new Response(null, { status: 503 });
 * ```
 */
export interface ResponseLike {
  readonly status: number;
  readonly headers: unknown;
  readonly body?: unknown;
  clone(): { readonly body: ReadableStream<Uint8Array> | null };
}

/**
 * True for a fetch `Response` (or anything shaped like one). Never throws.
 *
 * @example
 * ```ts
 * isResponseLike(new Response(null, { status: 503 })); // true
 * isResponseLike({ status: 503 }); // false: no clone(), no headers
 * ```
 */
export function isResponseLike(value: unknown): value is ResponseLike {
  return (
    typeof safeGet(value, 'status') === 'number' &&
    typeof safeGet(value, 'clone') === 'function' &&
    typeof safeGet(value, 'headers') === 'object'
  );
}

/**
 * A response a wrapped call returned that counts as a failure: status 400 or more.
 *
 * @example
 * ```ts
 * isFailedResponse(new Response(null, { status: 429 })); // true
 * isFailedResponse(new Response('ok')); // false
 * ```
 */
export function isFailedResponse(value: unknown): value is ResponseLike {
  // Cheap checks first: this runs on every successful call, and a success (status < 400) is
  // told by its status alone, without reading headers or clone.
  if (typeof value !== 'object' || value === null) return false;
  const status = safeGet(value, 'status');
  return typeof status === 'number' && status >= 400 && isResponseLike(value);
}
