import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeFailure, normalizeFailureSync, type Failure } from '../../src/index.js';
import { FUZZ_TIMEOUT_MS, fuzzParameters, label } from './fuzz-settings.js';
import { expectValidFailure } from './valid-failure.js';

/** Every header a built-in reader reads for a wait, a verdict or a quota. */
const HEADERS = [
  'retry-after',
  'retry-after-ms',
  'x-amz-retry-after',
  'grpc-retry-pushback-ms',
  'stripe-should-retry',
  'ratelimit',
  'ratelimit-policy',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'x-ratelimit-reset-after',
  'x-rate-limit-limit',
  'x-rate-limit-remaining',
  'x-rate-limit-reset',
  'x-amzn-ratelimit-limit',
  'x-mws-quota-max',
  'x-mws-quota-remaining',
  'x-mws-quota-resetsOn',
];

/** The name as a server might spell it: the readers must not care. */
const spelled = (name: string): fc.Arbitrary<string> =>
  fc.constantFrom(name, name.toUpperCase(), name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase()));

/** Characters of numbers, dates and Structured Fields, so the generated values come near the formats. */
const NEAR = '0123456789 -.,;=:"()?*@%eE+abcdefrtqwlimnpkGMT\\'.split('');
const sfItem = fc
  .tuple(
    fc.oneof(fc.constantFrom('"default"', 'quota', '"day"', '100', '-1', '("a")', '""'), fc.string({ unit: fc.constantFrom(...NEAR), maxLength: 8 })),
    fc.array(
      fc.tuple(fc.constantFrom('r', 't', 'q', 'w', 'pk', 'qu', 'R', '_x'), fc.oneof(
          { weight: 4, arbitrary: fc.integer({ min: -1, max: 100 }).map(String) },
          fc.integer({ min: -5, max: 1e16 }).map(String),
          fc.constantFrom('0.5', '"0"', '?1', ':AA==:', '', '1.2345'),
        )),
      { maxLength: 4 },
    ),
    fc.constantFrom(';', '; ', ' ;'),
  )
  .map(([name, params, separator]) => name + params.map(([key, value]) => `${separator}${key}${value === '' ? '' : '='}${value}`).join(''));

const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: fc.constantFrom(...NEAR), maxLength: 60 }),
  fc.array(sfItem, { minLength: 1, maxLength: 3 }).map((items) => items.join(', ')),
  fc.constantFrom('limit=100, remaining=0, reset=5', 'limit=1.5', 'remaining=-1', 'true', 'false', 'TRUE', '-0', '+5', '1e3', 'Infinity', 'NaN', '0x10', '3, 5'),
  fc.integer({ min: -1e12, max: Number.MAX_SAFE_INTEGER }).map(String),
  fc.double().map(String),
  fc.nat({ max: 400 }).map((n) => '9'.repeat(n)),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toUTCString()),
);

/** Well-formed -10 pairs with values anywhere in the SF Integer range, so the arithmetic is pushed too. */
const sfInteger = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 999_999_999_999_999 }));
const wellFormed = fc
  .record({ name: fc.constantFrom('"a"', '"b"', 'c'), r: sfInteger, t: sfInteger, q: sfInteger, w: sfInteger, other: fc.constantFrom('"a"', '"b"', 'c') })
  .map(({ name, r, t, q, w, other }) => ({ RateLimit: `${name};r=${r};t=${t}`, 'RateLimit-Policy': `${other};q=${q};w=${w + 1}, ${name};q=${q};w=${w}` }));

const headers = fc
  .tuple(fc.array(fc.tuple(fc.constantFrom(...HEADERS).chain(spelled), headerValue), { maxLength: 8 }), fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, wellFormed))
  .map(([entries, pair]) => ({ ...(pair ?? {}), ...Object.fromEntries(entries) }) as Record<string, string>);

const NOW_RANGE = { min: 0, max: 4_102_444_800_000 };

/** Beyond expectValidFailure: the new fields' own types and ranges. */
function expectValidHints(failure: Failure): void {
  expectValidFailure(failure);
  for (const ms of [failure.retryAfterMs, failure.quota?.resetsInMs, failure.quota?.windowMs]) {
    if (ms === undefined) continue;
    expect(Number.isSafeInteger(ms)).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(Object.is(ms, -0)).toBe(false);
  }
  if (failure.quota?.ratePerSecond !== undefined) expect(failure.quota.ratePerSecond).toBeGreaterThan(0);
  if (failure.verdict !== undefined) expect(['retry', 'stop']).toContain(failure.verdict);
}

describe('fuzz: rate-limit and retry headers with any values', () => {
  it(`never throw, and give whole, non-negative, safe waits and resets (${label})`, () => {
    fc.assert(
      fc.property(headers, fc.integer(NOW_RANGE), fc.integer({ min: 400, max: 599 }), (record, now, status) => {
        expectValidHints(normalizeFailureSync({ status, headers: record }, { now }));
        // Arrays, as node:http gives repeated headers.
        const arrays = Object.fromEntries(Object.entries(record).map(([key, value]) => [key, [value, value]]));
        expectValidHints(normalizeFailureSync({ status, headers: arrays }, { now }));
      }),
      fuzzParameters,
    );
  }, FUZZ_TIMEOUT_MS);

  it(`the same through a fetch Response (${label})`, async () => {
    await fc.assert(
      fc.asyncProperty(headers, fc.integer(NOW_RANGE), async (record, now) => {
        let response: Response;
        try {
          response = new Response(null, { status: 429, headers: record });
        } catch {
          return; // a value the Response constructor itself refuses never reaches us
        }
        expectValidHints(await normalizeFailure(response, { now }));
      }),
      fuzzParameters,
    );
  }, FUZZ_TIMEOUT_MS);
});

describe('fuzz: delta seconds are never read as milliseconds', () => {
  const seconds = fc.integer({ min: 1, max: 1e6 });
  const now = fc.integer(NOW_RANGE);

  it(`Retry-After, RateLimit t, -07 reset, RateLimit-Reset and X-RateLimit-Reset: n s is n * 1000 ms (${label})`, () => {
    fc.assert(
      fc.property(seconds, now, (n, at) => {
        const cases: Record<string, string>[] = [
          { 'Retry-After': String(n) },
          { RateLimit: `"default";r=0;t=${n}` },
          { RateLimit: `limit=10, remaining=0, reset=${n}` },
          { 'RateLimit-Remaining': '0', 'RateLimit-Reset': String(n) },
          { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(n) },
          { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(n) },
          { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset-After': String(n) },
        ];
        for (const record of cases) {
          const failure = normalizeFailureSync({ status: 429, headers: record }, { now: at });
          expect(failure.retryAfterMs).toBe(n * 1000);
          if (failure.quota !== undefined) expect(failure.quota).toMatchObject({ resetsInMs: n * 1000, resetsAt: at + n * 1000 });
        }
      }),
      fuzzParameters,
    );
  }, FUZZ_TIMEOUT_MS);

  it(`decimal seconds (Discord's Reset-After) are exact to the millisecond, never rounded down (${label})`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), (ms) => {
        const text = `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;
        const failure = normalizeFailureSync({ status: 429, headers: { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset-After': text } }, { now: 0 });
        expect(failure.retryAfterMs).toBe(ms);
      }),
      fuzzParameters,
    );
  }, FUZZ_TIMEOUT_MS);
});

describe('fuzz: an epoch X-RateLimit-Reset is never used as a delay', () => {
  /** From September 2001 (1e12 ms, so now / 1000 is an epoch too) to 2100. */
  const realisticNow = fc.integer({ min: 1e12, max: 4_102_444_800_000 });

  it(`epoch seconds e after now: the wait is e * 1000 - now, not e * 1000 (${label})`, () => {
    fc.assert(
      fc.property(realisticNow, fc.integer({ min: 1, max: 10 * 365 * 86_400 }), fc.constantFrom('x-ratelimit', 'x-rate-limit'), (now, ahead, prefix) => {
        const epoch = Math.floor(now / 1000) + ahead;
        const failure = normalizeFailureSync({ status: 429, headers: { [`${prefix}-remaining`]: '0', [`${prefix}-reset`]: String(epoch) } }, { now });
        expect(failure.retryAfterMs).toBe(epoch * 1000 - now);
        expect(failure.quota).toEqual({ remaining: 0, resetsAt: epoch * 1000, resetsInMs: epoch * 1000 - now });
      }),
      fuzzParameters,
    );
  }, FUZZ_TIMEOUT_MS);

  it(`epoch seconds with milliseconds (Discord), epoch ms, and epochs in the past (0, never negative) (${label})`, () => {
    fc.assert(
      fc.property(realisticNow, fc.integer({ min: -1e11, max: 1e11 }), fc.boolean(), (now, offset, inMs) => {
        const resetsAt = Math.max(1e12, now + offset);
        const text = inMs ? String(resetsAt) : `${Math.floor(resetsAt / 1000)}.${String(resetsAt % 1000).padStart(3, '0')}`;
        const failure = normalizeFailureSync({ status: 429, headers: { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': text } }, { now });
        expect(failure.retryAfterMs).toBe(Math.max(0, resetsAt - now));
        expect(failure.quota?.resetsAt).toBe(resetsAt);
      }),
      fuzzParameters,
    );
  }, FUZZ_TIMEOUT_MS);
});

describe('fuzz: SP-API x-amzn-RateLimit-Limit', () => {
  it(`a rate r in (0, 1000] gives a wait of ceil(1000 / r) ms and ratePerSecond r (${label})`, () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1000, minExcluded: true, noNaN: true }), fc.integer(NOW_RANGE), (rate, now) => {
        const failure = normalizeFailureSync({ status: 400, headers: { 'x-amzn-RateLimit-Limit': String(rate) } }, { now });
        expect(failure.retryAfterMs).toBe(Math.min(Math.ceil(1000 / rate), Number.MAX_SAFE_INTEGER));
        expect(failure.quota).toEqual({ ratePerSecond: rate });
      }),
      fuzzParameters,
    );
  }, FUZZ_TIMEOUT_MS);

  it(`never outranks an explicit wait (${label})`, () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1000, minExcluded: true, noNaN: true }), fc.integer({ min: 0, max: 1e6 }), (rate, seconds) => {
        const failure = normalizeFailureSync({ status: 429, headers: { 'x-amzn-RateLimit-Limit': String(rate), 'Retry-After': String(seconds) } }, { now: 0 });
        expect(failure.retryAfterMs).toBe(seconds * 1000);
      }),
      fuzzParameters,
    );
  }, FUZZ_TIMEOUT_MS);
});
