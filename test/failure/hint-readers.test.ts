import { describe, expect, it } from 'vitest';
import { mwsQuotaHint } from '../../src/failure/readers/mws-quota.js';
import { mwsTimestampHint } from '../../src/failure/readers/mws-timestamp.js';
import type { HintReader } from '../../src/failure/readers/reader.js';
import { amznRequestIdHint, mwsRequestIdHint, requestIdHeaderHint, requestIdHint } from '../../src/failure/readers/request-id.js';
import { retryAfterHint } from '../../src/failure/readers/retry-after.js';

const NOW = Date.parse('2024-01-10T12:00:00.000Z');

/** The header shapes clients hand over: fetch's Headers, a plain record (got, node:http), axios' getter object. */
const shapes = (record: Record<string, string>): [string, unknown][] => [
  ['Headers', new Headers(record)],
  ['a plain record', record],
  ['an AxiosHeaders-like get', { get: (name: string) => Object.entries(record).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1] }],
];

describe.each<[string, HintReader, Record<string, string>, unknown]>([
  ['retryAfterHint: delta-seconds', retryAfterHint, { 'Retry-After': '7' }, 7000],
  ['retryAfterHint: an HTTP-date', retryAfterHint, { 'retry-after': 'Wed, 10 Jan 2024 12:00:42 GMT' }, 42_000],
  ['retryAfterHint: a date in the past is now', retryAfterHint, { 'retry-after': 'Wed, 10 Jan 2024 11:00:00 GMT' }, 0],
  ['retryAfterHint: garbage', retryAfterHint, { 'retry-after': 'soon' }, undefined],
  ['retryAfterHint: absent', retryAfterHint, {}, undefined],
  [
    'mwsQuotaHint: all three headers',
    mwsQuotaHint,
    { 'x-mws-quota-max': '200', 'x-mws-quota-remaining': '0', 'x-mws-quota-resetsOn': '2024-01-10T12:30:00.000Z' },
    { max: 200, remaining: 0, resetsAt: Date.parse('2024-01-10T12:30:00.000Z'), resetsInMs: 30 * 60_000 },
  ],
  ['mwsQuotaHint: only the remaining count', mwsQuotaHint, { 'x-mws-quota-remaining': '12' }, { remaining: 12 }],
  ['mwsQuotaHint: a reset in the past is now', mwsQuotaHint, { 'x-mws-quota-resetsOn': '2024-01-10T11:00:00.000Z' }, { resetsAt: Date.parse('2024-01-10T11:00:00.000Z'), resetsInMs: 0 }],
  ['mwsQuotaHint: unreadable values', mwsQuotaHint, { 'x-mws-quota-max': 'many', 'x-mws-quota-resetsOn': 'tomorrow' }, undefined],
  ['mwsQuotaHint: absent', mwsQuotaHint, {}, undefined],
  ['mwsTimestampHint: verbatim', mwsTimestampHint, { 'x-mws-timestamp': '2024-01-10T11:59:59.123Z' }, '2024-01-10T11:59:59.123Z'],
  ['mwsTimestampHint: absent', mwsTimestampHint, {}, undefined],
  ['mwsRequestIdHint', mwsRequestIdHint, { 'x-mws-request-id': 'b7c3b0a4-1f2e' }, 'b7c3b0a4-1f2e'],
  ['amznRequestIdHint', amznRequestIdHint, { 'x-amzn-RequestId': 'aws-1' }, 'aws-1'],
  ['requestIdHint', requestIdHint, { 'X-Request-Id': 'r-1' }, 'r-1'],
  ['requestIdHeaderHint: a header of your own', requestIdHeaderHint('x-acme-trace'), { 'x-acme-trace': 'tr-9' }, 'tr-9'],
  ['a request id reader ignores the other request id headers', mwsRequestIdHint, { 'x-request-id': 'r-1' }, undefined],
])('%s', (_label, reader, record, expected) => {
  it.each(shapes(record))('from %s', (_shape, headers) => {
    expect(reader.read(headers, NOW)).toEqual(expected);
  });
});

describe('hint readers and headers that are not headers', () => {
  it.each([undefined, null, 'x-mws-request-id: 1', 42])('read nothing from %j', (headers) => {
    for (const reader of [retryAfterHint, mwsQuotaHint, mwsTimestampHint, mwsRequestIdHint, amznRequestIdHint, requestIdHint]) {
      expect(reader.read(headers, NOW)).toBeUndefined();
    }
  });

  it('name the field they fill', () => {
    expect([retryAfterHint, mwsQuotaHint, mwsTimestampHint, mwsRequestIdHint].map((reader) => reader.field)).toEqual([
      'retryAfterMs',
      'quota',
      'timestamp',
      'requestId',
    ]);
  });
});
