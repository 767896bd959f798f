import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeFailure } from '../../src/failure/normalize.js';
import type { BodyReader } from '../../src/failure/readers/reader.js';
import { definePolicy, isRetryError, withRetry, type RetryError } from '../../src/index.js';

/**
 * A made-up API, "Acme", whose error body no built-in reader knows:
 * `{"fault":{"errcode":"ACME_BUSY","detail":"try later","trace":"tr-123"}}`, served by a real
 * node:http server and read through real fetch.
 */
const BUSY = { fault: { errcode: 'ACME_BUSY', detail: 'try later', trace: 'tr-123' } };
const DENIED = { fault: { errcode: 'ACME_DENIED', detail: 'no access to this order', trace: 'tr-456' } };

/** Requests seen per order id: the flaky order is busy twice, then answers. */
const requests = new Map<string, number>();
let server: Server;
let acmeUrl: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const id = /^\/orders\/(.+)$/.exec(req.url ?? '')?.[1] ?? '';
    const seen = (requests.get(id) ?? 0) + 1;
    requests.set(id, seen);
    const answer = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (id === 'denied') return answer(403, DENIED);
    if (id === 'busy' || (id === 'flaky' && seen <= 2)) return answer(503, BUSY);
    return answer(200, { id, status: 'shipped' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  acmeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// #region readme: README.md "Your own API's error format: body readers" shows this code as is.
const get = (value: unknown, key: string): unknown => (typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Acme's errors: {"fault":{"errcode":"ACME_BUSY","detail":"try later","trace":"tr-123"}}. */
const acmeReader: BodyReader = {
  name: 'acme',
  read: ({ json }) => {
    const fault = get(json, 'fault');
    const code = get(fault, 'errcode');
    if (typeof code !== 'string') return undefined; // not Acme's format: the built-in readers are tried next
    return { code, message: text(get(fault, 'detail')), requestId: text(get(fault, 'trace')) };
  },
};

const acmePolicy = definePolicy(
  {
    name: 'acme',
    maxAttempts: 3,
    rules: [
      { match: { code: 'ACME_BUSY' }, retry: true, schedule: { type: 'constant', delayMs: 0 } },
      { match: { code: 'ACME_DENIED' }, retry: false, note: 'ask for access' },
      { match: {}, retry: false },
    ],
  },
  { readers: { body: [acmeReader] } },
);

const getOrder = withRetry(acmePolicy)((id: string) => fetch(`${acmeUrl}/orders/${id}`));
// #endregion readme

async function rejection(promise: Promise<unknown>): Promise<RetryError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!isRetryError(error)) throw new Error(`expected a RetryError, got ${String(error)}`);
  return error;
}

describe('a body reader for an API of your own, end to end over real fetch', () => {
  it('normalizeFailure reads the Acme body with the reader, leaving the body readable', async () => {
    const response = await fetch(`${acmeUrl}/orders/busy`);
    expect(await normalizeFailure(response, { readers: { body: [acmeReader] } })).toEqual({
      kind: 'http',
      status: 503,
      code: 'ACME_BUSY',
      message: 'try later',
      requestId: 'tr-123',
    });
    expect(await response.json()).toEqual(BUSY);
  });

  it('without the reader, only the status and its text are known', async () => {
    expect(await normalizeFailure(await fetch(`${acmeUrl}/orders/busy`))).toEqual({ kind: 'http', status: 503, message: 'Service Unavailable' });
  });

  it('the built-in readers still answer for bodies that are not in Acme format', async () => {
    const scraper = new Response('{"error":"rate_limited","request_id":"req_1"}', { status: 429 });
    expect(await normalizeFailure(scraper, { readers: { body: [acmeReader] } })).toMatchObject({ code: 'rate_limited', requestId: 'req_1' });
  });

  it('withRetry retries the busy answer on its code, then returns the answer', async () => {
    const response = await getOrder('flaky');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'flaky', status: 'shipped' });
    expect(requests.get('flaky')).toBe(3);
  });

  it('withRetry stops on another Acme code, with that code and the trace in the error and its journal', async () => {
    const error = await rejection(getOrder('denied'));
    expect(error.reason).toBe('not-retryable');
    expect(error.failure).toMatchObject({ status: 403, code: 'ACME_DENIED', message: 'no access to this order', requestId: 'tr-456' });
    expect(error.attempts).toHaveLength(1);
    expect(error.attempts[0]).toMatchObject({ code: 'ACME_DENIED', requestId: 'tr-456' });
  });

  it('withRetry gives up on a code that stays busy after maxAttempts', async () => {
    const error = await rejection(getOrder('busy'));
    expect(error.reason).toBe('attempts-exhausted');
    expect(error.attempts.map((attempt) => attempt.code)).toEqual(['ACME_BUSY', 'ACME_BUSY', 'ACME_BUSY']);
  });

  it('README.md shows the code this test runs', () => {
    const source = readFileSync(new URL(import.meta.url), 'utf8');
    const region = /\/\/ #region readme[^\n]*\n([\s\S]*?)\/\/ #endregion readme/.exec(source)?.[1];
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(region).toBeDefined();
    expect(readme).toContain(region);
  });
});
