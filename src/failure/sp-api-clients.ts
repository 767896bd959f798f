import type { Classified, ClientErrors, HttpAnswer } from './classify.js';
import { bareFailure } from './failure-draft.js';
import { asText, safeGet } from './safe-read.js';

/**
 * The error classes of the JavaScript SP-API clients, for `classify`: amazon-sp-api's
 * `CustomError`, which keeps the SP-API code but not the status, and
 * @scaleleap/selling-partner-api-sdk's `SellingPartner*Error`, which wraps the AxiosError and
 * keeps the first error's code and the request id itself. In `BUILT_IN_READERS` and
 * `spApiPolicy`'s readers (the clients call SP-API, nothing else).
 *
 * @example
 * ```ts
 * classify(await getOrders().catch((e) => e), SP_API_CLIENT_ERRORS); // { kind: 'http', status: 429, code: 'QuotaExceeded', ... }
 * ```
 */
export const SP_API_CLIENT_ERRORS: ClientErrors = {
  classifyNode: (node, code, message) => (isAmazonSpApiError(node) ? classifyAmazonSpApi(node, code, message) : undefined),
  withWrapperFields,
};


/**
 * The HTTP status an SP-API error code stands for, for clients that throw the code without the
 * status (amazon-sp-api). From the responses of Amazon's API models
 * (amzn/selling-partner-api-models at 34dc93fe, every sandbox example counted by the status it
 * sits under), where each of these codes sits under one status:
 * `InvalidInput` mostly under 400 (some 422), `BadRequest` 400, `NotFound` 404, `QuotaExceeded`,
 * `TooManyRequests` and `RequestThrottled` 429, `InternalFailure`, `InternalError` and
 * `InternalServerError` 500, `ServiceUnavailable` 503. `AccessDenied` is 403 (the
 * `x-amzn-ErrorType: AccessDeniedException` of the response-format page; S3 answers a document
 * download with it too).
 *
 * `Unauthorized` appears as often under 401 as under 403 (26 examples each). It is 403 here:
 * the 403 description names it ("Access Denied, Unauthorized, Expired Token, or Invalid
 * Signature"), the one case a retry table acts on, an expired access token, is a 403
 * `Unauthorized`, and amazon-sp-api itself only refreshes a token on a 403 `Unauthorized`.
 * Codes the models give several statuses (`InvalidRequest`: 400, 403, 413, 415;
 * `ResourceNotFound`: 400) are left out: a guessed status would be wrong in the journal.
 */
const SP_API_CODE_STATUS: ReadonlyMap<string, number> = new Map([
  ['InvalidInput', 400],
  ['BadRequest', 400],
  ['Unauthorized', 403],
  ['AccessDenied', 403],
  ['NotFound', 404],
  ['QuotaExceeded', 429],
  ['TooManyRequests', 429],
  ['RequestThrottled', 429],
  ['InternalFailure', 500],
  ['InternalError', 500],
  ['InternalServerError', 500],
  ['ServiceUnavailable', 503],
]);

/**
 * The status an SP-API error code stands for, when the code pins one down.
 *
 * @example
 * ```ts
 * spApiCodeStatus('QuotaExceeded'); // 429
 * spApiCodeStatus('InvalidRequest'); // undefined: the models use it with four statuses
 * ```
 */
export function spApiCodeStatus(code: string): number | undefined {
  return SP_API_CODE_STATUS.get(code);
}

/**
 * amazon-sp-api's own timeouts (`lib/TimeoutManager.js`): no first byte within `response` ms,
 * no next chunk within `idle` ms, the body not complete within `deadline` ms. It destroys the
 * request with these, so they are what the call throws.
 */
const AMAZON_SP_API_TIMEOUT_CODES: ReadonlySet<string> = new Set(['API_RESPONSE_TIMEOUT', 'API_IDLE_TIMEOUT', 'API_DEADLINE_TIMEOUT']);

/**
 * True for one of amazon-sp-api's timeout codes.
 *
 * @example
 * ```ts
 * isAmazonSpApiTimeout('API_RESPONSE_TIMEOUT'); // true
 * ```
 */
export function isAmazonSpApiTimeout(code: string): boolean {
  return AMAZON_SP_API_TIMEOUT_CODES.has(code);
}

/**
 * True for an error thrown by amazon-sp-api (amz-tools): its `lib/CustomError.js` is a
 * `class CustomError extends Error` that copies every key of the error it is given (for an API
 * error, the body's `errors[0]`: `code`, `message`, `details`), sets `type` to `'error'` unless
 * that error had one, and sets no name of its own. It carries no status, headers or request id.
 * Recognised by all of that together, so an unrelated error with `code: 'NotFound'` is not
 * taken for an SP-API answer. (A bundler that renames classes hides it: it is then `unknown`.)
 *
 * @example
 * ```ts
 * isAmazonSpApiError(new CustomError({ code: 'QuotaExceeded', message: '…' })); // true
 * isAmazonSpApiError(Object.assign(new Error('gone'), { code: 'NotFound' })); // false
 * ```
 */
export function isAmazonSpApiError(node: object): boolean {
  try {
    return (
      node instanceof Error &&
      safeGet(safeGet(node, 'constructor'), 'name') === 'CustomError' &&
      safeGet(node, 'type') === 'error' &&
      safeGet(node, 'name') === 'Error'
    );
  } catch {
    // `instanceof` asks a proxy for its prototype, and a hostile proxy may throw.
    return false;
  }
}

/**
 * The SP-API error body an amazon-sp-api error was made from, rebuilt from the fields it
 * copied: `{ errors: [{ code, message, details }] }`. Handed to the body readers like any body
 * in memory, so the failure lists the error (with its `details`, where Amazon says "The access
 * token you provided has expired.") as the other SP-API clients' failures do.
 *
 * @example
 * ```ts
 * amazonSpApiBody(error, 'Unauthorized', 'Access to requested resource is denied.');
 * // { errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details: 'The access token you provided has expired.' }] }
 * ```
 */
export function amazonSpApiBody(node: object, code: string, message: string | undefined): { readonly errors: readonly object[] } {
  return { errors: [serverError(node, code, message)] };
}

/** One entry of an SP-API `errors` list, from an error object that copied its fields. */
function serverError(node: object, code: string, message: string | undefined): Record<string, string> {
  const error: Record<string, string> = { code };
  if (message !== undefined) error['message'] = message;
  const details = asText(safeGet(node, 'details'));
  if (details !== undefined) error['details'] = details;
  return error;
}

/**
 * The error classes of @scaleleap/selling-partner-api-sdk (`src/types/errors`), which wrap the
 * AxiosError in `cause`. `SellingPartnerUnknownError` is left out: it is made for a body whose
 * `errors` list was empty, and its `code` is then axios' own (or `'UnknownError'`).
 */
const SCALELEAP_ERRORS: ReadonlySet<string> = new Set([
  'SellingPartnerGenericError',
  'SellingPartnerBadRequestError',
  'SellingPartnerForbiddenError',
  'SellingPartnerNotFoundError',
  'SellingPartnerRequestTooLongError',
  'SellingPartnerUnsupportedMediaTypeError',
  'SellingPartnerTooManyRequestsError',
  'SellingPartnerInternalServerError',
  'SellingPartnerServiceUnavailableError',
]);

/**
 * The @scaleleap/selling-partner-api-sdk error whose `cause` is `answer`, if there is one in the
 * chain. Its `apiErrorFactory` takes the first error out of the response's list
 * (`data.errors.shift()`) and keeps it as its own `code`, `message` and `details`, with the
 * `x-amzn-RequestId` header as `requestId`; the status stays on the AxiosError in `cause`.
 *
 * @param chain - the cause chain, root first (see `causeChain`)
 * @param answer - the chain node that carries the HTTP status
 * @example
 * ```ts
 * const wrapper = scaleLeapWrapperOf(causeChain(error), axiosError); // the SellingPartnerTooManyRequestsError
 * ```
 */
export function scaleLeapWrapperOf(chain: readonly object[], answer: object): object | undefined {
  for (const node of chain) {
    if (node === answer) return undefined; // wrappers come before what they wrap
    if (safeGet(node, 'cause') === answer && SCALELEAP_ERRORS.has(String(safeGet(safeGet(node, 'constructor'), 'name')))) return node;
  }
  return undefined;
}

/** As many errors as the SP-API body reader keeps. */
const MAX_ERRORS = 20;

/**
 * The response body as the server sent it, for a ScaleLeap wrapper: its own error put back in
 * front of what `shift()` left in the list. Without this the body would name the second error,
 * or none, and the failure would lose the code the wrapper kept.
 *
 * @param wrapper - a ScaleLeap error (see {@link scaleLeapWrapperOf})
 * @param body - the AxiosError's `response.data`, as the factory left it
 * @example
 * ```ts
 * scaleLeapBody(wrapper, { errors: [] }); // { errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }] }
 * ```
 */
export function scaleLeapBody(wrapper: object, body: unknown): unknown {
  const code = asText(safeGet(wrapper, 'code'), 200);
  if (code === undefined) return body;
  const errors: unknown[] = [serverError(wrapper, code, asText(safeGet(wrapper, 'message')))];
  const rest = safeGet(body, 'errors');
  if (Array.isArray(rest)) {
    // Read entry by entry, and no further than a body reader would: the list is the server's.
    const length = Number(safeGet(rest, 'length'));
    for (let i = 0; i < length && errors.length < MAX_ERRORS; i++) errors.push(safeGet(rest, i));
  }
  return { errors };
}

/**
 * An HTTP answer found below a wrapper that kept part of it: @scaleleap/selling-partner-api-sdk
 * takes the first SP-API error out of the AxiosError's body and keeps its code and the request
 * id itself, so they are read from the wrapper and the status from the AxiosError.
 */
function withWrapperFields(answer: HttpAnswer, chain: readonly object[], node: object): HttpAnswer {
  const wrapper = scaleLeapWrapperOf(chain, node);
  if (wrapper === undefined) return answer;
  return {
    ...answer,
    code: asText(safeGet(wrapper, 'code'), 200) ?? answer.code,
    message: asText(safeGet(wrapper, 'message')) ?? answer.message,
    requestId: asText(safeGet(wrapper, 'requestId'), 200) ?? answer.requestId,
    body: answer.response === undefined ? scaleLeapBody(wrapper, answer.body) : undefined,
  };
}

/**
 * An error thrown by amazon-sp-api, which keeps the SP-API error's code but not the status:
 * the status the code stands for (see `spApiCodeStatus`), with the error rebuilt as the body
 * the SP-API reader reads. Its own timeouts are timeouts. Any other library code of its
 * (`JSON_PARSE_ERROR` for a body that is not JSON, whatever its status; a missing credential;
 * a Login with Amazon error) is left to the rest of the classification, which makes it
 * `unknown` with its code: a table can still match the code.
 */
function classifyAmazonSpApi(node: object, code: string, message: string | undefined): Classified | undefined {
  if (isAmazonSpApiTimeout(code)) return bareFailure('timeout', code, message);
  const status = spApiCodeStatus(code);
  if (status === undefined) return undefined;
  return { kind: 'http', status, code, message, requestId: undefined, headers: undefined, response: undefined, body: amazonSpApiBody(node, code, message) };
}
