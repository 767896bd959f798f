import { asText, safeGet } from '../safe-read.js';
import type { BodyFields, BodyReader } from './reader.js';

/**
 * The scraper API's JSON error body `{error, message, docs_url, request_id}`, plus the common
 * variants `{code, message, requestId}` and `{error: {code, message, request_id}}`. Reads the
 * parsed JSON (or the object a client already parsed, such as axios' `response.data`); a body
 * that is not JSON, or JSON with none of these fields, is not its format.
 *
 * @example
 * ```ts
 * scraperJsonReader.read({
 *   text: undefined,
 *   json: { error: 'rate_limited', message: 'slow down', docs_url: 'https://…', request_id: 'req_1' },
 * }); // { code: 'rate_limited', message: 'slow down', requestId: 'req_1' }
 * ```
 */
export const scraperJsonReader: BodyReader = { name: 'scraper-json', read: ({ json }) => readJsonError(json) };

function readJsonError(body: unknown): BodyFields | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const error = safeGet(body, 'error');
  // `error` is the code itself in the scraper API's format, and an object in the nested variant.
  const nested = error !== null && typeof error === 'object' ? error : undefined;
  const code = asText(error, 200) ?? asText(safeGet(body, 'code'), 200) ?? asText(safeGet(nested, 'code'), 200);
  const message = asText(safeGet(body, 'message')) ?? asText(safeGet(nested, 'message'));
  const requestId =
    asText(safeGet(body, 'request_id'), 200) ?? asText(safeGet(body, 'requestId'), 200) ?? asText(safeGet(nested, 'request_id'), 200);
  return code === undefined && message === undefined && requestId === undefined ? undefined : { code, message, requestId };
}
