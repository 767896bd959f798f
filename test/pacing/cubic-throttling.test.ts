import { describe, expect, it } from 'vitest';
import type { Failure } from '../../src/failure/failure.js';
import { isThrottling as isThrottlingFailure, THROTTLING_CODES as CUBIC_THROTTLING_CODES } from '../../src/failure/throttling.js';

describe('isThrottlingFailure (smithy isThrottlingError, over a Failure)', () => {
  it('counts any 429, whatever the code', () => {
    expect(isThrottlingFailure({ kind: 'http', status: 429 })).toBe(true);
    expect(isThrottlingFailure({ kind: 'http', status: 429, code: 'InvalidInput' })).toBe(true);
  });

  it.each([
    // smithy's THROTTLING_ERROR_CODES
    'BandwidthLimitExceeded', 'EC2ThrottledException', 'LimitExceededException', 'PriorRequestNotComplete',
    'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException',
    'SlowDown', 'ThrottledException', 'Throttling', 'ThrottlingException', 'TooManyRequestsException',
    'TransactionInProgressException',
    // retry-table's prebuilt APIs: SP-API, MWS, the scraper API
    'QuotaExceeded', 'TooManyRequests', 'rate_limited', 'capacity',
  ])('counts the code %s under any status', (code) => {
    expect(isThrottlingFailure({ kind: 'http', status: 503, code })).toBe(true);
    expect(isThrottlingFailure({ kind: 'http', status: 400, code })).toBe(true);
  });

  it('lists exactly those codes', () => {
    expect(CUBIC_THROTTLING_CODES).toHaveLength(18);
    expect(new Set(CUBIC_THROTTLING_CODES).size).toBe(18);
  });

  it.each<Failure>([
    { kind: 'http', status: 503 },
    { kind: 'http', status: 500, code: 'InternalFailure' },
    { kind: 'http', status: 400, code: 'throttling' }, // exact case, as smithy's includes()
    { kind: 'http', status: 503, code: 'InternalError', errors: [{ code: 'QuotaExceeded' }] }, // only the leading code
    { kind: 'network', code: 'ECONNRESET' },
    { kind: 'timeout' },
  ])('does not count %j', (failure) => {
    expect(isThrottlingFailure(failure)).toBe(false);
  });
});
