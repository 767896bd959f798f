import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceException } from '@smithy/smithy-client';
import axios from 'axios';
import got from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeFailure, scraperPolicy, type Failure } from '../../src/index.js';
import { mwsErrorXml, scraperErrorJson } from '../support/seed-bodies.js';
import { refusedPort } from '../support/local-server.js';

/**
 * Real error objects from the real clients, made to fail against a local server: the normalizer
 * must read each shape, not just hand-built look-alikes.
 */
let server: Server;
let url: string;
let closedPort: number;
beforeAll(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case '/rate-limited':
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
        res.end(scraperErrorJson('rate_limited', 'slow down', 'req_shape'));
        return;
      case '/mws-throttled':
        res.writeHead(503, { 'content-type': 'text/xml', 'x-mws-request-id': 'rid-shape', 'x-mws-timestamp': '2024-01-10T00:00:00Z' });
        res.end(mwsErrorXml('RequestThrottled', 'Request is throttled', 'rid-shape'));
        return;
      case '/reset':
        req.socket.destroy();
        return;
      case '/slow':
        setTimeout(() => res.end('late'), 1000).unref();
        return;
      default:
        res.writeHead(404);
        res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closedPort = await refusedPort();
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function failureOf(call: () => Promise<unknown>): Promise<Failure> {
  try {
    const value = await call();
    return await normalizeFailure(value); // fetch returns its failed Responses
  } catch (error) {
    return normalizeFailure(error);
  }
}

const rateLimited = { kind: 'http', status: 429, code: 'rate_limited', requestId: 'req_shape', retryAfterMs: 3000 };
const mwsThrottled = { kind: 'http', status: 503, code: 'RequestThrottled', requestId: 'rid-shape', timestamp: '2024-01-10T00:00:00Z' };

describe.each([
  ['fetch (undici)', (path: string) => fetch(`${url}${path}`), (port: number) => fetch(`http://127.0.0.1:${port}/`), (path: string) => fetch(`${url}${path}`, { signal: AbortSignal.timeout(100) })],
  ['axios', (path: string) => axios.get(`${url}${path}`), (port: number) => axios.get(`http://127.0.0.1:${port}/`), (path: string) => axios.get(`${url}${path}`, { timeout: 100 })],
  [
    'got',
    (path: string) => got(`${url}${path}`, { retry: { limit: 0 } }),
    (port: number) => got(`http://127.0.0.1:${port}/`, { retry: { limit: 0 } }),
    (path: string) => got(`${url}${path}`, { retry: { limit: 0 }, timeout: { request: 100 } }),
  ],
] as const)('%s', (_client, get, getPort, getWithTimeout) => {
  it('4xx: the scraper JSON body and Retry-After', async () => {
    expect(await failureOf(() => get('/rate-limited'))).toMatchObject(rateLimited);
  });

  it('5xx: the MWS XML body and x-mws headers', async () => {
    expect(await failureOf(() => get('/mws-throttled'))).toMatchObject(mwsThrottled);
  });

  it('refused connection: network ECONNREFUSED', async () => {
    expect(await failureOf(() => getPort(closedPort))).toMatchObject({ kind: 'network', code: 'ECONNREFUSED' });
  });

  it('reset connection: a network failure the policies retry', async () => {
    const failure = await failureOf(() => get('/reset'));
    expect(failure.kind).toBe('network');
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(failure.code);
    expect(scraperPolicy.decide(failure, { attempt: 1 }).action).toBe('retry');
  });

  it('timeout: kind timeout', async () => {
    expect((await failureOf(() => getWithTimeout('/slow'))).kind).toBe('timeout');
  });
});

describe('AWS SDK v3 service exceptions (@smithy/smithy-client ServiceException)', () => {
  it('reads $metadata.httpStatusCode, the error name as code and $metadata.requestId', async () => {
    const error = new ServiceException({
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, requestId: 'aws-req-1', attempts: 1 },
      message: 'Rate exceeded',
    });
    expect(await normalizeFailure(error)).toEqual({ kind: 'http', status: 400, code: 'ThrottlingException', message: 'Rate exceeded', requestId: 'aws-req-1' });
  });
});

describe('a server that stalls in the middle of its error body', () => {
  it('does not hang the normalizer: what arrived by bodyTimeoutMs is parsed', async () => {
    const stalling = createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '2' });
      res.write('{"error":"capacity","message":"rare"'); // ...and never ends
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(stalling.address() as AddressInfo).port}/`);
      const started = Date.now();
      const failure = await normalizeFailure(response, { bodyTimeoutMs: 100 });
      expect(Date.now() - started).toBeLessThan(5000); // not a speed test: without the timeout this never returns
      expect(failure).toMatchObject({ kind: 'http', status: 503, retryAfterMs: 2000 });
      expect(failure.code).toBeUndefined(); // the JSON was cut short
      await response.body?.cancel();
    } finally {
      stalling.closeAllConnections();
      await new Promise((resolve) => stalling.close(resolve));
    }
  });
});

describe('AWS SDK v3 service errors: hints on $response', () => {
  it('reads x-amz-retry-after and Retry-After from the raw answer the SDK keeps on $response', async () => {
    const { normalizeFailure } = await import('../../src/index.js');
    // smithy's ServiceException carries `$response` (the HttpResponse: statusCode, headers) and `$metadata`.
    const error = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, requestId: 'req-aws-1' },
      $response: { statusCode: 400, headers: { 'x-amz-retry-after': '1500', 'x-amzn-requestid': 'req-aws-1' } },
    });
    const failure = await normalizeFailure(error);
    expect(failure).toMatchObject({ kind: 'http', status: 400, code: 'ThrottlingException', requestId: 'req-aws-1', retryAfterMs: 1500 });
  });
});
