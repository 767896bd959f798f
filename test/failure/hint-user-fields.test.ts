import { describe, expect, it } from 'vitest';
import { definePolicy } from '../../src/index.js';
import { normalizeFailureSync } from '../../src/failure/normalize.js';
import type { HintReader } from '../../src/failure/readers/reader.js';

const NOW = Date.parse('2024-01-10T12:00:00.000Z');
const failureWith = (reader: unknown): ReturnType<typeof normalizeFailureSync> =>
  normalizeFailureSync({ status: 503, headers: {} }, { now: NOW, readers: { hints: [reader as HintReader] } });

describe('user hint readers of the verdict and the new quota fields are checked like any input', () => {
  it.each([
    ['retry', 'retry'],
    ['stop', 'stop'],
    ['STOP', undefined],
    [true, undefined],
    [0, undefined],
  ])('a verdict of %j gives %j', (value, expected) => {
    expect(failureWith({ name: 'v', field: 'verdict', read: () => value }).verdict).toBe(expected);
  });

  it('keeps a positive rate and a window, in whole ms', () => {
    expect(failureWith({ name: 'q', field: 'quota', read: () => ({ ratePerSecond: 0.5, windowMs: 59_999.2 }) }).quota).toEqual({ ratePerSecond: 0.5, windowMs: 60_000 });
  });

  it.each([
    [{ ratePerSecond: 0 }],
    [{ ratePerSecond: -1 }],
    [{ ratePerSecond: Number.NaN }],
    [{ ratePerSecond: '2.0' }],
    [{ windowMs: -1 }],
    [{ windowMs: Infinity }],
  ])('drops %j', (value) => {
    expect(failureWith({ name: 'q', field: 'quota', read: () => value }).quota).toBeUndefined();
  });

  it('a user verdict wins over the built-in readers, a throwing one is skipped', () => {
    const headers = { 'stripe-should-retry': 'false' };
    const retry: HintReader<'verdict'> = { name: 'always-retry', field: 'verdict', read: () => 'retry' };
    const throwing: HintReader<'verdict'> = {
      name: 'throws',
      field: 'verdict',
      read: () => {
        throw new Error('reader bug');
      },
    };
    expect(normalizeFailureSync({ status: 409, headers }, { now: NOW, readers: { hints: [retry] } }).verdict).toBe('retry');
    expect(normalizeFailureSync({ status: 409, headers }, { now: NOW, readers: { hints: [throwing] } }).verdict).toBe('stop');
  });

  it('definePolicy accepts a reader of the verdict', () => {
    const reader: HintReader<'verdict'> = { name: 'acme-verdict', field: 'verdict', read: () => undefined };
    const policy = definePolicy({ name: 'acme', rules: [{ match: {}, retry: true }] }, { readers: { hints: [reader] } });
    expect(policy.readers?.hints).toEqual([reader]);
  });
});
