import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spApiJsonReader } from '../../src/failure/readers/sp-api-json.js';
import { normalizeFailure } from '../../src/index.js';

/**
 * Bodies as Amazon's SP-API documentation shows them: the "Response format" page's example
 * (HTTP/1.1 400, x-amzn-RequestId: a8c8d99a-6ab5-11e8-b0f8-19363980175b, errors[0] Unauthorized)
 * and the API models' `ErrorList` (`code` and `message` required, `details` optional).
 */
const DOCUMENTED = {
  errors: [{ message: 'Access to requested resource is denied.', code: 'Unauthorized', details: 'Access token is missing in the request header.' }],
};
const QUOTA = { errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.', details: '' }] };
const TWO = {
  errors: [
    { code: 'InvalidInput', message: 'Invalid Input', details: '' },
    { code: 'InvalidInput', message: 'MarketplaceIds is required', details: 'MarketplaceIds' },
  ],
};

describe('the SP-API body reader', () => {
  it.each([
    ['the documented example', DOCUMENTED, { code: 'Unauthorized', message: 'Access to requested resource is denied.', errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details: 'Access token is missing in the request header.' }] }],
    ['429 QuotaExceeded, empty details left out', QUOTA, { code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.', errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }] }],
    ['two errors: the first decides, all are kept', TWO, { code: 'InvalidInput', message: 'Invalid Input', errors: [{ code: 'InvalidInput', message: 'Invalid Input' }, { code: 'InvalidInput', message: 'MarketplaceIds is required', details: 'MarketplaceIds' }] }],
    ['an empty list', { errors: [] }, undefined],
    ['entries without a code', { errors: [{ message: 'x' }, 'y', null] }, undefined],
    ['not a list', { errors: 'QuotaExceeded' }, undefined],
    ['the scraper format is not SP-API', { error: 'rate_limited' }, undefined],
  ])('%s', (_label, json, expected) => {
    expect(spApiJsonReader.read({ text: undefined, json })).toEqual(expected);
  });

  it('keeps at most 20 errors of a huge list', () => {
    const many = { errors: Array.from({ length: 1000 }, (_, i) => ({ code: `E${i}`, message: 'm' })) };
    expect(spApiJsonReader.read({ text: undefined, json: many })!.errors).toHaveLength(20);
  });
});

describe('an SP-API answer through real fetch', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-RequestId': 'a8c8d99a-6ab5-11e8-b0f8-19363980175b', 'x-amzn-ErrorType': 'ValidationException' });
      res.end(JSON.stringify(DOCUMENTED));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('yields the code, message, every error and the x-amzn-RequestId', async () => {
    const failure = await normalizeFailure(await fetch(`${base}/orders/v0/orders`));
    expect(failure).toEqual({
      kind: 'http',
      status: 400,
      code: 'Unauthorized',
      message: 'Access to requested resource is denied.',
      requestId: 'a8c8d99a-6ab5-11e8-b0f8-19363980175b',
      errors: DOCUMENTED.errors,
    });
  });
});
