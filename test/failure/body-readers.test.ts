import { describe, expect, it } from 'vitest';
import { errorBodyFromText, errorBodyOf } from '../../src/failure/error-body.js';
import { mwsXmlReader } from '../../src/failure/readers/mws-xml.js';
import type { BodyFields, ErrorBody } from '../../src/failure/readers/reader.js';
import { BUILT_IN_READERS } from '../../src/failure/readers/registry.js';
import { scraperJsonReader } from '../../src/failure/readers/scraper-json.js';

/**
 * Bodies written out as the source documents show them (the scraper API's "Error codes & retry
 * semantics" and Amazon MWS "Handling errors"), not built by the code under test.
 */
const SCRAPER_BODY =
  '{"error":"rate_limited","message":"You exceeded your per-key QPS or concurrency ceiling.",' +
  '"docs_url":"https://amazonscraperapi.com/docs/guides/errors#rate_limited","request_id":"req_9f2c8a1b3e4d"}';
const MWS_BODY =
  '<?xml version="1.0"?><ErrorResponse xmlns="https://mws.amazonservices.com/"><Error><Type>Sender</Type>' +
  '<Code>RequestThrottled</Code><Message>Request is throttled</Message></Error>' +
  '<RequestID>e3c4b5a2-7d1f-4c3e-9a8b-0f6e5d4c3b2a</RequestID></ErrorResponse>';

/** What the composition hands every reader: the text once, JSON parsed once. */
const text = (body: string): ErrorBody => errorBodyFromText(body)!;
const parsed = (json: unknown): ErrorBody => ({ text: undefined, json });

describe('errorBodyFromText / errorBodyOf: the body read once for every reader', () => {
  it.each<[string, unknown, ErrorBody | undefined]>([
    ['JSON text: parsed', SCRAPER_BODY, { text: SCRAPER_BODY, json: JSON.parse(SCRAPER_BODY) }],
    ['XML text: not parsed', MWS_BODY, { text: MWS_BODY, json: undefined }],
    ['malformed JSON: text only', '{"error": "rate_lim', { text: '{"error": "rate_lim', json: undefined }],
    ['a JSON array', '[1,2]', { text: '[1,2]', json: [1, 2] }],
    ['a bare JSON string: text only', '"busy"', { text: '"busy"', json: undefined }],
    ['an empty body: nothing to read', '', undefined],
    ['bytes: decoded as UTF-8', new TextEncoder().encode('{"error":"x"}'), { text: '{"error":"x"}', json: { error: 'x' } }],
    ['an ArrayBuffer', new TextEncoder().encode('<Error/>').buffer, { text: '<Error/>', json: undefined }],
    ['a parsed object (axios data): handed over as is', { error: 'x' }, { text: undefined, json: { error: 'x' } }],
    ['no body', undefined, undefined],
    ['a number', 42, undefined],
  ])('%s', (_label, body, expected) => {
    expect(errorBodyOf(body)).toEqual(expected);
  });

  it('cuts a long text to 64 KiB before parsing', () => {
    const body = errorBodyFromText(`{"error":"x","pad":"${'a'.repeat(100_000)}"}`)!;
    expect(body.text).toHaveLength(64 * 1024);
    expect(body.json).toBeUndefined(); // the cut JSON does not parse
  });
});

describe('scraperJsonReader: {error, message, docs_url, request_id} and its variants', () => {
  it.each<[string, ErrorBody, BodyFields | undefined]>([
    [
      'the scraper API body',
      text(SCRAPER_BODY),
      { code: 'rate_limited', message: 'You exceeded your per-key QPS or concurrency ceiling.', requestId: 'req_9f2c8a1b3e4d' },
    ],
    ['an object a client already parsed', parsed({ error: 'capacity', message: 'Rare', request_id: 'req_1' }), { code: 'capacity', message: 'Rare', requestId: 'req_1' }],
    ['{code, message, requestId}', parsed({ code: 'busy', message: 'later', requestId: 'r-2' }), { code: 'busy', message: 'later', requestId: 'r-2' }],
    ['{error: {code, message, request_id}}', parsed({ error: { code: 'E1', message: 'nested', request_id: 'r-3' } }), { code: 'E1', message: 'nested', requestId: 'r-3' }],
    ['a numeric code', parsed({ error: { code: 7 } }), { code: '7' }],
    ['error wins over code', parsed({ error: 'a', code: 'b' }), { code: 'a' }],
    ['a code longer than 200 characters is cut', parsed({ error: 'x'.repeat(300) }), { code: 'x'.repeat(200) }],
    ['blank strings are absent', parsed({ error: '  ', message: '' }), undefined],
    ['only docs_url: not its format', parsed({ docs_url: 'https://example.com' }), undefined],
    ['an empty object', parsed({}), undefined],
    ['an array', text('[1,2,3]'), undefined],
    ['JSON null', parsed(null), undefined],
    ['XML text', text(MWS_BODY), undefined],
  ])('%s', (_label, body, expected) => {
    expect(scraperJsonReader.read(body)).toEqual(expected);
  });
});

describe('mwsXmlReader: <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestID/></ErrorResponse>', () => {
  it.each<[string, string, BodyFields | undefined]>([
    ['the MWS error response', MWS_BODY, { code: 'RequestThrottled', message: 'Request is throttled', requestId: 'e3c4b5a2-7d1f-4c3e-9a8b-0f6e5d4c3b2a' }],
    [
      'RequestId spelled as some sections do',
      '<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>We encountered an internal error</Message></Error><RequestId>abc-123</RequestId></ErrorResponse>',
      { code: 'InternalError', message: 'We encountered an internal error', requestId: 'abc-123' },
    ],
    ['entities decoded, &amp; last', '<Error><Code>X</Code><Message>a &lt; b &amp;lt; c &quot;d&quot;</Message></Error>', { code: 'X', message: 'a < b &lt; c "d"' }],
    ['leading whitespace', `\n  ${MWS_BODY}`, { code: 'RequestThrottled', message: 'Request is throttled', requestId: 'e3c4b5a2-7d1f-4c3e-9a8b-0f6e5d4c3b2a' }],
    ['no <Error> element: read from the whole document', '<Response><Code>Q</Code></Response>', { code: 'Q' }],
    ['cut in the middle of the code', '<ErrorResponse><Error><Code>Quota', undefined],
    ['HTML', '<html><body>Bad gateway</body></html>', undefined],
    ['JSON', SCRAPER_BODY, undefined],
    ['plain text', 'Service Unavailable', undefined],
  ])('%s', (_label, body, expected) => {
    expect(mwsXmlReader.read(text(body))).toEqual(expected);
  });

  it('reads nothing from a parsed object without text', () => {
    expect(mwsXmlReader.read(parsed({ Code: 'X' }))).toBeUndefined();
  });
});

describe('the registry', () => {
  it('tries the built-in body readers in a fixed order', () => {
    expect(BUILT_IN_READERS.body.map((reader) => reader.name)).toEqual(['sp-api-json', 'scraper-json', 'mws-xml']);
  });

  it('lists the header readers with the generic request id headers last', () => {
    expect(BUILT_IN_READERS.hints.map((reader) => reader.name)).toEqual([
      'x-mws-request-id',
      'mws-timestamp',
      'retry-after',
      'retry-after-ms',
      'x-amz-retry-after',
      'grpc-retry-pushback-ms',
      'ratelimit-wait',
      'ratelimit-fields-wait',
      'x-ratelimit-wait',
      'amzn-ratelimit-wait',
      'stripe-should-retry',
      'grpc-retry-pushback-verdict',
      'mws-quota',
      'ratelimit-quota',
      'ratelimit-fields-quota',
      'x-ratelimit-quota',
      'amzn-ratelimit-quota',
    ]);
    expect(BUILT_IN_READERS.fallbackHints.map((reader) => reader.name)).toEqual(['x-amzn-requestid', 'x-request-id']);
  });
});
