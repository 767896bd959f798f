import { describe, expect, it } from 'vitest';
import { normalizeFailure, normalizeFailureSync } from '../../src/failure/normalize.js';
import type { BodyReader, ErrorBody, FailureReaders, HintReader } from '../../src/failure/readers/reader.js';
import { requestIdHeaderHint } from '../../src/failure/readers/request-id.js';
import { readHeader } from '../../src/failure/headers.js';

const NOW = Date.parse('2024-01-10T12:00:00.000Z');
const SCRAPER_BODY = '{"error":"rate_limited","message":"slow down","docs_url":"https://amazonscraperapi.com/docs/guides/errors#rate_limited","request_id":"req_1"}';

const jsonResponse = (body: string, headers: Record<string, string> = {}): Response =>
  new Response(body, { status: 429, headers: { 'content-type': 'application/json', ...headers } });

describe('the precedence the registry gives', () => {
  const sources = {
    body: { response: { data: { error: 'e', request_id: 'from-body' } } },
    'x-mws-request-id': { 'x-mws-request-id': 'from-mws' },
    '$metadata.requestId': { $metadata: { requestId: 'from-metadata' } },
    'x-amzn-requestid': { 'x-amzn-requestid': 'from-amzn' },
    'x-request-id': { 'x-request-id': 'from-generic' },
  };
  type Source = keyof typeof sources;
  const order: Source[] = ['body', 'x-mws-request-id', '$metadata.requestId', 'x-amzn-requestid', 'x-request-id'];
  function errorWith(present: readonly Source[]): object {
    const headers: Record<string, string> = {};
    let error: Record<string, unknown> = { status: 503, headers };
    for (const source of present) {
      if (source === 'body' || source === '$metadata.requestId') error = { ...error, ...sources[source] };
      else Object.assign(headers, sources[source]);
    }
    return error;
  }

  it.each([
    [order, 'from-body'],
    [order.slice(1), 'from-mws'],
    [order.slice(2), 'from-metadata'],
    [order.slice(3), 'from-amzn'],
    [order.slice(4), 'from-generic'],
    [[], undefined],
  ])('request id from %j: %s', (present, expected) => {
    expect(normalizeFailureSync(errorWith(present), { now: NOW }).requestId).toBe(expected);
  });

  it("takes the body's code and message over the error object's own, and keeps the own ones the body lacks", () => {
    const error = Object.assign(new Error('own message'), { status: 500, code: 'OWN_CODE', body: '{"error":"server_code"}' });
    expect(normalizeFailureSync(error, { now: NOW })).toEqual({ kind: 'http', status: 500, code: 'server_code', message: 'own message' });
  });
});

describe('user body readers', () => {
  const shouting: BodyReader = {
    name: 'shouting',
    read: ({ json }) => {
      const error = typeof json === 'object' && json !== null && 'error' in json ? json.error : undefined;
      return typeof error === 'string' ? { code: error.toUpperCase() } : undefined;
    },
  };

  it('win over the built-in readers, and only the winner answers', async () => {
    const response = jsonResponse(SCRAPER_BODY, { 'x-request-id': 'from-header' });
    const failure = await normalizeFailure(response, { now: NOW, readers: { body: [shouting] } });
    // The user's reader gave only a code: the scraper reader's message and request id are not mixed in.
    expect(failure).toEqual({ kind: 'http', status: 429, code: 'RATE_LIMITED', requestId: 'from-header' });
    expect(await response.json()).toMatchObject({ error: 'rate_limited' }); // the caller's body is untouched
  });

  it('are tried in order; one that returns nothing passes the body on, parsed once', async () => {
    const seen: ErrorBody[] = [];
    const looking: BodyReader = { name: 'looking', read: (body) => void seen.push(body) };
    const failure = await normalizeFailure(jsonResponse(SCRAPER_BODY), { now: NOW, readers: { body: [looking, looking] } });
    expect(failure).toMatchObject({ code: 'rate_limited', message: 'slow down', requestId: 'req_1' });
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(seen[0]);
    expect(seen[0]).toEqual({ text: SCRAPER_BODY, json: JSON.parse(SCRAPER_BODY) });
  });

  it('read in-memory bodies of thrown client errors too, synchronously', () => {
    const axiosLike = Object.assign(new Error('Request failed with status code 429'), {
      code: 'ERR_BAD_REQUEST',
      response: { status: 429, headers: {}, data: { error: 'rate_limited' } },
    });
    expect(normalizeFailureSync(axiosLike, { now: NOW, readers: { body: [shouting] } })).toMatchObject({ code: 'RATE_LIMITED' });
  });

  const throwing: BodyReader = {
    name: 'throwing',
    read: () => {
      throw new Error('reader bug');
    },
  };
  const hostile = new Proxy(
    {},
    {
      get() {
        throw new Error('trap');
      },
    },
  );
  it.each<[string, unknown]>([
    ['a reader that throws', [throwing]],
    ['a reader whose read is not a function', [{ name: 'x', read: 'nope' }]],
    ['null in the list', [null]],
    ['a proxy whose every get throws', [hostile]],
    ['fields of the wrong type', [{ name: 'x', read: () => ({ code: { nested: true }, message: [], requestId: '  ' }) }]],
    ['a string instead of fields', [{ name: 'x', read: () => 'RATE' }]],
    ['a list that is not a list', 'not a list'],
    ['a list that is a proxy', hostile],
  ])('ignore %s: the built-in readers answer and nothing throws', async (_label, body) => {
    // Typed as a user in plain JavaScript could pass anything.
    const readers = { body } as unknown as FailureReaders;
    const expected = { kind: 'http', status: 429, code: 'rate_limited', message: 'slow down', requestId: 'req_1' };
    expect(await normalizeFailure(jsonResponse(SCRAPER_BODY), { now: NOW, readers })).toEqual(expected);
    expect(normalizeFailureSync({ status: 429, body: SCRAPER_BODY }, { now: NOW, readers })).toEqual(expected);
  });

  it('have what they return checked: numbers become text, long codes are cut', async () => {
    // As a reader in plain JavaScript could return: a number where the type says string.
    const numeric = { name: 'numeric', read: () => ({ code: 7, requestId: 'r'.repeat(300) }) } as unknown as BodyReader;
    expect(await normalizeFailure(jsonResponse('{}'), { now: NOW, readers: { body: [numeric] } })).toEqual({
      kind: 'http',
      status: 429,
      code: '7',
      requestId: 'r'.repeat(200),
    });
  });

  it('are not asked about failures that are not HTTP answers', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(normalizeFailureSync(reset, { readers: { body: [throwing, shouting] } })).toEqual({ kind: 'network', code: 'ECONNRESET', message: 'read ECONNRESET' });
  });
});

describe('user hint readers', () => {
  const acmeRetryIn: HintReader<'retryAfterMs'> = {
    name: 'acme-retry-in',
    field: 'retryAfterMs',
    read: (headers) => {
      const seconds = Number(readHeader(headers, 'x-acme-retry-in'));
      return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
    },
  };

  it('fill a field from a header of your own, ahead of the built-in header', async () => {
    const response = jsonResponse('{}', { 'x-acme-retry-in': '1.5', 'retry-after': '9' });
    expect((await normalizeFailure(response, { now: NOW, readers: { hints: [acmeRetryIn] } })).retryAfterMs).toBe(1500);
    const only = jsonResponse('{}', { 'retry-after': '9' });
    expect((await normalizeFailure(only, { now: NOW, readers: { hints: [acmeRetryIn] } })).retryAfterMs).toBe(9000);
  });

  it("rank a request id header below the body's request id and above the built-in headers", () => {
    const readers: FailureReaders = { hints: [requestIdHeaderHint('x-acme-trace')] };
    const headers = { 'x-acme-trace': 'tr-1', 'x-mws-request-id': 'mws-1' };
    expect(normalizeFailureSync({ status: 503, headers }, { now: NOW, readers }).requestId).toBe('tr-1');
    expect(normalizeFailureSync({ status: 503, headers, body: '{"request_id":"body-1"}' }, { now: NOW, readers }).requestId).toBe('body-1');
  });

  it.each<[string, unknown]>([
    ['throws', () => {
      throw new Error('hint bug');
    }],
    ['returns a negative delay', () => -1],
    ['returns NaN', () => Number.NaN],
    ['returns text', () => '5'],
  ])('are ignored when one %s', (_label, read) => {
    const readers = { hints: [{ name: 'bad', field: 'retryAfterMs', read }] } as unknown as FailureReaders;
    expect(normalizeFailureSync({ status: 503, headers: { 'retry-after': '2' } }, { now: NOW, readers }).retryAfterMs).toBe(2000);
  });

  it('have what they return checked: whole milliseconds, finite quota numbers, known fields only', () => {
    // A field no hint reader may fill, as a reader in plain JavaScript could name it.
    const statusHint = { name: 'status', field: 'status', read: () => 200 } as unknown as HintReader;
    const readers: FailureReaders = {
      hints: [
        statusHint,
        { name: 'fraction', field: 'retryAfterMs', read: () => 1.2 },
        { name: 'quota', field: 'quota', read: () => ({ max: 10, remaining: Number.NaN, resetsInMs: -5 }) },
      ],
    };
    expect(normalizeFailureSync({ status: 503 }, { now: NOW, readers })).toEqual({ kind: 'http', status: 503, retryAfterMs: 2, quota: { max: 10 } });
  });
});
