import { mwsQuotaHint } from './mws-quota.js';
import { mwsTimestampHint } from './mws-timestamp.js';
import { mwsXmlReader } from './mws-xml.js';
import type { BodyReader, HintReader } from './reader.js';
import { amznRequestIdHint, mwsRequestIdHint, requestIdHint } from './request-id.js';
import { retryAfterHint } from './retry-after.js';
import { scraperJsonReader } from './scraper-json.js';
import { spApiJsonReader } from './sp-api-json.js';

/**
 * The built-in readers, in the order they are tried. This list is the precedence, and it is
 * the only place that says it:
 *
 * - `body`: the first reader that returns fields wins (a user's body readers go first).
 *   The body's code, message and request id win over the error object's own: the server
 *   knows its own code better than the client library that wrapped it.
 * - each failure field takes the first value found, in this order: the body, the user's hint
 *   readers, `hints`, the error object's own request id (AWS SDK v3 `$metadata.requestId`),
 *   then `fallbackHints`. So a request id is taken from the body, then `x-mws-request-id`,
 *   then `$metadata.requestId`, then `x-amzn-requestid`, then `x-request-id`.
 *
 * @example
 * ```ts
 * BUILT_IN_READERS.body.map((reader) => reader.name); // ['sp-api-json', 'scraper-json', 'mws-xml']
 * ```
 */
export const BUILT_IN_READERS: {
  readonly body: readonly BodyReader[];
  readonly hints: readonly HintReader[];
  readonly fallbackHints: readonly HintReader[];
} = {
  // Exclusive formats (JSON is never XML; SP-API's list is `errors`, the scraper's `error`), so
  // their order only matters for a user's formats.
  body: [spApiJsonReader, scraperJsonReader, mwsXmlReader],
  // One field each, so the order among them only matters within a field.
  hints: [mwsRequestIdHint, mwsTimestampHint, retryAfterHint, mwsQuotaHint],
  // Generic request id headers, which the error object's own request id outranks.
  fallbackHints: [amznRequestIdHint, requestIdHint],
};
