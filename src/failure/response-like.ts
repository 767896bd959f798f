import { safeGet } from './safe-read.js';

/** The smallest part of the fetch `Response` interface retry-table needs. */
export interface ResponseLike {
  readonly status: number;
  readonly headers: unknown;
  readonly body?: unknown;
  clone(): { readonly body: ReadableStream<Uint8Array> | null };
}

/** True for a fetch `Response` (or anything shaped like one). Never throws. */
export function isResponseLike(value: unknown): value is ResponseLike {
  return (
    typeof safeGet(value, 'status') === 'number' &&
    typeof safeGet(value, 'clone') === 'function' &&
    typeof safeGet(value, 'headers') === 'object'
  );
}

/** A response a wrapped call returned that counts as a failure: status 400 or more. */
export function isFailedResponse(value: unknown): value is ResponseLike {
  // Cheap checks first: this runs on every successful call.
  return typeof value === 'object' && value !== null && isResponseLike(value) && value.status >= 400;
}
