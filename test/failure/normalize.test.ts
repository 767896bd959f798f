import { describe, expect, it } from 'vitest';
import { normalizeFailure, normalizeFailureSync } from '../../src/index.js';
import { mwsErrorXml, scraperErrorJson } from '../support/seed-bodies.js';

const NOW = Date.parse('2024-01-10T12:00:00.000Z');

describe('normalizeFailure: fetch Responses', () => {
  it('reads the scraper API JSON body and Retry-After, leaving the body readable for the caller', async () => {
    const body = scraperErrorJson('rate_limited', 'You exceeded your per-key QPS', 'req_9f2c8a1b3e4d');
    const response = new Response(body, { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '7' } });
    const failure = await normalizeFailure(response, { now: NOW });
    expect(failure).toEqual({
      kind: 'http',
      status: 429,
      code: 'rate_limited',
      message: 'You exceeded your per-key QPS',
      requestId: 'req_9f2c8a1b3e4d',
      retryAfterMs: 7000,
    });
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toMatchObject({ error: 'rate_limited', request_id: 'req_9f2c8a1b3e4d' });
  });

  it('reads the MWS XML body and the x-mws headers', async () => {
    const response = new Response(mwsErrorXml('RequestThrottled', 'Request is throttled', 'b7c3b0a4-1f2e-4d9e-8f6c-2a1b3c4d5e6f'), {
      status: 503,
      headers: {
        'content-type': 'text/xml',
        'x-mws-request-id': 'b7c3b0a4-1f2e-4d9e-8f6c-2a1b3c4d5e6f',
        'x-mws-timestamp': '2024-01-10T11:59:59.123Z',
        'x-mws-quota-max': '200',
        'x-mws-quota-remaining': '0',
        'x-mws-quota-resetsOn': '2024-01-10T12:30:00.000Z',
      },
    });
    const failure = await normalizeFailure(response, { now: NOW });
    expect(failure).toEqual({
      kind: 'http',
      status: 503,
      code: 'RequestThrottled',
      message: 'Request is throttled',
      requestId: 'b7c3b0a4-1f2e-4d9e-8f6c-2a1b3c4d5e6f',
      timestamp: '2024-01-10T11:59:59.123Z',
      quota: { max: 200, remaining: 0, resetsAt: Date.parse('2024-01-10T12:30:00.000Z'), resetsInMs: 30 * 60_000 },
    });
    expect(await response.text()).toContain('<Code>RequestThrottled</Code>');
  });

  it('takes the request id from <RequestId> too, and from the body when no header carries it', async () => {
    const response = new Response(mwsErrorXml('InternalError', 'We encountered an internal error', 'abc-123', 'Receiver', 'RequestId'), {
      status: 500,
    });
    const failure = await normalizeFailure(response, { now: NOW });
    expect(failure).toMatchObject({ kind: 'http', status: 500, code: 'InternalError', requestId: 'abc-123' });
  });

  it('reads a Response that was thrown rather than returned', async () => {
    const thrown = new Response(scraperErrorJson('capacity', 'Rare', 'req_1'), { status: 503, headers: { 'retry-after': '2' } });
    await expect(normalizeFailure(thrown, { now: NOW })).resolves.toMatchObject({ code: 'capacity', status: 503, retryAfterMs: 2000 });
  });

  it('parses Retry-After as an HTTP-date relative to the clock', async () => {
    const response = new Response(null, { status: 503, headers: { 'retry-after': 'Wed, 10 Jan 2024 12:00:42 GMT' } });
    expect((await normalizeFailure(response, { now: NOW })).retryAfterMs).toBe(42_000);
  });

  it.each([
    ['malformed JSON', '{"error": "rate_lim', 'application/json'],
    ['malformed XML', '<ErrorResponse><Error><Code>Quota', 'text/xml'],
    ['HTML', '<html><body>Bad gateway</body></html>', 'text/html'],
    ['empty', '', 'application/json'],
    ['JSON that is not an object', '[1,2,3]', 'application/json'],
  ])('yields fewer fields, never a throw, for a %s body', async (_label, text, type) => {
    const failure = await normalizeFailure(new Response(text, { status: 502, headers: { 'content-type': type } }), { now: NOW });
    expect(failure.kind).toBe('http');
    expect(failure.status).toBe(502);
    expect(failure.code).toBeUndefined();
  });

  it('does not throw when the body was already consumed', async () => {
    const response = new Response(scraperErrorJson('internal_error', 'boom', 'req_2'), { status: 500 });
    await response.text();
    await expect(normalizeFailure(response, { now: NOW })).resolves.toEqual({ kind: 'http', status: 500 });
  });

  it('does not read binary bodies', async () => {
    const response = new Response(new Uint8Array([0xff, 0xfe]), { status: 500, headers: { 'content-type': 'image/png' } });
    await expect(normalizeFailure(response, { now: NOW })).resolves.toEqual({ kind: 'http', status: 500 });
  });
});

describe('normalizeFailure: thrown errors of HTTP clients', () => {
  it('reads an axios-shaped error (response.status, response.data, AxiosHeaders-like get)', () => {
    const headers = { get: (name: string) => (name.toLowerCase() === 'retry-after' ? '3' : undefined), 'retry-after': '3' };
    const error = Object.assign(new Error('Request failed with status code 429'), {
      name: 'AxiosError',
      code: 'ERR_BAD_REQUEST',
      response: { status: 429, headers, data: { error: 'rate_limited', message: 'slow down', request_id: 'req_ax' } },
    });
    expect(normalizeFailureSync(error, { now: NOW })).toEqual({
      kind: 'http',
      status: 429,
      code: 'rate_limited',
      message: 'slow down',
      requestId: 'req_ax',
      retryAfterMs: 3000,
    });
  });

  it('reads a got-shaped error (response.statusCode, plain header record, string body) and ignores got\'s own code', () => {
    const error = Object.assign(new Error('Response code 503 (Service Unavailable)'), {
      name: 'HTTPError',
      code: 'ERR_NON_2XX_3XX_RESPONSE',
      response: {
        statusCode: 503,
        headers: { 'x-mws-request-id': 'rid-got', 'x-mws-timestamp': '2024-01-10T11:00:00Z' },
        body: mwsErrorXml('QuotaExceeded', 'You exceeded your quota', 'rid-body'),
      },
    });
    expect(normalizeFailureSync(error, { now: NOW })).toMatchObject({
      kind: 'http',
      status: 503,
      code: 'QuotaExceeded',
      requestId: 'rid-body',
      timestamp: '2024-01-10T11:00:00Z',
    });
  });

  it('reads status and code set directly on an error, with headers as a Headers object', () => {
    const error = Object.assign(new Error('throttled'), { status: 503, code: 'RequestThrottled', headers: new Headers({ 'Retry-After': '1' }) });
    expect(normalizeFailureSync(error, { now: NOW })).toEqual({
      kind: 'http',
      status: 503,
      code: 'RequestThrottled',
      message: 'throttled',
      retryAfterMs: 1000,
    });
  });

  it('finds the http error inside a cause chain', () => {
    const inner = Object.assign(new Error('inner'), { statusCode: 500 });
    expect(normalizeFailureSync(new Error('outer', { cause: inner }))).toMatchObject({ kind: 'http', status: 500 });
  });
});

describe('normalizeFailure: network failures, aborts and timeouts', () => {
  it("reads real fetch's TypeError('fetch failed') with the code in cause", () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', syscall: 'connect' });
    expect(normalizeFailureSync(new TypeError('fetch failed', { cause }))).toEqual({
      kind: 'network',
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED 127.0.0.1:1',
    });
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'])(
    'classifies %s as network',
    (code) => {
      expect(normalizeFailureSync(Object.assign(new Error(code), { code }))).toMatchObject({ kind: 'network', code });
    },
  );

  it('looks inside AggregateError.errors (happy eyeballs: one error per address)', () => {
    const v6 = Object.assign(new Error('connect ECONNREFUSED ::1:80'), { code: 'ECONNREFUSED' });
    const v4 = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:80'), { code: 'ECONNREFUSED' });
    const error = new TypeError('fetch failed', { cause: new AggregateError([v6, v4], 'all failed') });
    expect(normalizeFailureSync(error)).toMatchObject({ kind: 'network', code: 'ECONNREFUSED' });
  });

  it('classifies AbortError and TimeoutError DOMExceptions', () => {
    expect(normalizeFailureSync(new DOMException('aborted', 'AbortError')).kind).toBe('abort');
    expect(normalizeFailureSync(new DOMException('timed out', 'TimeoutError')).kind).toBe('timeout');
  });

  it('does not mistake a caller bug for a network failure', () => {
    expect(normalizeFailureSync(new TypeError("Cannot read properties of undefined (reading 'x')"))).toEqual({
      kind: 'unknown',
      message: "Cannot read properties of undefined (reading 'x')",
    });
  });
});

describe('normalizeFailure: hostile values', () => {
  it.each([undefined, null, 'a string', 42, Symbol('s'), 10n])('never throws for %s', async (value) => {
    await expect(normalizeFailure(value)).resolves.toMatchObject({ kind: 'unknown' });
  });

  it('survives getters that throw and cyclic cause chains', async () => {
    const hostile = {
      get status(): number {
        throw new Error('getter');
      },
      get code(): string {
        throw new Error('getter');
      },
    };
    const cyclic: { cause?: unknown; code?: string } = {};
    cyclic.cause = { cause: cyclic };
    await expect(normalizeFailure(hostile)).resolves.toEqual({ kind: 'unknown' });
    await expect(normalizeFailure(cyclic)).resolves.toEqual({ kind: 'unknown' });
  });

  it('survives a proxy whose every trap throws', async () => {
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    await expect(normalizeFailure(proxy)).resolves.toEqual({ kind: 'unknown' });
  });
});
