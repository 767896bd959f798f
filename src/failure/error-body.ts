import { match, P } from 'ts-pattern';
import { asText, safeGet } from './safe-read.js';

/** What an error body can tell: the server's code, message and request id. */
export interface ErrorBodyFields {
  readonly code?: string;
  readonly message?: string;
  readonly requestId?: string;
  /** MWS `<Type>`: `Sender` or `Receiver`. */
  readonly type?: string;
}

/** Bodies longer than this are cut before parsing: an error body is small, a huge one is noise. */
export const MAX_BODY_CHARS = 64 * 1024;

const NOTHING: ErrorBodyFields = {};

/**
 * Reads an error body in any form a client hands it over: a string (JSON or XML), bytes, or an
 * already-parsed object (axios' `response.data`). Malformed input yields fewer fields, never a throw.
 */
export function readErrorBody(body: unknown): ErrorBodyFields {
  if (typeof body === 'string') return parseErrorText(body);
  if (body instanceof Uint8Array) return parseErrorText(decodeBytes(body));
  if (body instanceof ArrayBuffer) return parseErrorText(decodeBytes(new Uint8Array(body)));
  if (body !== null && typeof body === 'object') return readJsonErrorObject(body);
  return NOTHING;
}

/** Parses an error body's text: JSON when it looks like JSON, MWS XML when it looks like XML. */
export function parseErrorText(text: string): ErrorBodyFields {
  const head = text.length > MAX_BODY_CHARS ? text.slice(0, MAX_BODY_CHARS) : text;
  const start = head.trimStart()[0];
  if (start === '{') {
    try {
      return readJsonErrorObject(JSON.parse(head) as unknown);
    } catch {
      return NOTHING;
    }
  }
  if (start === '<') return parseMwsErrorXml(head);
  return NOTHING;
}

/**
 * The scraper API's `{error, message, docs_url, request_id}`, plus the common variants
 * `{code, message, requestId}` and `{error: {code, message}}`.
 */
function readJsonErrorObject(body: unknown): ErrorBodyFields {
  if (body === null || typeof body !== 'object') return NOTHING;
  const error = safeGet(body, 'error');
  const nested = match(error)
    .with(P.string, () => undefined)
    .with(P.nonNullable, (inner) => (typeof inner === 'object' ? inner : undefined))
    .otherwise(() => undefined);
  return dropUndefined({
    code: asText(error, 200) ?? asText(safeGet(body, 'code'), 200) ?? asText(safeGet(nested, 'code'), 200),
    message: asText(safeGet(body, 'message')) ?? asText(safeGet(nested, 'message')),
    requestId:
      asText(safeGet(body, 'request_id'), 200) ??
      asText(safeGet(body, 'requestId'), 200) ??
      asText(safeGet(nested, 'request_id'), 200),
  });
}

/**
 * Amazon MWS:
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestID/></ErrorResponse>`
 * (some sections spell it `RequestId`). A regular-expression reader on purpose: the shape is
 * fixed and tiny, and a full XML parser would be a dependency on the failure path.
 */
export function parseMwsErrorXml(xml: string): ErrorBodyFields {
  const error = /<Error>([\s\S]*?)<\/Error>/.exec(xml)?.[1] ?? xml;
  return dropUndefined({
    code: xmlText(error, 'Code'),
    message: xmlText(error, 'Message'),
    type: xmlText(error, 'Type'),
    requestId: xmlText(xml, 'RequestID') ?? xmlText(xml, 'RequestId'),
  });
}

function xmlText(xml: string, tag: string): string | undefined {
  const found = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
  return found === undefined ? undefined : asText(decodeXmlEntities(found));
}

function decodeXmlEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function decodeBytes(bytes: Uint8Array): string {
  const head = bytes.length > MAX_BODY_CHARS ? bytes.subarray(0, MAX_BODY_CHARS) : bytes;
  return new TextDecoder('utf-8', { fatal: false }).decode(head);
}

/** Leaves absent fields out, so a Failure stays small and prints cleanly. */
export function dropUndefined<T extends object>(record: T): T {
  const out: Record<string, unknown> = {};
  for (const key in record) if (record[key] !== undefined) out[key] = record[key];
  return out as T;
}
