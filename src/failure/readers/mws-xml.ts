import { asText } from '../safe-read.js';
import type { BodyFields, BodyReader } from './reader.js';

/**
 * Amazon MWS XML error bodies:
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestID/></ErrorResponse>` (some
 * sections spell it `RequestId`). Reads the text when it starts with `<`. A regular-expression
 * reader on purpose: the shape is fixed and tiny, and a full XML parser would be a dependency on
 * the failure path.
 *
 * @example
 * ```ts
 * mwsXmlReader.read({
 *   text: '<ErrorResponse><Error><Type>Sender</Type><Code>RequestThrottled</Code><Message>Request is throttled</Message></Error><RequestID>e3c4</RequestID></ErrorResponse>',
 *   json: undefined,
 * }); // { code: 'RequestThrottled', message: 'Request is throttled', requestId: 'e3c4' }
 * ```
 */
export const mwsXmlReader: BodyReader = {
  name: 'mws-xml',
  read: ({ text }) => (text !== undefined && text.trimStart().startsWith('<') ? readMwsError(text) : undefined),
};

// Compiled once: this runs on every MWS failure. No `g` flag, so `exec` keeps no state between calls.
const ERROR = /<Error>([\s\S]*?)<\/Error>/;
const CODE = /<Code>([^<]*)<\/Code>/;
const MESSAGE = /<Message>([^<]*)<\/Message>/;
const REQUEST_ID = /<RequestID>([^<]*)<\/RequestID>/;
const REQUEST_ID_LOWER = /<RequestId>([^<]*)<\/RequestId>/;

function readMwsError(xml: string): BodyFields | undefined {
  // Code and Message are read inside <Error> when there is one: other sections may reuse the names.
  const error = ERROR.exec(xml)?.[1] ?? xml;
  const code = xmlText(error, CODE);
  const message = xmlText(error, MESSAGE);
  const requestId = xmlText(xml, REQUEST_ID) ?? xmlText(xml, REQUEST_ID_LOWER);
  return code === undefined && message === undefined && requestId === undefined ? undefined : { code, message, requestId };
}

function xmlText(xml: string, element: RegExp): string | undefined {
  const found = element.exec(xml)?.[1];
  return found === undefined ? undefined : asText(decodeXmlEntities(found));
}

function decodeXmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  // `&amp;` last, so `&amp;lt;` becomes the text `&lt;`, not `<`.
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
