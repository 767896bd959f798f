import { describe, expect, it } from 'vitest';
import { amzRetryAfterHint } from '../../src/failure/readers/amz-retry-after.js';
import { grpcPushbackHint, parseGrpcPushback } from '../../src/failure/readers/grpc-pushback.js';
import { grpcPushbackVerdictHint } from '../../src/failure/readers/grpc-pushback-verdict.js';
import { millisecondsHeaderHint } from '../../src/failure/readers/milliseconds-header.js';
import type { HintReader } from '../../src/failure/readers/reader.js';
import { retryAfterMsHint } from '../../src/failure/readers/retry-after-ms.js';
import { stripeShouldRetryHint } from '../../src/failure/readers/stripe-should-retry.js';

const NOW = Date.parse('2024-01-10T12:00:00.000Z');

/** The header shapes clients hand over: fetch's Headers, a plain record (got, node:http), axios' getter object. */
const shapes = (record: Record<string, string>): [string, unknown][] => [
  ['Headers', new Headers(record)],
  ['a plain record', record],
  ['an AxiosHeaders-like get', { get: (name: string) => Object.entries(record).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1] }],
];

type Row = [label: string, record: Record<string, string>, expected: unknown];

function table(reader: HintReader, rows: Row[]): void {
  describe.each(rows)(`${reader.name}: %s`, (_label, record, expected) => {
    it.each(shapes(record))('from %s', (_shape, headers) => {
      expect(reader.read(headers, NOW)).toEqual(expected);
    });
  });
}

/*
 * retry-after-ms: openai-node `src/client.ts` reads it with `parseFloat` ("the `retry-after-ms`
 * header may not be standard, but is a good idea and we'd like proactive support for it"), so a
 * fraction is allowed; azure-core `_utils.py` `get_retry_after` reads `retry-after-ms` and
 * `x-ms-retry-after-ms` as milliseconds (`parsed_retry_after / 1000.0`).
 */
table(retryAfterMsHint, [
  ['whole milliseconds', { 'retry-after-ms': '1200' }, 1200],
  ['a fraction rounds up (parseFloat in openai-node)', { 'retry-after-ms': '1500.5' }, 1501],
  ['zero', { 'retry-after-ms': '0' }, 0],
  ['any case of the name', { 'Retry-After-Ms': '20' }, 20],
  ['malformed: negative', { 'retry-after-ms': '-5' }, undefined],
  ['malformed: an HTTP-date', { 'retry-after-ms': 'Wed, 10 Jan 2024 12:00:42 GMT' }, undefined],
  ['malformed: trailing garbage (parseFloat would take 100)', { 'retry-after-ms': '100ms' }, undefined],
  ['malformed: exponent', { 'retry-after-ms': '1e3' }, undefined],
  ['absent', {}, undefined],
  ['not confused with Retry-After', { 'retry-after': '3' }, undefined],
]);

/*
 * x-amz-retry-after: smithy-typescript `parseRetryAfterHeader.ts`:
 * `const backoffMilliseconds = Number(v); if (isNaN(backoffMilliseconds)) { … "Failed to parse
 * x-amz-retry-after=${v}" … }`, i.e. milliseconds.
 */
table(amzRetryAfterHint, [
  ['milliseconds', { 'x-amz-retry-after': '1500' }, 1500],
  ['zero', { 'x-amz-retry-after': '0' }, 0],
  ['malformed: text (smithy: "Failed to parse")', { 'x-amz-retry-after': 'abc' }, undefined],
  ['malformed: empty (Number("") is 0 in smithy; no hint here)', { 'x-amz-retry-after': ' ' }, undefined],
  ['absent', {}, undefined],
]);

/*
 * gRFC A6 (grpc/proposal A6-client-retries.md, §Pushback): "The value is to be an ASCII encoded
 * signed 32-bit integer with no unnecessary leading zeros that represents how many milliseconds to
 * wait before sending a retry. If the value for pushback is negative or unparseble, then it will be
 * seen as the server asking the client not to retry at all."
 */
const pushbackRows: [label: string, value: string, wait: number | undefined, verdict: 'stop' | undefined][] = [
  ['a wait in ms', '250', 250, undefined],
  ['zero: retry now', '0', 0, undefined],
  ['the largest signed 32-bit value', '2147483647', 2_147_483_647, undefined],
  ['-0 is zero, not negative', '-0', 0, undefined],
  ['negative: do not retry', '-1', undefined, 'stop'],
  ['unparseable: text', 'soon', undefined, 'stop'],
  ['unparseable: a decimal', '1.5', undefined, 'stop'],
  ['unparseable: past 32 bits', '2147483648', undefined, 'stop'],
  ['unparseable: a plus sign', '+5', undefined, 'stop'],
];
table(
  grpcPushbackHint,
  pushbackRows.map(([label, value, wait]) => [label, { 'grpc-retry-pushback-ms': value }, wait]),
);
table(grpcPushbackHint, [['absent', {}, undefined]]);
table(
  grpcPushbackVerdictHint,
  pushbackRows.map(([label, value, , verdict]) => [label, { 'grpc-retry-pushback-ms': value }, verdict]),
);
table(grpcPushbackVerdictHint, [['absent: no verdict', {}, undefined]]);

describe('parseGrpcPushback', () => {
  it.each(pushbackRows)('%s', (_label, value, wait, verdict) => {
    expect(parseGrpcPushback(value)).toBe(wait ?? verdict);
  });

  it('never gives -0', () => {
    expect(Object.is(parseGrpcPushback('-0'), 0)).toBe(true);
    expect(Object.is(parseGrpcPushback('-000'), 0)).toBe(true);
  });
});

/*
 * Stripe-Should-Retry: stripe-node `src/RequestSender.ts`: "The API may ask us not to retry (e.g.,
 * if doing so would be a no-op) or advise us to retry (e.g., in cases of lock timeouts); we defer
 * to that." `if (res.getHeaders()['stripe-should-retry'] === 'false') return false; … === 'true') return true;`
 */
table(stripeShouldRetryHint, [
  ['true: retry', { 'Stripe-Should-Retry': 'true' }, 'retry'],
  ['false: stop', { 'Stripe-Should-Retry': 'false' }, 'stop'],
  ['surrounding spaces are trimmed', { 'stripe-should-retry': ' false ' }, 'stop'],
  ['not exactly lowercase: no verdict', { 'stripe-should-retry': 'TRUE' }, undefined],
  ['1 is not true', { 'stripe-should-retry': '1' }, undefined],
  ['empty', { 'stripe-should-retry': '' }, undefined],
  ['absent', {}, undefined],
]);

describe('millisecondsHeaderHint, for a header of your own', () => {
  it('reads that header only, and fills retryAfterMs', () => {
    const reader = millisecondsHeaderHint('x-acme-retry-in-ms');
    expect(reader).toMatchObject({ name: 'x-acme-retry-in-ms', field: 'retryAfterMs' });
    expect(reader.read({ 'X-Acme-Retry-In-Ms': '75' }, NOW)).toBe(75);
    expect(reader.read({ 'retry-after-ms': '75' }, NOW)).toBeUndefined();
  });
});

describe('the wait and verdict readers and headers that are not headers', () => {
  it.each([undefined, null, 'retry-after-ms: 1', 42, {}])('read nothing from %j', (headers) => {
    for (const reader of [retryAfterMsHint, amzRetryAfterHint, grpcPushbackHint, grpcPushbackVerdictHint, stripeShouldRetryHint]) {
      expect(reader.read(headers, NOW)).toBeUndefined();
    }
  });

  it('name the field they fill', () => {
    expect([retryAfterMsHint, amzRetryAfterHint, grpcPushbackHint, grpcPushbackVerdictHint, stripeShouldRetryHint].map((reader) => reader.field)).toEqual([
      'retryAfterMs',
      'retryAfterMs',
      'retryAfterMs',
      'verdict',
      'verdict',
    ]);
  });
});
