import { readHeader } from '../headers.js';
import type { HintReader } from './reader.js';

/**
 * A reader of one request id header, for APIs that name theirs differently.
 *
 * @param header - the header's name, in any case
 * @example
 * ```ts
 * const readers: FailureReaders = { hints: [requestIdHeaderHint('x-acme-trace')] };
 * ```
 */
export function requestIdHeaderHint(header: string): HintReader<'requestId'> {
  return { name: header, field: 'requestId', read: (headers) => readHeader(headers, header) };
}

/**
 * Amazon MWS `x-mws-request-id`.
 *
 * @example
 * ```ts
 * mwsRequestIdHint.read({ 'x-mws-request-id': 'b7c3b0a4' }, Date.now()); // 'b7c3b0a4'
 * ```
 */
export const mwsRequestIdHint = /* @__PURE__ */ requestIdHeaderHint('x-mws-request-id');

/**
 * AWS `x-amzn-requestid`.
 *
 * @example
 * ```ts
 * amznRequestIdHint.read({ 'x-amzn-RequestId': 'aws-1' }, Date.now()); // 'aws-1'
 * ```
 */
export const amznRequestIdHint = /* @__PURE__ */ requestIdHeaderHint('x-amzn-requestid');

/**
 * The generic `x-request-id`.
 *
 * @example
 * ```ts
 * requestIdHint.read(new Headers({ 'x-request-id': 'r-1' }), Date.now()); // 'r-1'
 * ```
 */
export const requestIdHint = /* @__PURE__ */ requestIdHeaderHint('x-request-id');
