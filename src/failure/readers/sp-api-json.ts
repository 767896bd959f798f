import type { ServerError } from '../failure.js';
import { asText, safeGet } from '../safe-read.js';
import type { BodyFields, BodyReader } from './reader.js';

/** A body listing more errors than this is cut: the journal keeps data, not whatever a server sends. */
const MAX_ERRORS = 20;

/**
 * Amazon Selling Partner API's JSON error body, from its "Response format" page and every API
 * model's `ErrorList`: `{"errors":[{"code":"InvalidInput","message":"…","details":"…"}]}`,
 * `code` and `message` required, `details` optional. The failure's `code` and `message` are the
 * first error's; `errors` keeps all of them. (The request id comes in the `x-amzn-RequestId`
 * header, which a header reader takes.)
 *
 * @example
 * ```ts
 * spApiJsonReader.read({ text: undefined, json: { errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }] } });
 * // { code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.', errors: [...] }
 * ```
 */
export const spApiJsonReader: BodyReader = { name: 'sp-api-json', read: ({ json }) => readErrorList(json) };

function readErrorList(body: unknown): BodyFields | undefined {
  const list = safeGet(body, 'errors');
  if (!Array.isArray(list)) return undefined;
  const errors: ServerError[] = [];
  for (let i = 0; i < list.length && errors.length < MAX_ERRORS; i++) {
    const code = asText(safeGet(list[i], 'code'), 200);
    if (code === undefined) continue;
    const error: { -readonly [K in keyof ServerError]: ServerError[K] } = { code };
    const message = asText(safeGet(list[i], 'message'));
    if (message !== undefined) error.message = message;
    const details = asText(safeGet(list[i], 'details'));
    if (details !== undefined) error.details = details;
    errors.push(error);
  }
  const first = errors[0];
  if (first === undefined) return undefined;
  return { code: first.code, message: first.message, errors };
}
