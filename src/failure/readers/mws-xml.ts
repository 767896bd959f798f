import { asText } from '../safe-read.js';
import type { BodyFields, BodyReader } from './reader.js';

/**
 * Amazon MWS XML error bodies:
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestID/></ErrorResponse>` (some
 * sections spell it `RequestId`). Reads the text when it starts with `<`. A scan with `indexOf`
 * on purpose: the shape is fixed and tiny, a full XML parser would be a dependency on the
 * failure path, and a scan that only ever moves forward costs time in proportion to the body
 * (at most 64 KiB) whatever the server sent. (A lazy regular expression over the body did not:
 * it rescanned from every `<Error>`, about 90 ms of CPU for a 64 KiB body of them.)
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

/** An element's opening and closing tags, built once: this runs on every MWS failure. */
interface Element {
  readonly open: string;
  readonly close: string;
}

const element = (name: string): Element => ({ open: `<${name}>`, close: `</${name}>` });
const CODE = /* @__PURE__ */ element('Code');
const MESSAGE = /* @__PURE__ */ element('Message');
const REQUEST_ID = /* @__PURE__ */ element('RequestID');
const REQUEST_ID_LOWER = /* @__PURE__ */ element('RequestId');

function readMwsError(xml: string): BodyFields | undefined {
  // Code and Message are read inside <Error> when there is one: other sections may reuse the names.
  const error = errorSection(xml);
  const code = elementText(error, CODE);
  const message = elementText(error, MESSAGE);
  const requestId = elementText(xml, REQUEST_ID) ?? elementText(xml, REQUEST_ID_LOWER);
  return code === undefined && message === undefined && requestId === undefined ? undefined : { code, message, requestId };
}

/**
 * The text between the first `<Error>` and the first `</Error>` after it; the whole body when
 * there is no such pair. (If the first `<Error>` has no `</Error>` after it, no later one has.)
 */
function errorSection(xml: string): string {
  const open = xml.indexOf('<Error>');
  if (open === -1) return xml;
  const start = open + '<Error>'.length;
  const close = xml.indexOf('</Error>', start);
  return close === -1 ? xml : xml.slice(start, close);
}

/**
 * The decoded text of the first `<name>text</name>` whose text holds no `<` (no nested
 * elements), as `/<name>([^<]*)<\/name>/` would find it. Each candidate is checked by finding
 * the next `<` after it; the next candidate cannot start before that `<`, so the search resumes
 * there and no character is looked at twice.
 */
function elementText(xml: string, { open, close }: Element): string | undefined {
  let from = 0;
  for (;;) {
    const start = xml.indexOf(open, from);
    if (start === -1) return undefined;
    const textStart = start + open.length;
    const end = xml.indexOf('<', textStart);
    if (end === -1) return undefined;
    if (xml.startsWith(close, end)) return asText(decodeXmlEntities(xml.slice(textStart, end)));
    from = end;
  }
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
