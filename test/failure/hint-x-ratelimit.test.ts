import { describe, expect, it } from 'vitest';
import { amznRateLimitQuotaHint } from '../../src/failure/readers/amzn-ratelimit-quota.js';
import { amznRateLimitWaitHint } from '../../src/failure/readers/amzn-ratelimit-wait.js';
import { EPOCH_MS_FROM, EPOCH_SECONDS_FROM, secondsToMs, setReset, type QuotaDraft } from '../../src/failure/readers/header-numbers.js';
import type { HintReader } from '../../src/failure/readers/reader.js';
import { xRateLimitQuotaHint } from '../../src/failure/readers/x-ratelimit-quota.js';
import { xRateLimitWaitHint } from '../../src/failure/readers/x-ratelimit-wait.js';

/** The header shapes clients hand over: fetch's Headers, a plain record (got, node:http), axios' getter object. */
const shapes = (record: Record<string, string>): [string, unknown][] => [
  ['Headers', new Headers(record)],
  ['a plain record', record],
  ['an AxiosHeaders-like get', { get: (name: string) => Object.entries(record).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1] }],
];

type Row = [label: string, now: number, record: Record<string, string>, expected: unknown];

function table(reader: HintReader, rows: Row[]): void {
  describe.each(rows)(`${reader.name}: %s`, (_label, now, record, expected) => {
    it.each(shapes(record))('from %s', (_shape, headers) => {
      expect(reader.read(headers, now)).toEqual(expected);
    });
  });
}

/** GitHub's long-standing docs example: `Date: Mon, 01 Jul 2013 17:27:06 GMT` with `x-ratelimit-reset: 1372700873`. */
const GITHUB_NOW = Date.parse('Mon, 01 Jul 2013 17:27:06 GMT');
/** X's example reset `1705420800` is 2024-01-16T16:00:00Z; a minute before. */
const X_NOW = Date.parse('2024-01-16T15:59:00Z');
/** Discord's example reset `1470173023.123` is 2016-08-02T21:23:43.123Z; 43.123 s before. */
const DISCORD_NOW = Date.parse('2016-08-02T21:23:00Z');
const ANY_NOW = Date.parse('2024-01-10T12:00:00Z');

table(xRateLimitQuotaHint, [
  // GitHub (github/docs rate-limits-for-the-rest-api.md): "The time at which the current rate limit window resets, in UTC epoch seconds"
  [
    'GitHub: epoch seconds',
    GITHUB_NOW,
    { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '56', 'x-ratelimit-reset': '1372700873' },
    { max: 60, remaining: 56, resetsAt: 1_372_700_873_000, resetsInMs: 1_247_000 },
  ],
  // X (docs.x.com/fundamentals/rate-limits): "x-rate-limit-reset  Unix timestamp when the limit resets", spelled x-rate-limit-*
  [
    'X: the x-rate-limit-* spelling',
    X_NOW,
    { 'x-rate-limit-limit': '15', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '1705420800' },
    { max: 15, remaining: 0, resetsAt: 1_705_420_800_000, resetsInMs: 60_000 },
  ],
  // Discord (discord-api-docs rate-limits.md): Reset "Epoch time (seconds …)" 1470173023.123; Reset-After "Can have decimals" 64.57
  [
    'Discord: Reset-After wins over Reset',
    DISCORD_NOW,
    { 'X-RateLimit-Limit': '5', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1470173023.123', 'X-RateLimit-Reset-After': '64.57' },
    { max: 5, remaining: 0, resetsInMs: 64_570, resetsAt: DISCORD_NOW + 64_570 },
  ],
  [
    'Discord: epoch seconds with decimals',
    DISCORD_NOW,
    { 'X-RateLimit-Limit': '5', 'X-RateLimit-Remaining': '1', 'X-RateLimit-Reset': '1470173023.123' },
    { max: 5, remaining: 1, resetsAt: 1_470_173_023_123, resetsInMs: 43_123 },
  ],
  // WHOOP (developer.whoop.com rate-limiting): X-RateLimit-Reset = "3", delta seconds
  ['WHOOP: delta seconds', ANY_NOW, { 'X-RateLimit-Limit': '100', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '3' }, { max: 100, remaining: 0, resetsInMs: 3000, resetsAt: ANY_NOW + 3000 }],
  // MuleSoft: "the time in milliseconds before the remain rate count is reset" (42661): read as seconds, the long (safe) side.
  ['MuleSoft: delta ms are read as seconds, the safe side', ANY_NOW, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '42661' }, { remaining: 0, resetsInMs: 42_661_000, resetsAt: ANY_NOW + 42_661_000 }],
  // lemlist: `"Tue Feb 16 2021 09:02:42 GMT+0100 …"`, not a number: left out.
  ['lemlist: a date string is left out', ANY_NOW, { 'X-RateLimit-Limit': '20', 'X-RateLimit-Reset': 'Tue Feb 16 2021 09:02:42 GMT+0100 (Central European Standard Time)' }, { max: 20 }],
  ['an epoch in the past resets in 0 ms, never a negative', X_NOW, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1372700873' }, { remaining: 0, resetsAt: 1_372_700_873_000, resetsInMs: 0 }],
  ['epoch milliseconds (at or above 1e12)', X_NOW, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1705420800000' }, { remaining: 0, resetsAt: 1_705_420_800_000, resetsInMs: 60_000 }],
  ['only the limit', ANY_NOW, { 'x-ratelimit-limit': '5000' }, { max: 5000 }],
  ['a reset alone is not read', ANY_NOW, { 'x-ratelimit-reset': '3' }, undefined],
  ['malformed counts are left out', ANY_NOW, { 'x-ratelimit-limit': '-1', 'x-ratelimit-remaining': '1.5', 'x-ratelimit-reset': '3' }, { resetsInMs: 3000, resetsAt: ANY_NOW + 3000 }],
  ['malformed: negative reset', ANY_NOW, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '-3' }, { remaining: 0 }],
  ['malformed: exponent reset', ANY_NOW, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1e9' }, { remaining: 0 }],
  ['malformed: everything', ANY_NOW, { 'x-ratelimit-limit': 'lots', 'x-ratelimit-remaining': 'some' }, undefined],
  ['absent', ANY_NOW, {}, undefined],
]);

table(xRateLimitWaitHint, [
  // GitHub: "If the `x-ratelimit-remaining` header is `0`, you should not make another request until after the time specified by the `x-ratelimit-reset` header."
  ['GitHub: remaining 0, epoch seconds', GITHUB_NOW, { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1372700873' }, 1_247_000],
  ['GitHub: remaining 56: no wait', GITHUB_NOW, { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '56', 'x-ratelimit-reset': '1372700873' }, undefined],
  ['X: remaining 0', X_NOW, { 'x-rate-limit-limit': '15', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '1705420800' }, 60_000],
  ['Discord: Reset-After, delta seconds with decimals', DISCORD_NOW, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1470173023.123', 'X-RateLimit-Reset-After': '64.57' }, 64_570],
  ['Discord: Reset alone, epoch seconds with decimals', DISCORD_NOW, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1470173023.123' }, 43_123],
  ['WHOOP: delta seconds', ANY_NOW, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '3' }, 3000],
  ['an epoch in the past is 0', X_NOW, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1372700873' }, 0],
  ['a malformed Reset-After falls back to Reset', ANY_NOW, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset-After': 'soon', 'X-RateLimit-Reset': '3' }, 3000],
  ['remaining 0 without a reset: no wait', ANY_NOW, { 'x-ratelimit-remaining': '0' }, undefined],
  ['remaining not a count: no wait', ANY_NOW, { 'x-ratelimit-remaining': 'zero', 'x-ratelimit-reset': '3' }, undefined],
  ['absent', ANY_NOW, {}, undefined],
]);

/*
 * SP-API: x-amzn-RateLimit-Limit "Returns the rate limit applied to the request" (example `2.0`,
 * developer-docs.amazon.com/sp-api/docs/response-format); "Your rate limit (requests per second) for
 * this operation" (models, ordersV0.json); getOrders' usage plan rate is 0.0167, createFeed's 0.0083.
 * amazon-sp-api waits `1 / rate` seconds on a throttle (lib/SellingPartner.js _retryThrottledRequest).
 */
table(amznRateLimitQuotaHint, [
  ['the docs example 2.0', ANY_NOW, { 'x-amzn-RateLimit-Limit': '2.0' }, { ratePerSecond: 2 }],
  ['getOrders: 0.0167', ANY_NOW, { 'x-amzn-ratelimit-limit': '0.0167' }, { ratePerSecond: 0.0167 }],
  ['an exponent', ANY_NOW, { 'x-amzn-ratelimit-limit': '1e-2' }, { ratePerSecond: 0.01 }],
  ['malformed: zero', ANY_NOW, { 'x-amzn-ratelimit-limit': '0' }, undefined],
  ['malformed: negative', ANY_NOW, { 'x-amzn-ratelimit-limit': '-2.0' }, undefined],
  ['malformed: text', ANY_NOW, { 'x-amzn-ratelimit-limit': 'fast' }, undefined],
  ['malformed: Infinity', ANY_NOW, { 'x-amzn-ratelimit-limit': 'Infinity' }, undefined],
  ['absent', ANY_NOW, {}, undefined],
]);

table(amznRateLimitWaitHint, [
  ['2.0 per second: 500 ms', ANY_NOW, { 'x-amzn-RateLimit-Limit': '2.0' }, 500],
  ['0.5 per second (getOrder): 2 s', ANY_NOW, { 'x-amzn-RateLimit-Limit': '0.5' }, 2000],
  ['0.0167 per second (getOrders): ceil(59880.24) ms', ANY_NOW, { 'x-amzn-RateLimit-Limit': '0.0167' }, 59_881],
  ['0.0083 per second (createFeed)', ANY_NOW, { 'x-amzn-RateLimit-Limit': '0.0083' }, 120_482],
  ['malformed: zero', ANY_NOW, { 'x-amzn-ratelimit-limit': '0' }, undefined],
  ['malformed: negative', ANY_NOW, { 'x-amzn-ratelimit-limit': '-1' }, undefined],
  ['absent', ANY_NOW, {}, undefined],
]);

describe('telling an epoch from a delay (setReset)', () => {
  const reset = (value: number, now: number): QuotaDraft => {
    const quota: QuotaDraft = {};
    setReset(quota, value, secondsToMs(String(value)) ?? Number.NaN, now);
    return quota;
  };

  it('below 1e9 is delta seconds, from 1e9 epoch seconds, from 1e12 epoch ms', () => {
    expect(reset(EPOCH_SECONDS_FROM - 1, 0).resetsInMs).toBe((EPOCH_SECONDS_FROM - 1) * 1000);
    expect(reset(EPOCH_SECONDS_FROM, 0)).toEqual({ resetsAt: 1e12, resetsInMs: 1e12 });
    expect(reset(EPOCH_MS_FROM, 0)).toEqual({ resetsAt: 1e12, resetsInMs: 1e12 });
    expect(reset(EPOCH_MS_FROM, 2e12)).toEqual({ resetsAt: 1e12, resetsInMs: 0 });
  });

  it('an unknown clock still gives the epoch, not a delay', () => {
    expect(reset(1_705_420_800, Number.NaN)).toEqual({ resetsAt: 1_705_420_800_000 });
    expect(reset(3, Number.NaN)).toEqual({ resetsInMs: 3000 });
  });
});

describe('secondsToMs: from the digits, not through binary floating point', () => {
  it.each([
    ['0.07', 70],
    ['64.57', 64_570],
    ['1.005', 1005],
    ['1.0001', 1001],
    ['3', 3000],
    ['007', 7000],
    ['99999999999999999999', Number.MAX_SAFE_INTEGER],
  ])('%s s is %d ms', (text, ms) => {
    expect(secondsToMs(text)).toBe(ms);
  });

  it.each(['', '-1', '1e3', '.5', '5.', ' 5', 'Infinity'])('%j is no number of seconds', (text) => {
    expect(secondsToMs(text)).toBeUndefined();
  });
});
