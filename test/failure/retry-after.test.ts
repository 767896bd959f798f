import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/index.js';

describe('parseRetryAfter (RFC 9110 §10.2.3)', () => {
  it.each([
    ['120', 120_000],
    ['0', 0],
    [' 5 ', 5000],
    ['1.5', 1500],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 60_000], // RFC 9110's own example date, one minute ahead of "now"
  ])('reads %j as %d ms', (value, expected) => {
    expect(parseRetryAfter(value, Date.parse('Wed, 21 Oct 2015 07:27:00 GMT'))).toBe(expected);
  });

  it('reads a date in the past as "now"', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('2020-01-01T00:00:00Z'))).toBe(0);
  });

  it.each(['-5', 'soon', '1e3', '', 'NaN', 'Infinity', '0x10'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, 0)).toBeUndefined();
  });

  it('turns any string into undefined or a finite, non-negative integer number of ms', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 4_102_444_800_000 }), (value, now) => {
        const ms = parseRetryAfter(value, now);
        return ms === undefined || (Number.isInteger(ms) && ms >= 0 && Number.isFinite(ms));
      }),
    );
  });

  it('reads any delta-seconds value exactly', () => {
    fc.assert(fc.property(fc.nat({ max: 10_000_000 }), (seconds) => parseRetryAfter(String(seconds), 0) === seconds * 1000));
  });
});
