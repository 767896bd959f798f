import type { ErrorBody } from './readers/reader.js';

/**
 * Bodies longer than this are cut before parsing: an error body is small, a huge one is noise.
 *
 * @example
 * ```ts
 * errorBodyFromText('x'.repeat(100_000))?.text?.length; // 65536
 * ```
 */
export const MAX_BODY_CHARS = 64 * 1024;

/**
 * An error body's text as the readers see it: cut to {@link MAX_BODY_CHARS}, and parsed once
 * when it looks like JSON, so no reader parses it again. Undefined for an empty body, which no
 * reader could read anything from.
 *
 * @example
 * ```ts
 * errorBodyFromText('{"error":"rate_limited"}'); // { text: '{"error":"rate_limited"}', json: { error: 'rate_limited' } }
 * errorBodyFromText('<ErrorResponse/>'); // { text: '<ErrorResponse/>', json: undefined }
 * ```
 */
export function errorBodyFromText(text: string): ErrorBody | undefined {
  if (text === '') return undefined;
  const head = text.length > MAX_BODY_CHARS ? text.slice(0, MAX_BODY_CHARS) : text;
  return { text: head, json: parseIfJson(head) };
}

/**
 * An error body a client already holds in memory, in any form it hands it over: a string (got's
 * `response.body`), bytes (a `Buffer`), or an already-parsed object (axios' `response.data`).
 * Undefined when there is no body to read.
 *
 * @example
 * ```ts
 * errorBodyOf({ error: 'rate_limited' }); // { text: undefined, json: { error: 'rate_limited' } }
 * errorBodyOf(undefined); // undefined
 * ```
 */
export function errorBodyOf(body: unknown): ErrorBody | undefined {
  if (typeof body === 'string') return errorBodyFromText(body);
  if (body instanceof Uint8Array) return errorBodyFromText(decodeBytes(body));
  if (body instanceof ArrayBuffer) return errorBodyFromText(decodeBytes(new Uint8Array(body)));
  if (body !== null && typeof body === 'object') return { text: undefined, json: body };
  return undefined;
}

/**
 * Objects and arrays only: a bare JSON string or number says nothing a reader could use, and
 * a text that merely starts like JSON but is cut or malformed is left to the text readers.
 */
function parseIfJson(text: string): unknown {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed;
  } catch {
    return undefined;
  }
}

function decodeBytes(bytes: Uint8Array): string {
  const head = bytes.length > MAX_BODY_CHARS ? bytes.subarray(0, MAX_BODY_CHARS) : bytes;
  return new TextDecoder('utf-8', { fatal: false }).decode(head);
}
