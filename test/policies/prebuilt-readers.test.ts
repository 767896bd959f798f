import { describe, expect, it } from 'vitest';
import type { CompiledReaders, LibraryReaderSet } from '../../src/failure/readers/reader.js';
import { BUILT_IN_READERS } from '../../src/failure/readers/registry.js';
import { SP_API_CLIENT_ERRORS } from '../../src/failure/sp-api-clients.js';
import {
  definePolicy,
  isRetryError,
  mwsPolicy,
  normalizeFailure,
  retry,
  scraperPolicy,
  spApiPolicy,
  TestClock,
  type Failure,
  type Policy,
  type ReaderSet,
} from '../../src/index.js';
import { mwsErrorXml, scraperErrorJson } from '../support/seed-bodies.js';

/**
 * A policy carries the readers it reads failures with (`policy.readers.builtIn`): a policy from
 * definePolicy every built-in one, a prebuilt policy the ones for what its API sends. The values
 * below are written from the source documents (../shared/seeds, SP-API's "Response format" page),
 * not from the readers.
 */
const NOW = Date.parse('2024-01-10T12:00:00.000Z');

/** The failure the engine read from one failed attempt under `policy` (the call's RetryError holds it). */
async function engineRead(policy: Policy, answer: () => Response): Promise<Failure> {
  const clock = new TestClock(NOW);
  const error = await clock.run(retry(policy.with({ maxAttempts: 1 }), async () => answer(), { clock })).catch((e: unknown) => e);
  if (!isRetryError(error)) throw new Error(`expected a RetryError, got ${String(error)}`);
  return error.failure;
}

/** Headers none of the three APIs sends: the IETF RateLimit fields, X-RateLimit, Stripe, gRPC, other wait and request id headers. */
const FOREIGN_HEADERS: Record<string, string> = {
  RateLimit: '"default";r=0;t=7',
  'RateLimit-Policy': '"default";q=100;w=60',
  'X-RateLimit-Limit': '5000',
  'X-RateLimit-Remaining': '0',
  'X-RateLimit-Reset-After': '3',
  'retry-after-ms': '1500',
  'x-amz-retry-after': '1200',
  'grpc-retry-pushback-ms': '-1',
  'Stripe-Should-Retry': 'false',
  'x-request-id': 'generic-1',
};
const GENERIC = definePolicy({ name: 'generic', rules: [{ match: {}, retry: false }] });

describe('each prebuilt policy reads what its API sends', () => {
  it('mwsPolicy: the XML error body, x-mws-request-id, x-mws-timestamp, x-mws-quota-* and Retry-After', async () => {
    // MWS "Handling errors": QuotaExceeded is a 503; "Record the RequestId and Timestamp".
    const failure = await engineRead(
      mwsPolicy,
      () =>
        new Response(mwsErrorXml('QuotaExceeded', 'The total number of requests in an hour was exceeded.', 'e3c4a1b2-mws'), {
          status: 503,
          headers: {
            'content-type': 'text/xml',
            'x-mws-request-id': 'e3c4a1b2-mws',
            'x-mws-timestamp': '2024-01-10T11:59:59.123Z',
            'x-mws-quota-max': '200',
            'x-mws-quota-remaining': '0',
            'x-mws-quota-resetsOn': '2024-01-10T13:00:00.000Z',
            'retry-after': '120',
          },
        }),
    );
    expect(failure).toEqual({
      kind: 'http',
      status: 503,
      code: 'QuotaExceeded',
      message: 'The total number of requests in an hour was exceeded.',
      requestId: 'e3c4a1b2-mws',
      timestamp: '2024-01-10T11:59:59.123Z',
      retryAfterMs: 120_000,
      quota: { max: 200, remaining: 0, resetsAt: Date.parse('2024-01-10T13:00:00.000Z'), resetsInMs: 3_600_000 },
    });
  });

  it('mwsPolicy: the request id from x-mws-request-id when the body has none', async () => {
    const failure = await engineRead(mwsPolicy, () => new Response('Service Unavailable', { status: 503, headers: { 'x-mws-request-id': 'b7c3b0a4' } }));
    expect(failure.requestId).toBe('b7c3b0a4');
  });

  it('scraperPolicy: the JSON error body {error, message, docs_url, request_id} and Retry-After', async () => {
    // "429 rate_limited ... Check the Retry-After header."; the body's example request id.
    const failure = await engineRead(
      scraperPolicy,
      () =>
        new Response(scraperErrorJson('rate_limited', 'You exceeded your per-key QPS or concurrency ceiling.', 'req_9f2c8a1b3e4d'), {
          status: 429,
          headers: { 'content-type': 'application/json', 'Retry-After': '7' },
        }),
    );
    expect(failure).toEqual({
      kind: 'http',
      status: 429,
      code: 'rate_limited',
      message: 'You exceeded your per-key QPS or concurrency ceiling.',
      requestId: 'req_9f2c8a1b3e4d',
      retryAfterMs: 7000,
    });
  });

  it('spApiPolicy: the errors[] body, x-amzn-RequestId and x-amzn-RateLimit-Limit (its wait and its rate)', async () => {
    // SP-API "Response format": `x-amzn-RateLimit-Limit: 2.0`, `x-amzn-RequestId: a8c8d99a-...`, `{"errors":[{code, message, details}]}`.
    const failure = await engineRead(
      spApiPolicy,
      () =>
        new Response(JSON.stringify({ errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.', details: '' }] }), {
          status: 429,
          headers: { 'content-type': 'application/json', 'x-amzn-RequestId': 'a8c8d99a-6ab5-11e8-b0f8-19363980175b', 'x-amzn-RateLimit-Limit': '2.0' },
        }),
    );
    expect(failure).toEqual({
      kind: 'http',
      status: 429,
      code: 'QuotaExceeded',
      message: 'You exceeded your quota for the requested resource.',
      requestId: 'a8c8d99a-6ab5-11e8-b0f8-19363980175b',
      errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }],
      retryAfterMs: 500,
      quota: { ratePerSecond: 2 },
    });
  });

  it('spApiPolicy: Retry-After, when a server or proxy sends one, outranks the rate', async () => {
    const failure = await engineRead(spApiPolicy, () => new Response(null, { status: 503, headers: { 'Retry-After': '3', 'x-amzn-RateLimit-Limit': '0.5' } }));
    expect(failure.retryAfterMs).toBe(3000);
  });

  it.each([mwsPolicy, scraperPolicy, spApiPolicy])('$name does not read headers its API never sends', async (policy) => {
    const failure = await engineRead(policy, () => new Response(null, { status: 503, headers: FOREIGN_HEADERS }));
    expect(failure).toEqual({ kind: 'http', status: 503 });
  });

  it('a policy from definePolicy still reads all of them: the IETF RateLimit fields, X-RateLimit, and the rest', async () => {
    const read = (headers: Record<string, string>) => engineRead(GENERIC, () => new Response(null, { status: 429, headers }));
    expect(await read({ RateLimit: '"default";r=0;t=7', 'RateLimit-Policy': '"default";q=100;w=60' })).toEqual({
      kind: 'http',
      status: 429,
      retryAfterMs: 7000,
      quota: { max: 100, remaining: 0, resetsInMs: 7000, resetsAt: NOW + 7000, windowMs: 60_000 },
    });
    expect(await read({ 'X-RateLimit-Limit': '5000', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset-After': '3' })).toEqual({
      kind: 'http',
      status: 429,
      retryAfterMs: 3000,
      quota: { max: 5000, remaining: 0, resetsInMs: 3000, resetsAt: NOW + 3000 },
    });
    expect(await read(FOREIGN_HEADERS)).toMatchObject({ retryAfterMs: 1500, verdict: 'stop', requestId: 'generic-1', quota: { remaining: 0 } });
  });

  it('a policy from definePolicy with readers of its own reads them first, then every built-in one', async () => {
    const acme = definePolicy(
      { name: 'acme', rules: [{ match: {}, retry: false }] },
      { readers: { hints: [{ name: 'acme-trace', field: 'requestId', read: (headers) => (headers as Headers).get('x-acme-trace') ?? undefined }] } },
    );
    expect(acme.readers.builtIn).toBe(BUILT_IN_READERS);
    const failure = await engineRead(acme, () => new Response(null, { status: 429, headers: { 'x-acme-trace': 't-1', 'x-request-id': 'generic-1', RateLimit: '"default";r=0;t=7' } }));
    expect(failure).toMatchObject({ requestId: 't-1', retryAfterMs: 7000 });
  });
});

/**
 * An error as amazon-sp-api throws it (its `lib/CustomError.js`): an Error subclass named
 * CustomError that copies the SP-API error's fields, `type: 'error'`, no status.
 */
class CustomError extends Error {
  readonly type = 'error';
  readonly code: string;
  constructor(error: { code: string; message: string }) {
    super(error.message);
    this.code = error.code;
  }
}

describe('the SP-API client packages\' error classes travel with spApiPolicy (and definePolicy)', () => {
  const quotaExceeded = () => new CustomError({ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' });
  const failureUnder = async (policy: Policy): Promise<Failure> => {
    const clock = new TestClock(NOW);
    const error = await clock.run(retry(policy.with({ maxAttempts: 1 }), () => Promise.reject(quotaExceeded()), { clock })).catch((e: unknown) => e);
    if (!isRetryError(error)) throw new Error('expected a RetryError');
    return error.failure;
  };

  it.each([spApiPolicy, GENERIC])('$name: an amazon-sp-api QuotaExceeded is a 429 with its error listed', async (policy) => {
    expect(await failureUnder(policy)).toEqual({
      kind: 'http',
      status: 429,
      code: 'QuotaExceeded',
      message: 'You exceeded your quota for the requested resource.',
      errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }],
    });
  });

  it.each([mwsPolicy, scraperPolicy])('$name: the same error is not an SP-API answer (unknown, with its code)', async (policy) => {
    expect(await failureUnder(policy)).toEqual({ kind: 'unknown', code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' });
  });

  it('are carried by spApiPolicy and BUILT_IN_READERS only', () => {
    const clientsOf = (policy: Policy) => (policy.readers.builtIn as LibraryReaderSet).clients;
    expect(clientsOf(spApiPolicy)).toBe(SP_API_CLIENT_ERRORS);
    expect(clientsOf(GENERIC)).toBe(SP_API_CLIENT_ERRORS);
    expect(clientsOf(mwsPolicy)).toBeUndefined();
    expect(clientsOf(scraperPolicy)).toBeUndefined();
  });
});

describe('normalizeFailure', () => {
  const foreign = () => new Response(null, { status: 503, headers: FOREIGN_HEADERS });

  it('without readers reads every built-in one', async () => {
    expect(await normalizeFailure(foreign(), { now: NOW })).toMatchObject({ retryAfterMs: 1500, verdict: 'stop', requestId: 'generic-1' });
  });

  it('with a policy\'s readers reads as that policy does', async () => {
    expect(await normalizeFailure(foreign(), { now: NOW, readers: mwsPolicy.readers })).toEqual({ kind: 'http', status: 503 });
    const mws = new Response(null, { status: 503, headers: { 'x-mws-request-id': 'b7c3b0a4', ...FOREIGN_HEADERS } });
    expect(await normalizeFailure(mws, { now: NOW, readers: mwsPolicy.readers })).toEqual({ kind: 'http', status: 503, requestId: 'b7c3b0a4' });
  });
});

describe('the readers a prebuilt policy carries', () => {
  const names = (set: ReaderSet) => ({ body: set.body.map((r) => r.name), hints: set.hints.map((r) => r.name), fallbackHints: set.fallbackHints.map((r) => r.name) });

  it('are exactly these', () => {
    expect(names(mwsPolicy.readers.builtIn)).toEqual({ body: ['mws-xml'], hints: ['x-mws-request-id', 'mws-timestamp', 'retry-after', 'mws-quota'], fallbackHints: [] });
    expect(names(scraperPolicy.readers.builtIn)).toEqual({ body: ['scraper-json'], hints: ['retry-after'], fallbackHints: [] });
    expect(names(spApiPolicy.readers.builtIn)).toEqual({
      body: ['sp-api-json'],
      hints: ['retry-after', 'amzn-ratelimit-wait', 'amzn-ratelimit-quota'],
      fallbackHints: ['x-amzn-requestid'],
    });
  });

  /** Whether `part` is `whole` with some entries left out, the rest in the same order. */
  const isSubsequence = (part: readonly unknown[], whole: readonly unknown[]): boolean => {
    let i = 0;
    for (const item of whole) if (item === part[i]) i++;
    return i === part.length;
  };

  it.each([mwsPolicy, scraperPolicy, spApiPolicy])('$name: are built-in readers in the registry\'s order, so BUILT_IN_READERS stays the one precedence', (policy) => {
    const { builtIn } = policy.readers;
    for (const list of ['body', 'hints', 'fallbackHints'] as const) expect(isSubsequence(builtIn[list], BUILT_IN_READERS[list])).toBe(true);
    expect(policy.readers.body).toBeUndefined();
    expect(policy.readers.hints).toBeUndefined();
    // Read as they are: no readers of its own to check and put first.
    expect((policy.readers as CompiledReaders).inOrder).toBe(builtIn);
  });

  it('a policy from definePolicy reads its own readers, checked, before every built-in one (inOrder, internal)', () => {
    const acmeBody = { name: 'acme', read: () => undefined };
    const acmeHint = { name: 'acme-trace', field: 'requestId' as const, read: () => undefined };
    const acme = definePolicy({ name: 'acme', rules: [{ match: {}, retry: false }] }, { readers: { body: [acmeBody], hints: [acmeHint] } });
    const { inOrder } = acme.readers as CompiledReaders;
    expect(names(inOrder)).toEqual({
      body: ['acme', ...BUILT_IN_READERS.body.map((r) => r.name)],
      hints: ['acme-trace', ...BUILT_IN_READERS.hints.map((r) => r.name)],
      fallbackHints: BUILT_IN_READERS.fallbackHints.map((r) => r.name),
    });
    expect(inOrder.body[0]).not.toBe(acmeBody); // checked: a throw or a wrong value is no answer
    expect(Object.keys(acme.readers)).toEqual(['body', 'hints', 'builtIn']);
    expect((GENERIC.readers as CompiledReaders).inOrder).toBe(BUILT_IN_READERS);
  });
});
