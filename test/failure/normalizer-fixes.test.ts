import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import fc from 'fast-check';
import got from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_CHARS } from '../../src/failure/error-body.js';
import { isNetworkCode } from '../../src/failure/network-codes.js';
import { mwsXmlReader } from '../../src/failure/readers/mws-xml.js';
import type { BodyFields } from '../../src/failure/readers/reader.js';
import { normalizeFailure, normalizeFailureSync } from '../../src/index.js';

const readXml = (text: string): BodyFields | undefined => mwsXmlReader.read({ text, json: undefined });

/**
 * What the MWS XML reader answered when it was three regular expressions (the lazy
 * `<Error>([\s\S]*?)<\/Error>` among them): the oracle the forward scan must agree with. Run only
 * on the small bodies fast-check makes, where its quadratic worst case does not matter.
 */
function regexOracle(xml: string): BodyFields | undefined {
  if (!xml.trimStart().startsWith('<')) return undefined;
  const text = (within: string, name: string): string | undefined => {
    const found = new RegExp(`<${name}>([^<]*)</${name}>`).exec(within)?.[1];
    if (found === undefined) return undefined;
    const decoded = found.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&').trim();
    return decoded === '' ? undefined : decoded;
  };
  const error = /<Error>([\s\S]*?)<\/Error>/.exec(xml)?.[1] ?? xml;
  const code = text(error, 'Code');
  const message = text(error, 'Message');
  const requestId = text(xml, 'RequestID') ?? text(xml, 'RequestId');
  return code === undefined && message === undefined && requestId === undefined ? undefined : { code, message, requestId };
}

/**
 * The work a read does, counted rather than timed: every character the string searches look
 * at (`indexOf`, `startsWith`, `includes`), and the longest string any regular expression was
 * run on. Counting keeps the test deterministic on a loaded machine; the patched methods are
 * restored before anything else runs.
 */
function countWork(read: () => unknown): { scanned: number; longestRegexInput: number } {
  const proto = String.prototype;
  const { indexOf, startsWith, includes } = proto;
  const exec = RegExp.prototype.exec;
  let scanned = 0;
  let longestRegexInput = 0;
  proto.indexOf = function (this: string, needle: string, from = 0) {
    const found = indexOf.call(this, needle, from);
    scanned += (found === -1 ? this.length : found + needle.length) - Math.max(0, from);
    return found;
  };
  proto.startsWith = function (this: string, prefix: string, at = 0) {
    scanned += prefix.length;
    return startsWith.call(this, prefix, at);
  };
  proto.includes = function (this: string, needle: string, from = 0) {
    scanned += this.length - from;
    return includes.call(this, needle, from);
  };
  // A modified `exec` is what every RegExp method (test, match, replace) calls, so this sees them all.
  RegExp.prototype.exec = function (this: RegExp, input: string) {
    longestRegexInput = Math.max(longestRegexInput, String(input).length);
    return exec.call(this, input);
  };
  try {
    read();
  } finally {
    Object.assign(proto, { indexOf, startsWith, includes });
    RegExp.prototype.exec = exec;
  }
  return { scanned, longestRegexInput };
}

/** Bodies built to make a backtracking scan rescan: each is `size` characters. */
const ADVERSARIAL: readonly [string, (size: number) => string][] = [
  ['opening <Error> tags only', (size) => '<Error>'.repeat(Math.ceil(size / 7)).slice(0, size)],
  ['<Code> tags that never close', (size) => ('<Error>' + '<Code>'.repeat(Math.ceil(size / 6))).slice(0, size)],
  ['<Code>x candidates, each cut by the next', (size) => ('<Error>' + '<Code>x'.repeat(Math.ceil(size / 7))).slice(0, size)],
  ['request id tags of both spellings, unclosed', (size) => ('<' + '<RequestID><RequestId>'.repeat(Math.ceil(size / 22))).slice(0, size)],
  ['one unclosed element and text to the end', (size) => ('<ErrorResponse><Error><Code>' + 'x'.repeat(size)).slice(0, size)],
];

describe('MWS XML: a forward scan, linear in the body whatever the server sent', () => {
  it.each(ADVERSARIAL)('%s: no regular expression over the body, and a bounded number of characters looked at', (_label, make) => {
    const perChar: number[] = [];
    for (const size of [MAX_BODY_CHARS / 4, MAX_BODY_CHARS]) {
      const body = make(size);
      const work = countWork(() => readXml(body));
      // The entity decoding runs on an element's text only; a regex over the body would see it whole.
      expect(work.longestRegexInput).toBeLessThan(64);
      // Five forward searches: the <Error> section (one pass), then Code, Message and the two
      // request id spellings, each one pass plus, per candidate tag (at most size / opening-tag
      // length of them), a `<` and a closing-tag comparison: at most 1 + 4 × 2.34 passes; a rescan
      // from every tag would need thousands.
      expect(work.scanned).toBeLessThanOrEqual(10 * size);
      perChar.push(work.scanned / size);
    }
    // Linearity itself: four times the body, four times the characters looked at (5 to 6.4 per
    // character at both sizes today). Work growing as n log n would add 14% per character here.
    const [quarter, full] = perChar as [number, number];
    expect(full).toBeLessThanOrEqual(quarter * 1.01);
  });

  it('the 64 KiB body of opening <Error> tags has nothing to read, through normalizeFailureSync too', () => {
    const body = '<Error>'.repeat(MAX_BODY_CHARS / 7 + 1);
    expect(readXml(body)).toBeUndefined();
    expect(normalizeFailureSync({ status: 503, body })).toEqual({ kind: 'http', status: 503 });
  });

  it.each<[string, string, BodyFields | undefined]>([
    ['many opening tags before the one closed section', `${'<Error>'.repeat(1000)}<Code>Late</Code></Error>`, { code: 'Late', message: undefined, requestId: undefined }],
    ['a Code with nested markup is skipped for the next plain one', '<Error><Code><b>x</b></Code><Code>Plain</Code></Error>', { code: 'Plain', message: undefined, requestId: undefined }],
    ['Code outside <Error> is not read when there is an <Error>', '<R><Code>Outer</Code><Error><Code>Inner</Code></Error></R>', { code: 'Inner', message: undefined, requestId: undefined }],
    ['no </Error>: the whole document is read', '<R><Error><Code>Whole</Code><RequestId>r-2</RequestId>', { code: 'Whole', message: undefined, requestId: 'r-2' }],
    ['an unclosed Code reads nothing', '<Error><Code>cut', undefined],
    ['a blank first Code is no code (the next is not looked for)', '<Error><Code> </Code><Code>Second</Code></Error>', undefined],
    ['entities decoded once, &amp; last', '<Error><Message>a &amp;lt; b &lt; c</Message></Error>', { code: undefined, message: 'a &lt; b < c', requestId: undefined }],
    ['RequestID wins over RequestId', '<R><RequestId>lower</RequestId><RequestID>upper</RequestID></R>', { code: undefined, message: undefined, requestId: 'upper' }],
  ])('%s', (_label, body, expected) => {
    expect(readXml(body)).toEqual(expected);
  });

  it('agrees with the regular expressions it replaced, on bodies made of the tags it looks for', () => {
    const token = fc.constantFrom(
      '<Error>', '</Error>', '<Code>', '</Code>', '<Message>', '</Message>', '<RequestID>', '</RequestID>',
      '<RequestId>', '</RequestId>', '<', 'x', 'Throttled', ' ', '&amp;', '&lt;', '&amp;lt;',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
        const body = '<' + tokens.join('');
        expect(readXml(body)).toEqual(regexOracle(body));
      }),
      { numRuns: 2000, seed: 20_261_202 },
    );
  });
});

describe('a Response that is no HTTP failure, in a cause chain or thrown itself', () => {
  it('Response.error() (status 0, type "error": the fetch standard\'s network error) is a network failure', async () => {
    const error = Response.error();
    expect([error.status, error.type]).toEqual([0, 'error']);
    expect(await normalizeFailure(error)).toEqual({ kind: 'network' });
    // msw rejects fetch this way when a handler answers HttpResponse.error().
    expect(await normalizeFailure(new TypeError('Failed to fetch', { cause: Response.error() }))).toEqual({ kind: 'network' });
    expect(await normalizeFailure(new Error('sync failed', { cause: Response.error() }))).toEqual({ kind: 'network' });
  });

  it.each([200, 204, 304, 399])('a %i Response in the chain is not an http failure: the rest of the chain says what it is', async (status) => {
    const response = new Response(status === 204 || status === 304 ? null : 'ok', { status });
    expect(await normalizeFailure(new TypeError('fetch failed', { cause: response }))).toEqual({ kind: 'network', message: 'fetch failed' });
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(await normalizeFailure(new Error('sync failed', { cause: new AggregateError([response, reset]) }))).toEqual({
      kind: 'network',
      code: 'ECONNRESET',
      message: 'read ECONNRESET',
    });
    expect(await normalizeFailure(new Error('sync failed', { cause: response }))).toEqual({ kind: 'unknown', message: 'sync failed' });
    expect(await normalizeFailure(response)).toEqual({ kind: 'unknown' });
  });

  it('a 2xx Response before the failed one in a chain does not hide it', async () => {
    const failed = new Response('{"error":"rate_limited"}', { status: 429, headers: { 'content-type': 'application/json' } });
    const error = new Error('batch failed', { cause: new AggregateError([new Response('ok'), failed]) });
    expect(await normalizeFailure(error)).toMatchObject({ kind: 'http', status: 429, code: 'rate_limited' });
  });

  it.each(['fetch failed', 'Failed to fetch', 'NetworkError when attempting to fetch resource.', 'Load failed', 'Network request failed'])(
    "fetch's TypeError(%j) with nothing more telling in its chain is a network failure",
    (message) => {
      expect(normalizeFailureSync(new TypeError(message))).toEqual({ kind: 'network', message });
    },
  );

  it("the code in fetch's cause still wins, and other TypeErrors stay unknown", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(normalizeFailureSync(new TypeError('fetch failed', { cause: refused }))).toMatchObject({ kind: 'network', code: 'ECONNREFUSED' });
    expect(normalizeFailureSync(new TypeError('Failed to parse URL from /x'))).toEqual({ kind: 'unknown', message: 'Failed to parse URL from /x' });
    expect(normalizeFailureSync(new Error('fetch failed'))).toEqual({ kind: 'unknown', message: 'fetch failed' });
  });
});

/**
 * undici's errors that carry an HTTP answer, built as undici's lib/core/errors.js builds them (Node
 * 20 bundles undici but exposes none of its interceptors): `ResponseError` from the
 * `responseError` interceptor (`body` in undici 6, `data` in 7), `RequestRetryError` from the
 * retry interceptor, `ResponseStatusCodeError` from `throwOnError`.
 */
class UndiciError extends Error {
  override name = 'UndiciError';
  code = 'UND_ERR';
}
class ResponseError extends UndiciError {
  override name = 'ResponseError';
  override code = 'UND_ERR_RESPONSE';
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
  data: unknown;
  constructor(message: string, statusCode: number, { headers, body, data }: { headers: Record<string, string>; body?: unknown; data?: unknown }) {
    super(message || 'Response error');
    this.statusCode = statusCode;
    this.headers = headers;
    this.body = body;
    this.data = data;
  }
}
class RequestRetryError extends UndiciError {
  override name = 'RequestRetryError';
  override code = 'UND_ERR_REQ_RETRY';
  constructor(
    message: string,
    public statusCode: number,
    { headers, data }: { headers: Record<string, string>; data?: unknown },
  ) {
    super(message || 'Request retry error');
    Object.assign(this, { headers, data });
  }
}
class ResponseStatusCodeError extends UndiciError {
  override name = 'ResponseStatusCodeError';
  override code = 'UND_ERR_RESPONSE_STATUS_CODE';
  status: number;
  statusCode: number;
  constructor(
    message: string,
    statusCode: number,
    public headers: Record<string, string>,
    public body: unknown,
  ) {
    super(message || 'Response Status Code Error');
    this.status = statusCode;
    this.statusCode = statusCode;
  }
}

describe("client libraries' own codes are never the server's code", () => {
  const json = { 'content-type': 'application/json' };

  it.each<[string, Error, object]>([
    ['ResponseError (undici 6: body)', new ResponseError('Response Error', 503, { headers: { 'retry-after': '2' }, body: '' }), { kind: 'http', status: 503, message: 'Response Error', retryAfterMs: 2000 }],
    ['ResponseError (undici 7: data)', new ResponseError('Response Error', 429, { headers: json, data: { error: 'rate_limited', message: 'slow down' } }), { kind: 'http', status: 429, code: 'rate_limited', message: 'slow down' }],
    ['RequestRetryError', new RequestRetryError('Request failed', 502, { headers: {} }), { kind: 'http', status: 502, message: 'Request failed' }],
    ['ResponseStatusCodeError', new ResponseStatusCodeError('Response status code 404: Not Found', 404, {}, ''), { kind: 'http', status: 404, message: 'Response status code 404: Not Found' }],
  ])('undici %s: http, its UND_ERR_* code left out', (_name, error, expected) => {
    expect(normalizeFailureSync(error, { now: 0 })).toEqual(expected);
  });

  it('those undici codes are no network failure either, even without a status', () => {
    for (const code of ['UND_ERR_RESPONSE', 'UND_ERR_RESPONSE_STATUS_CODE', 'UND_ERR_REQ_RETRY']) {
      expect(isNetworkCode(code)).toBe(false);
      expect(normalizeFailureSync(Object.assign(new Error('x'), { code }))).toEqual({ kind: 'unknown', code, message: 'x' });
    }
    expect(isNetworkCode('UND_ERR_SOCKET')).toBe(true);
  });

  describe('real axios and got against a local server, an error status without a body', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((req, res) => {
        res.writeHead(req.url === '/teapot' ? 418 : 502);
        res.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    const thrown = async (call: () => Promise<unknown>): Promise<unknown> => call().then(() => expect.unreachable(), (error: unknown) => error);

    it.each([
      ['axios', '/teapot', 418, 'ERR_BAD_REQUEST', (path: string) => axios.get(`${url}${path}`)],
      ['axios', '/gateway', 502, 'ERR_BAD_RESPONSE', (path: string) => axios.get(`${url}${path}`)],
      ['got', '/teapot', 418, 'ERR_NON_2XX_3XX_RESPONSE', (path: string) => got(`${url}${path}`, { retry: { limit: 0 } })],
    ] as const)('%s %s: http %i, and %s is not its code', async (_client, path, status, clientCode, get) => {
      const error = await thrown(() => get(path));
      expect(error).toMatchObject({ code: clientCode });
      const failure = await normalizeFailure(error);
      expect(failure).toMatchObject({ kind: 'http', status });
      expect(failure.code).toBeUndefined();
    });
  });
});
