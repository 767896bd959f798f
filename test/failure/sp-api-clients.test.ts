import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { SellingPartnerApiError } from '@sp-api-sdk/common';
import { SellingPartnerApiAuth } from '@sp-api-sdk/auth';
import { OrdersApiClient as BizonOrdersClient } from '@sp-api-sdk/orders-api-v0';
import {
  OrdersApiClient as ScaleLeapOrdersClient,
  SellingPartnerTooManyRequestsError,
  SellingPartnerUnknownError,
} from '@scaleleap/selling-partner-api-sdk';
import { SellingPartner } from 'amazon-sp-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classify } from '../../src/failure/classify.js';
import { SP_API_CLIENT_ERRORS } from '../../src/failure/sp-api-clients.js';
import { normalizeFailure, spApiPolicy, type Failure } from '../../src/index.js';

/**
 * The three JavaScript SP-API clients, each made to fail by itself against a local node:http
 * server, and their errors normalized. ScaleLeap takes a base path. amazon-sp-api and
 * @sp-api-sdk hardcode `https://sellingpartnerapi-{region}.amazon.com`, but both hand an agent
 * to node:https (amazon-sp-api's `https_proxy_agent` option, axios' per-call `httpsAgent`): the
 * agent below opens a plain TCP connection to the local server whatever host is asked for, so
 * no request leaves 127.0.0.1 and the client's own code builds the error.
 *
 * Bodies are Amazon's: the "Response format" page's `{"errors":[{code, message, details}]}`, and
 * the messages of the API models' sandbox examples.
 */
interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Send the head and a first chunk, then nothing (amazon-sp-api's idle timeout). */
  readonly stallBody?: boolean;
  /** Never answer (the response timeouts). */
  readonly stall?: boolean;
  /** Destroy the socket instead of answering. */
  readonly reset?: boolean;
}

const QUOTA_MESSAGE = 'You exceeded your quota for the requested resource.';
const DENIED_MESSAGE = 'Access to requested resource is denied.';
const EXPIRED_DETAILS = 'The access token you provided has expired.';

const spApiBody = (...errors: { code: string; message: string; details?: string }[]): string => JSON.stringify({ errors });
const spApiAnswer = (status: number, code: string, message: string, details?: string): Answer => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-RequestId': `rid-${code}` },
  body: spApiBody(details === undefined ? { code, message } : { code, message, details }),
});

let server: Server;
let port: number;
let baseUrl: string;
let answer: Answer;
let requests = 0;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests++;
    req.resume();
    if (answer.reset === true) return void req.socket.destroy();
    if (answer.stall === true) return;
    res.writeHead(answer.status, answer.headers);
    if (answer.stallBody === true) return void res.write(answer.body ?? '');
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  requests = 0;
});

/** An https agent whose every connection is plain TCP to the local server: the request never leaves the machine. */
class LoopbackAgent extends HttpsAgent {
  override createConnection(): Socket {
    return connect(port, '127.0.0.1');
  }
}

/** What retry-table's SP-API table does with the failure on a first attempt. */
const action = (failure: Failure): string => spApiPolicy.decide(failure, { attempt: 1 }).action;

async function thrownBy(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('the call did not fail');
}

describe('amazon-sp-api (amz-tools): a CustomError with the SP-API code and no status', () => {
  const client = (timeouts?: { response?: number; idle?: number; deadline?: number }): SellingPartner =>
    new SellingPartner({
      region: 'eu',
      refresh_token: 'Atzr|refresh',
      access_token: 'Atza|access',
      credentials: { SELLING_PARTNER_APP_CLIENT_ID: 'amzn1.application-oa2-client.test', SELLING_PARTNER_APP_CLIENT_SECRET: 'secret' },
      options: {
        // Its own retries off, as a retry table wants: 429 would otherwise recurse without limit.
        auto_request_tokens: false,
        auto_request_throttled: false,
        retry_remote_timeout: false,
        https_proxy_agent: new LoopbackAgent(),
        ...(timeouts === undefined ? {} : { timeouts }),
      },
    });
  const getOrders = (sp: SellingPartner): Promise<unknown> =>
    sp.callAPI({ operation: 'getOrders', endpoint: 'orders', query: { MarketplaceIds: ['A1PA6795UKMFR9'] } });

  it.each<[number, string, number, string, string]>([
    [400, 'InvalidInput', 400, 'Invalid Input', 'stop'],
    [400, 'BadRequest', 400, 'Bad Request', 'stop'],
    [401, 'Unauthorized', 403, "You don't have access to the requested response or the credentials are invalid.", 'stop'],
    [403, 'Unauthorized', 403, DENIED_MESSAGE, 'stop'],
    [403, 'AccessDenied', 403, 'Access denied', 'stop'],
    [404, 'NotFound', 404, "The requested resource is invalid or doesn't exist", 'stop'],
    [429, 'QuotaExceeded', 429, QUOTA_MESSAGE, 'retry'],
    [429, 'TooManyRequests', 429, 'The total number of requests exceeded your allowed limit.', 'retry'],
    [429, 'RequestThrottled', 429, 'The request was throttled.', 'retry'],
    [500, 'InternalFailure', 500, 'We encountered an internal error. Please try again.', 'retry'],
    [500, 'InternalError', 500, 'Internal error', 'retry'],
    [500, 'InternalServerError', 500, 'Internal server error', 'retry'],
    [503, 'ServiceUnavailable', 503, 'Service temporarily unavailable or down for maintenance. Please try again after sometime.', 'retry'],
  ])('%i %s: http %i from the code', async (sent, code, status, message, decision) => {
    answer = spApiAnswer(sent, code, message);
    const error = await thrownBy(() => getOrders(client()));
    expect(error).toMatchObject({ code, message, type: 'error' });
    expect(error).not.toHaveProperty('status');
    expect(requests).toBe(1); // it reached the local server, and nothing else
    const failure = await normalizeFailure(error);
    expect(failure).toEqual({ kind: 'http', status, code, message, errors: [{ code, message }] });
    expect(action(failure)).toBe(decision);
  });

  it('the expired token: 403 Unauthorized, the details kept in errors', async () => {
    answer = spApiAnswer(403, 'Unauthorized', DENIED_MESSAGE, EXPIRED_DETAILS);
    const failure = await normalizeFailure(await thrownBy(() => getOrders(client())));
    expect(failure).toEqual({
      kind: 'http',
      status: 403,
      code: 'Unauthorized',
      message: DENIED_MESSAGE,
      errors: [{ code: 'Unauthorized', message: DENIED_MESSAGE, details: EXPIRED_DETAILS }],
    });
  });

  it('a code whose status the models do not pin down (InvalidRequest: 400, 403, 413, 415): unknown, with its code', async () => {
    answer = spApiAnswer(413, 'InvalidRequest', 'The request size exceeded the maximum accepted size.');
    const failure = await normalizeFailure(await thrownBy(() => getOrders(client())));
    expect(failure).toEqual({ kind: 'unknown', code: 'InvalidRequest', message: 'The request size exceeded the maximum accepted size.' });
    expect(action(failure)).toBe('stop');
  });

  it.each([
    ['response', { response: 50 }, { stall: true }, 'API_RESPONSE_TIMEOUT'],
    ['idle', { idle: 50 }, { status: 200, headers: { 'content-type': 'application/json' }, body: '{"payload":', stallBody: true }, 'API_IDLE_TIMEOUT'],
    ['deadline', { deadline: 50 }, { stall: true }, 'API_DEADLINE_TIMEOUT'],
  ] as const)('its %s timeout: kind timeout, its code kept, retried', async (_name, timeouts, sent, code) => {
    answer = { status: 0, ...sent };
    const failure = await normalizeFailure(await thrownBy(() => getOrders(client(timeouts))));
    expect(failure).toMatchObject({ kind: 'timeout', code });
    expect(action(failure)).toBe('retry');
  });

  it('JSON_PARSE_ERROR (a body that is not JSON, whatever its status): unknown with the code, so a row can match it', async () => {
    answer = { status: 502, headers: { 'content-type': 'text/html' }, body: '<html><body>502 Bad Gateway</body></html>' };
    const failure = await normalizeFailure(await thrownBy(() => getOrders(client())));
    expect(failure).toEqual({ kind: 'unknown', code: 'JSON_PARSE_ERROR', message: '<html><body>502 Bad Gateway</body></html>' });
    expect(action(failure)).toBe('stop');
  });

  it('a reset connection: the socket error passes through, network', async () => {
    answer = { status: 0, reset: true };
    const failure = await normalizeFailure(await thrownBy(() => getOrders(client())));
    expect(failure).toMatchObject({ kind: 'network', code: 'ECONNRESET' });
    expect(action(failure)).toBe('retry');
  });

  it('a library error before any request (no credentials): unknown with its code, not retried', async () => {
    const error = await thrownBy(async () => new SellingPartner({ region: 'eu', refresh_token: 'Atzr|refresh', options: { credentials_path: '/nonexistent' } }));
    const failure = await normalizeFailure(error);
    expect(failure).toMatchObject({ kind: 'unknown', code: 'CREDENTIALS_MISSING' });
    expect(action(failure)).toBe('stop');
    expect(requests).toBe(0);
  });

  it('only its own errors: other errors that carry an SP-API code are not taken for an answer', async () => {
    const plain = Object.assign(new Error('not found'), { code: 'NotFound', type: 'error' });
    class CustomError extends Error {
      override name = 'CustomError';
      type = 'error';
      code = 'NotFound';
    }
    class Untyped extends Error {
      code = 'QuotaExceeded';
    }
    for (const error of [plain, new CustomError('not found'), { code: 'QuotaExceeded', message: 'x', type: 'error' }, new Untyped('x')]) {
      expect((await normalizeFailure(error)).kind).toBe('unknown');
    }
  });

  it('the recognition never throws: a proxy whose prototype lookup throws is just unknown', () => {
    const hostile = new Proxy(
      { code: 'QuotaExceeded', type: 'error' },
      {
        getPrototypeOf() {
          throw new Error('trap');
        },
      },
    );
    expect(classify(hostile, SP_API_CLIENT_ERRORS)).toEqual({ kind: 'unknown', code: 'QuotaExceeded' });
  });
});

describe('@sp-api-sdk (bizon): SellingPartnerApiError extends AxiosError, the code in response.data.errors', () => {
  /** Its auth would ask Login with Amazon for a token: answer with a fixed one instead. */
  class FixedTokenAuth extends SellingPartnerApiAuth {
    override getAccessToken(): Promise<string> {
      return Promise.resolve('Atza|access');
    }
  }
  const client = new BizonOrdersClient({ auth: new FixedTokenAuth({ clientId: 'id', clientSecret: 'secret', refreshToken: 'Atzr|refresh' }), region: 'eu' });
  // Per call, as axios allows: the local agent, no proxy from the environment, and a lookup that
  // could only ever say 127.0.0.1.
  const local = {
    httpsAgent: new LoopbackAgent(),
    proxy: false as const,
    lookup: (_host: string, _options: object, callback: (error: null, address: string, family: 4) => void) => callback(null, '127.0.0.1', 4),
  };
  const getOrders = (): Promise<unknown> => client.getOrders({ marketplaceIds: ['A1PA6795UKMFR9'] }, local);

  it.each<[number, string, string, string]>([
    [429, 'QuotaExceeded', QUOTA_MESSAGE, 'retry'],
    [403, 'Unauthorized', DENIED_MESSAGE, 'stop'],
    [400, 'InvalidInput', 'Invalid Input', 'stop'],
    [503, 'ServiceUnavailable', 'Service temporarily unavailable or down for maintenance. Please try again after sometime.', 'retry'],
  ])('%i %s: the status and request id from the response, the code from its body', async (status, code, message, decision) => {
    answer = spApiAnswer(status, code, message);
    const error = await thrownBy(getOrders);
    expect(error).toBeInstanceOf(SellingPartnerApiError);
    expect(requests).toBe(1); // it reached the local server, and nothing else
    expect(error).toMatchObject({ code: status < 500 ? 'ERR_BAD_REQUEST' : 'ERR_BAD_RESPONSE', message: `orders (v0) error: Response code ${status}` });
    const failure = await normalizeFailure(error);
    expect(failure).toMatchObject({ kind: 'http', status, code, message, requestId: `rid-${code}`, errors: [{ code, message }] });
    expect(action(failure)).toBe(decision);
  });

  it('every error of the list is kept; the first is the code', async () => {
    answer = {
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: spApiBody({ code: 'InvalidInput', message: 'Invalid MarketplaceId', details: '' }, { code: 'InvalidInput', message: 'Invalid CreatedAfter' }),
    };
    const failure = await normalizeFailure(await thrownBy(getOrders));
    expect(failure.errors).toEqual([
      { code: 'InvalidInput', message: 'Invalid MarketplaceId' },
      { code: 'InvalidInput', message: 'Invalid CreatedAfter' },
    ]);
  });

  it('a gateway page instead of SP-API JSON: http 503 without a code (axios ERR_BAD_RESPONSE is not the server code)', async () => {
    answer = { status: 503, headers: { 'content-type': 'text/html' }, body: '<html>Service Unavailable</html>' };
    const failure = await normalizeFailure(await thrownBy(getOrders));
    expect(failure).toMatchObject({ kind: 'http', status: 503 });
    expect(failure.code).toBeUndefined();
  });

  it('no response at all: "No response", network with the socket code', async () => {
    answer = { status: 0, reset: true };
    const error = await thrownBy(getOrders);
    expect(error).toBeInstanceOf(SellingPartnerApiError);
    expect((error as Error).message).toBe('orders (v0) error: No response');
    const failure = await normalizeFailure(error);
    expect(failure).toMatchObject({ kind: 'network', code: 'ECONNRESET' });
    expect(action(failure)).toBe('retry');
  });
});

describe('@scaleleap/selling-partner-api-sdk: its error keeps the code and request id, the AxiosError in cause the status', () => {
  // `region` with `basePath`: without it the client looks the host up among Amazon's and throws.
  const getOrders = (): Promise<unknown> =>
    new ScaleLeapOrdersClient({ accessToken: 'Atza|access', basePath: baseUrl, region: 'eu-west-1' }).getOrders({ marketplaceIds: ['A1PA6795UKMFR9'] });

  it('429 QuotaExceeded: SellingPartnerTooManyRequestsError, read as the 429 it was', async () => {
    answer = spApiAnswer(429, 'QuotaExceeded', QUOTA_MESSAGE);
    const error = await thrownBy(getOrders);
    expect(error).toBeInstanceOf(SellingPartnerTooManyRequestsError);
    expect(error).toMatchObject({ code: 'QuotaExceeded', requestId: 'rid-QuotaExceeded', cause: { response: { status: 429 } } });
    const failure = await normalizeFailure(error);
    expect(failure).toMatchObject({ kind: 'http', status: 429, code: 'QuotaExceeded', message: QUOTA_MESSAGE, requestId: 'rid-QuotaExceeded' });
    expect(failure.errors).toEqual([{ code: 'QuotaExceeded', message: QUOTA_MESSAGE }]);
    expect(action(failure)).toBe('retry');
  });

  it('the first error, which its factory shift()ed out of the body, stays first; the rest follow', async () => {
    answer = {
      status: 400,
      headers: { 'content-type': 'application/json', 'x-amzn-RequestId': 'rid-two' },
      body: spApiBody({ code: 'InvalidInput', message: 'Invalid MarketplaceId' }, { code: 'BadRequest', message: 'Invalid CreatedAfter' }),
    };
    const failure = await normalizeFailure(await thrownBy(getOrders));
    expect(failure).toMatchObject({ kind: 'http', status: 400, code: 'InvalidInput', message: 'Invalid MarketplaceId', requestId: 'rid-two' });
    expect(failure.errors).toEqual([
      { code: 'InvalidInput', message: 'Invalid MarketplaceId' },
      { code: 'BadRequest', message: 'Invalid CreatedAfter' },
    ]);
    expect(action(failure)).toBe('stop');
  });

  it.each<[number, string, string, string]>([
    [403, 'Unauthorized', DENIED_MESSAGE, 'stop'],
    [404, 'NotFound', "The requested resource is invalid or doesn't exist", 'stop'],
    [500, 'InternalFailure', 'We encountered an internal error. Please try again.', 'retry'],
    [503, 'ServiceUnavailable', 'Service temporarily unavailable or down for maintenance. Please try again after sometime.', 'retry'],
    [502, 'InternalFailure', 'Bad gateway', 'retry'],
  ])('%i %s', async (status, code, message, decision) => {
    answer = spApiAnswer(status, code, message);
    const failure = await normalizeFailure(await thrownBy(getOrders));
    expect(failure).toMatchObject({ kind: 'http', status, code, message, requestId: `rid-${code}` });
    expect(action(failure)).toBe(decision);
  });

  it('an empty errors list: SellingPartnerUnknownError, whose code is axios\' own: http 429 without a code', async () => {
    answer = { status: 429, headers: { 'content-type': 'application/json' }, body: '{"errors":[]}' };
    const error = await thrownBy(getOrders);
    expect(error).toBeInstanceOf(SellingPartnerUnknownError);
    expect(error).toMatchObject({ code: 'ERR_BAD_REQUEST' });
    const failure = await normalizeFailure(error);
    expect(failure).toMatchObject({ kind: 'http', status: 429 });
    expect(failure.code).toBeUndefined();
    expect(action(failure)).toBe('retry');
  });

  it('a body that is not SP-API JSON: the AxiosError itself is thrown, read as usual', async () => {
    answer = { status: 503, headers: { 'content-type': 'text/html' }, body: '<html>Service Unavailable</html>' };
    const failure = await normalizeFailure(await thrownBy(getOrders));
    expect(failure).toMatchObject({ kind: 'http', status: 503 });
    expect(failure.code).toBeUndefined();
  });

  it('a reset connection: network', async () => {
    answer = { status: 0, reset: true };
    expect(await normalizeFailure(await thrownBy(getOrders))).toMatchObject({ kind: 'network', code: 'ECONNRESET' });
  });
});
