import { describe, expect, it } from 'vitest';
import { normalizeFailure, normalizeFailureSync } from '../../src/failure/normalize.js';
import { BUILT_IN_READERS } from '../../src/failure/readers/registry.js';

const NOW = Date.parse('2024-01-10T12:00:00.000Z');

/**
 * Every header that gives a wait, highest rank first, each with a distinct wait so the winner is
 * plain. The IETF draft (-10, Client Behavior): "If a response contains both the RateLimit and
 * Retry-After fields, the Retry-After field MUST take precedence and the reset parameter MAY be
 * ignored." The explicit waits come before any wait derived from rate-limit headers, and SP-API's
 * rate (how fast the bucket refills) comes last.
 */
const WAITS: [source: string, headers: Record<string, string>, retryAfterMs: number][] = [
  ['Retry-After', { 'retry-after': '9' }, 9000],
  ['retry-after-ms', { 'retry-after-ms': '8000' }, 8000],
  ['x-amz-retry-after', { 'x-amz-retry-after': '7000' }, 7000],
  ['grpc-retry-pushback-ms', { 'grpc-retry-pushback-ms': '6000' }, 6000],
  ['RateLimit t (r=0)', { RateLimit: '"default";r=0;t=5' }, 5000],
  ['RateLimit-Reset (RateLimit-Remaining 0)', { 'RateLimit-Remaining': '0', 'RateLimit-Reset': '4' }, 4000],
  ['X-RateLimit-Reset-After (X-RateLimit-Remaining 0)', { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset-After': '3' }, 3000],
  ['x-amzn-RateLimit-Limit (1/rate)', { 'x-amzn-RateLimit-Limit': '0.5' }, 2000],
];

describe('the wait: each header outranks every one after it', () => {
  it.each(WAITS.map(([source, , ms], i) => [source, i, ms] as const))('%s wins over the rest', async (_source, i, ms) => {
    const headers = Object.assign({}, ...WAITS.slice(i).map(([, h]) => h)) as Record<string, string>;
    expect(normalizeFailureSync({ status: 429, headers }, { now: NOW }).retryAfterMs).toBe(ms);
    expect((await normalizeFailure(new Response(null, { status: 429, headers }), { now: NOW })).retryAfterMs).toBe(ms);
  });

  it('a header no one sent leaves no wait', () => {
    expect(normalizeFailureSync({ status: 429, headers: { 'content-type': 'application/json' } }, { now: NOW }).retryAfterMs).toBeUndefined();
  });

  it('a malformed explicit wait does not hide a derived one', () => {
    const headers = { 'retry-after': 'soon', 'retry-after-ms': '-1', RateLimit: '"default";r=0;t=5' };
    expect(normalizeFailureSync({ status: 429, headers }, { now: NOW }).retryAfterMs).toBe(5000);
  });

  // -10 §"Responses without defining policies": the draft's own 429 with both fields.
  it('the draft\'s example: Retry-After (an HTTP-date) over RateLimit t', () => {
    const now = Date.parse('Mon, 05 Aug 2019 09:27:00 GMT');
    const headers = { 'Retry-After': 'Mon, 05 Aug 2019 09:27:05 GMT', RateLimit: '"default";r=0;t=5' };
    expect(normalizeFailureSync({ status: 429, headers }, { now })).toEqual({
      kind: 'http',
      status: 429,
      retryAfterMs: 5000,
      quota: { remaining: 0, resetsInMs: 5000, resetsAt: now + 5000 },
    });
  });

  // Discord's docs show an integer Retry-After next to the finer Reset-After: Retry-After wins.
  it('Discord: Retry-After 65 over X-RateLimit-Reset-After 64.57', () => {
    const headers = { 'Retry-After': '65', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset-After': '64.57', 'X-RateLimit-Limit': '5' };
    const failure = normalizeFailureSync({ status: 429, headers }, { now: NOW });
    expect(failure.retryAfterMs).toBe(65_000);
    expect(failure.quota).toEqual({ max: 5, remaining: 0, resetsInMs: 64_570, resetsAt: NOW + 64_570 });
  });

  it('quota left means no derived wait, and the next header is asked', () => {
    const headers = { RateLimit: '"default";r=3;t=5', 'x-amzn-RateLimit-Limit': '2.0' };
    expect(normalizeFailureSync({ status: 429, headers }, { now: NOW }).retryAfterMs).toBe(500);
  });
});

describe('the quota: the first format present, whole', () => {
  const QUOTAS: [source: string, headers: Record<string, string>, quota: object][] = [
    [
      'x-mws-quota-*',
      { 'x-mws-quota-max': '200', 'x-mws-quota-remaining': '0', 'x-mws-quota-resetsOn': '2024-01-10T12:30:00.000Z' },
      { max: 200, remaining: 0, resetsAt: Date.parse('2024-01-10T12:30:00.000Z'), resetsInMs: 1_800_000 },
    ],
    ['RateLimit', { RateLimit: '"default";r=1;t=30' }, { remaining: 1, resetsInMs: 30_000, resetsAt: NOW + 30_000 }],
    ['RateLimit-Limit', { 'RateLimit-Limit': '10', 'RateLimit-Remaining': '2' }, { max: 10, remaining: 2 }],
    ['X-RateLimit-*', { 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '3' }, { max: 60, remaining: 3 }],
    ['x-amzn-RateLimit-Limit', { 'x-amzn-RateLimit-Limit': '2.0' }, { ratePerSecond: 2 }],
  ];

  it.each(QUOTAS.map(([source, , quota], i) => [source, i, quota] as const))('%s wins over the rest', (_source, i, quota) => {
    const headers = Object.assign({}, ...QUOTAS.slice(i).map(([, h]) => h)) as Record<string, string>;
    expect(normalizeFailureSync({ status: 429, headers }, { now: NOW }).quota).toEqual(quota);
  });
});

describe('the verdict', () => {
  it('Stripe-Should-Retry, then a refusing gRPC pushback', () => {
    expect(normalizeFailureSync({ status: 409, headers: { 'stripe-should-retry': 'true', 'grpc-retry-pushback-ms': '-1' } }, { now: NOW }).verdict).toBe('retry');
    expect(normalizeFailureSync({ status: 409, headers: { 'stripe-should-retry': 'maybe', 'grpc-retry-pushback-ms': '-1' } }, { now: NOW }).verdict).toBe('stop');
  });

  it('a refusing pushback is a verdict and no wait; a lower-ranked wait still counts', () => {
    const failure = normalizeFailureSync({ status: 503, headers: { 'grpc-retry-pushback-ms': '-1', RateLimit: '"default";r=0;t=5' } }, { now: NOW });
    expect(failure).toMatchObject({ verdict: 'stop', retryAfterMs: 5000 });
  });
});

describe('new fields appear only when their headers are there', () => {
  it('a failure with unrelated headers is what it always was', () => {
    const headers = { 'content-type': 'application/json', 'x-request-id': 'r-1', date: 'Wed, 10 Jan 2024 12:00:00 GMT' };
    expect(normalizeFailureSync({ status: 503, headers }, { now: NOW })).toEqual({ kind: 'http', status: 503, requestId: 'r-1' });
  });

  it('MWS quota headers give the quota they always gave, and no wait: the MWS policy reads the reset itself', () => {
    const headers = { 'x-mws-quota-max': '200', 'x-mws-quota-remaining': '0', 'x-mws-quota-resetsOn': '2024-01-10T12:30:00.000Z', 'x-mws-request-id': 'b7c3' };
    expect(normalizeFailureSync({ status: 503, headers }, { now: NOW })).toEqual({
      kind: 'http',
      status: 503,
      requestId: 'b7c3',
      quota: { max: 200, remaining: 0, resetsAt: Date.parse('2024-01-10T12:30:00.000Z'), resetsInMs: 1_800_000 },
    });
  });

  it('SP-API 429s carry no rate header (only 20x, 400, 404 do): nothing is invented', () => {
    const headers = { 'x-amzn-RequestId': 'a8c8d99a-6ab5-11e8-b0f8-19363980175b', 'x-amzn-ErrorType': 'QuotaExceeded' };
    expect(normalizeFailureSync({ status: 429, headers }, { now: NOW })).toEqual({ kind: 'http', status: 429, requestId: 'a8c8d99a-6ab5-11e8-b0f8-19363980175b' });
  });
});

describe('the hot path: an absent header costs one lookup', () => {
  /** Headers that record every name asked for, and have none. */
  function recording(): { headers: { get(name: string): undefined }; asked: string[] } {
    const asked: string[] = [];
    return { headers: { get: (name: string) => void asked.push(name.toLowerCase()) }, asked };
  }

  // mws-quota reads its three headers independently (each alone is a quota), so it has no gate.
  const gated = BUILT_IN_READERS.hints.filter((reader) => reader.name !== 'mws-quota');

  it.each(gated.map((reader) => [reader.name, reader] as const))('%s asks for each header once, and only for its gate', (_name, reader) => {
    const { headers, asked } = recording();
    expect(reader.read(headers, NOW)).toBeUndefined();
    expect(new Set(asked).size).toBe(asked.length);
    // Only the gate headers: resets, policies and the like are read once the gate is there.
    expect(asked.some((name) => /reset|policy/.test(name))).toBe(false);
  });

  it('a failure without rate-limit headers asks for a fixed list of names', () => {
    const { headers, asked } = recording();
    normalizeFailureSync({ status: 503, headers }, { now: NOW });
    expect(asked).toEqual([
      'x-mws-request-id',
      'x-mws-timestamp',
      'retry-after',
      'retry-after-ms',
      'x-amz-retry-after',
      'grpc-retry-pushback-ms',
      'ratelimit',
      'ratelimit-remaining',
      'x-ratelimit-remaining',
      'x-rate-limit-remaining',
      'x-amzn-ratelimit-limit',
      'stripe-should-retry',
      'grpc-retry-pushback-ms',
      'x-mws-quota-max',
      'x-mws-quota-remaining',
      'x-mws-quota-resetson',
      'ratelimit',
      'ratelimit-limit',
      'ratelimit-remaining',
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-rate-limit-limit',
      'x-rate-limit-remaining',
      'x-amzn-ratelimit-limit',
      'x-amzn-requestid',
      'x-request-id',
    ]);
  });
});
