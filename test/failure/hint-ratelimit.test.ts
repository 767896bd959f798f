import { describe, expect, it } from 'vitest';
import { rateLimitFieldsQuotaHint } from '../../src/failure/readers/ratelimit-fields-quota.js';
import { rateLimitFieldsWaitHint } from '../../src/failure/readers/ratelimit-fields-wait.js';
import { rateLimitQuotaHint } from '../../src/failure/readers/ratelimit-quota.js';
import { rateLimitWaitHint } from '../../src/failure/readers/ratelimit-wait.js';
import type { HintReader } from '../../src/failure/readers/reader.js';
import { parseDictionary, parseList } from '../../src/failure/readers/structured-fields.js';

/*
 * Values from draft-ietf-httpapi-ratelimit-headers (ietf-wg-httpapi/ratelimit-headers, tags -05,
 * -07 and -10, file draft-ietf-httpapi-ratelimit-headers.md); section names in the labels.
 */

const NOW = Date.parse('2019-08-05T09:27:00.000Z');
const at = (ms: number): number => NOW + ms;

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

table(rateLimitQuotaHint, [
  // -10 §"RateLimit Field Examples"
  ['-10: remaining 50, reset in 30 s', { RateLimit: '"default";r=50;t=30' }, { remaining: 50, resetsInMs: 30_000, resetsAt: at(30_000) }],
  ['-10: no time window reset, a partition key', { RateLimit: '"default";r=999;pk=:dHJpYWwxMjEzMjM=:' }, { remaining: 999 }],
  ['-10: 300 MB in the next 60 s', { RateLimit: '"default";r=300000000;t=60;pk=:QXBwLTk5OQ==:' }, { remaining: 300_000_000, resetsInMs: 60_000, resetsAt: at(60_000) }],
  // -10 §"Throttling window specified via parameter"
  [
    '-10: with its policy (q, w)',
    { RateLimit: '"fixedwindow";r=99;t=50', 'RateLimit-Policy': '"fixedwindow";q=100;w=60' },
    { max: 100, remaining: 99, resetsInMs: 50_000, resetsAt: at(50_000), windowMs: 60_000 },
  ],
  // -10 §"Dynamic limits for pushing back and slowing down"
  [
    '-10: exhausted',
    { RateLimit: '"dynamic";r=0;t=20', 'RateLimit-Policy': '"dynamic";q=15;w=20' },
    { max: 15, remaining: 0, resetsInMs: 20_000, resetsAt: at(20_000), windowMs: 20_000 },
  ],
  // -10 §"Use with multiple windows": the policy is the one named like the service limit, not the first.
  [
    '-10: the policy named like the service limit',
    { RateLimit: '"day";r=100;t=36000', 'RateLimit-Policy': '"hour";q=1000;w=3600, "day";q=5000;w=86400' },
    { max: 5000, remaining: 100, resetsInMs: 36_000_000, resetsAt: at(36_000_000), windowMs: 86_400_000 },
  ],
  // -10 §"RateLimit-Policy Field": the example list; no policy named "default", so the first.
  [
    '-10: no policy of that name: the first',
    { RateLimit: '"default";r=1;t=7', 'RateLimit-Policy': '"burst";q=100;w=60,"daily";q=1000;w=86400' },
    { max: 100, remaining: 1, resetsInMs: 7000, resetsAt: at(7000), windowMs: 60_000 },
  ],
  // -10 §"RateLimit Policy Field Examples": a quota unit and a partition key are read past.
  [
    '-10: qu and pk parameters',
    { RateLimit: '"peruser";r=0;t=10', 'RateLimit-Policy': '"peruser";q=65535;qu="content-bytes";w=10;pk=:sdfjLJUOUH==:' },
    { max: 65_535, remaining: 0, resetsInMs: 10_000, resetsAt: at(10_000), windowMs: 10_000 },
  ],
  // -10 §"Missing Remaining information": token names and no r, in the draft's own example.
  ['-10: no r (the draft\'s own example)', { RateLimit: 'quota;t=1', 'RateLimit-Policy': 'quota;q=100;w=1' }, { max: 100, resetsInMs: 1000, resetsAt: at(1000), windowMs: 1000 }],
  ['-10: a policy without w', { RateLimit: 'quota;t=1', 'RateLimit-Policy': 'quota;q=10' }, { max: 10, resetsInMs: 1000, resetsAt: at(1000) }],
  // Several service limits (a List): the one closest to exhaustion decides.
  [
    '-10: several service limits, the exhausted one',
    { RateLimit: '"burst";r=5;t=1, "daily";r=0;t=3600', 'RateLimit-Policy': '"burst";q=100;w=60,"daily";q=1000;w=86400' },
    { max: 1000, remaining: 0, resetsInMs: 3_600_000, resetsAt: at(3_600_000), windowMs: 86_400_000 },
  ],
  ['-10: spaces after ";" are valid (RFC 9651 §4.2.3.2)', { RateLimit: '"default"; r=0; t=30' }, { remaining: 0, resetsInMs: 30_000, resetsAt: at(30_000) }],
  // -07 §"RateLimit-Policy" and §"Receiving RateLimit fields"
  [
    '-07: the Dictionary, with a policy',
    { RateLimit: 'limit=100, remaining=50, reset=5', 'RateLimit-Policy': '100;w=10' },
    { max: 100, remaining: 50, resetsInMs: 5000, resetsAt: at(5000), windowMs: 10_000 },
  ],
  ['-07: the Dictionary', { RateLimit: 'limit=10, remaining=1, reset=7' }, { max: 10, remaining: 1, resetsInMs: 7000, resetsAt: at(7000) }],
  [
    '-07: the policy whose quota is the limit',
    { RateLimit: 'limit=50, remaining=0, reset=30', 'RateLimit-Policy': '10;w=1, 50;w=60, 1000;w=3600, 5000;w=86400' },
    { max: 50, remaining: 0, resetsInMs: 30_000, resetsAt: at(30_000), windowMs: 60_000 },
  ],
  [
    '-07: a policy with an unknown parameter',
    { RateLimit: 'limit=1000, remaining=1, reset=36000', 'RateLimit-Policy': '10;w=1;burst=1000, 1000;w=3600' },
    { max: 1000, remaining: 1, resetsInMs: 36_000_000, resetsAt: at(36_000_000), windowMs: 3_600_000 },
  ],
  // "Malformed RateLimit header fields MUST be ignored." (-07, -10)
  ['malformed: a negative r', { RateLimit: '"default";r=-1;t=30' }, undefined],
  ['malformed: a Decimal r', { RateLimit: '"default";r=0.5;t=30' }, undefined],
  ['malformed: a String r', { RateLimit: '"default";r="0";t=30' }, undefined],
  ['malformed: a negative t', { RateLimit: '"default";r=0;t=-30' }, undefined],
  ['malformed: one bad item spoils the List', { RateLimit: '"burst";r=5;t=1, "daily";r=zero' }, undefined],
  ['malformed: a trailing comma', { RateLimit: '"default";r=0;t=30,' }, undefined],
  ['malformed: an unterminated String', { RateLimit: '"default;r=0;t=30' }, undefined],
  ['malformed: an Integer of 16 digits', { RateLimit: '"default";r=1234567890123456' }, undefined],
  ['malformed: an Inner List', { RateLimit: '("a" "b");r=0' }, undefined],
  ['malformed: a space before ";"', { RateLimit: '"default" ;r=0' }, undefined],
  ['malformed: neither List nor Dictionary', { RateLimit: 'r=0 t=30' }, undefined],
  ['malformed -07: a negative remaining', { RateLimit: 'limit=100, remaining=-1, reset=5' }, undefined],
  ['malformed -07: a Decimal limit', { RateLimit: 'limit=1.5, remaining=1, reset=5' }, undefined],
  ['malformed -07: a String reset', { RateLimit: 'limit=100, remaining=1, reset="5"' }, undefined],
  ['no service limit at all', { RateLimit: '"default"' }, undefined],
  ['empty', { RateLimit: '' }, undefined],
  // The policy is informative ("MAY be ignored"): a malformed one leaves the service limit as read.
  ['a malformed policy is ignored, the RateLimit field kept', { RateLimit: '"default";r=0;t=30', 'RateLimit-Policy': '"default";q=-1;w=60' }, { remaining: 0, resetsInMs: 30_000, resetsAt: at(30_000) }],
  ['a zero window is malformed ("non-negative, non-zero")', { RateLimit: '"default";r=0;t=30', 'RateLimit-Policy': '"default";q=100;w=0' }, { remaining: 0, resetsInMs: 30_000, resetsAt: at(30_000) }],
  ['a policy alone is no quota', { 'RateLimit-Policy': '"default";q=100;w=60' }, undefined],
  ['absent', {}, undefined],
]);

table(rateLimitWaitHint, [
  // -10 §"Server Behavior": "a client could decide to wait 10 seconds ... because the remaining parameter value is 0"
  ['-10: r=0, t=10', { RateLimit: '"problemPolicy";r=0;t=10' }, 10_000],
  ['-10: r=0, t=50', { RateLimit: '"default";r=0;t=50' }, 50_000],
  ['-10: r=0, t=20 (pushing back)', { RateLimit: '"dynamic";r=0;t=20', 'RateLimit-Policy': '"dynamic";q=15;w=20' }, 20_000],
  ['-10: the exhausted service limit of several', { RateLimit: '"burst";r=5;t=1, "daily";r=0;t=3600' }, 3_600_000],
  ['-10: of two exhausted ones, the longer wait', { RateLimit: '"burst";r=0;t=1, "daily";r=0;t=3600' }, 3_600_000],
  ['-10: quota left: no wait', { RateLimit: '"default";r=50;t=30' }, undefined],
  ['-10: r=0 without t: no wait', { RateLimit: '"default";r=0' }, undefined],
  ['-10: t without r: no wait', { RateLimit: 'quota;t=1' }, undefined],
  ['-07: remaining=0', { RateLimit: 'limit=100, remaining=0, reset=5' }, 5000],
  ['-07: remaining left', { RateLimit: 'limit=100, remaining=50, reset=5' }, undefined],
  ['malformed: ignored', { RateLimit: '"default";r=0;t=5.5' }, undefined],
  ['absent', {}, undefined],
]);

table(rateLimitFieldsQuotaHint, [
  // -05 §"Providing RateLimit fields"
  ['-05: the three fields', { 'RateLimit-Limit': '10', 'RateLimit-Remaining': '1', 'RateLimit-Reset': '7' }, { max: 10, remaining: 1, resetsInMs: 7000, resetsAt: at(7000) }],
  // -05 §"Providing RateLimit fields", the 301 example
  ['-05: exhausted', { 'RateLimit-Remaining': '0', 'RateLimit-Limit': '10', 'RateLimit-Reset': '10' }, { max: 10, remaining: 0, resetsInMs: 10_000, resetsAt: at(10_000) }],
  // -05 §"RateLimit-Policy"
  ['-05: the policy of the limit', { 'RateLimit-Policy': '100;w=10', 'RateLimit-Limit': '100' }, { max: 100, windowMs: 10_000 }],
  ['-05: the policy whose quota is the limit', { 'RateLimit-Policy': '10;w=1, 50;w=60, 1000;w=3600, 5000;w=86400', 'RateLimit-Limit': '50' }, { max: 50, windowMs: 60_000 }],
  // -05 §"Resource exhaustion": "RateLimit-Reset: 36000"
  ['-05: a long reset', { 'RateLimit-Limit': '10000', 'RateLimit-Reset': '36000' }, { max: 10_000, resetsInMs: 36_000_000, resetsAt: at(36_000_000) }],
  ['-05: only the remaining count', { 'RateLimit-Remaining': '50' }, { remaining: 50 }],
  ['-05: a reset alone is not read', { 'RateLimit-Reset': '50' }, undefined],
  // ky reads RateLimit-Reset as a timestamp when it is one (source/core/retry-timing.ts); so does this, from 1e9.
  ['-05: an epoch in RateLimit-Reset', { 'RateLimit-Remaining': '0', 'RateLimit-Reset': String(NOW / 1000 + 60) }, { remaining: 0, resetsAt: at(60_000), resetsInMs: 60_000 }],
  // -05: "Malformed RateLimit fields MAY be ignored": each field on its own.
  ['-05: a malformed field is left out, the others kept', { 'RateLimit-Limit': 'ten', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '7' }, { remaining: 0, resetsInMs: 7000, resetsAt: at(7000) }],
  ['-05: a negative reset is left out', { 'RateLimit-Limit': '10', 'RateLimit-Reset': '-7' }, { max: 10 }],
  ['-05: all malformed', { 'RateLimit-Limit': 'ten', 'RateLimit-Remaining': 'none' }, undefined],
  ['absent', {}, undefined],
]);

table(rateLimitFieldsWaitHint, [
  ['-05: Remaining 0, Reset 10 (the 301 example)', { 'RateLimit-Remaining': '0', 'RateLimit-Limit': '10', 'RateLimit-Reset': '10' }, 10_000],
  ['-05: Remaining 1: no wait', { 'RateLimit-Limit': '10', 'RateLimit-Remaining': '1', 'RateLimit-Reset': '7' }, undefined],
  ['-05: Remaining 0 without Reset: no wait', { 'RateLimit-Remaining': '0' }, undefined],
  ['-05: Remaining not a count: no wait', { 'RateLimit-Remaining': '0.0', 'RateLimit-Reset': '7' }, undefined],
  ['-05: an epoch in the past is 0', { 'RateLimit-Remaining': '0', 'RateLimit-Reset': String(NOW / 1000 - 60) }, 0],
  ['absent', {}, undefined],
]);

describe('the Structured Fields parser under the RateLimit readers (RFC 9651 §4.2)', () => {
  it('parses the draft\'s lists, with names, Integers, Strings and Byte Sequences', () => {
    expect(parseList('"peruser";q=65535;qu="content-bytes";w=10;pk=:sdfjLJUOUH==:')).toEqual([
      {
        value: { type: 'string', value: 'peruser' },
        params: new Map<string, unknown>([
          ['q', { type: 'integer', value: 65_535 }],
          ['qu', { type: 'string', value: 'content-bytes' }],
          ['w', { type: 'integer', value: 10 }],
          ['pk', { type: 'bytes', value: 'sdfjLJUOUH==' }],
        ]),
      },
    ]);
  });

  it.each([
    ['a Decimal', '1.5', { type: 'decimal', value: 1.5 }],
    ['a Boolean', '?1', { type: 'boolean', value: true }],
    ['a Date', '@1659578233', { type: 'date', value: 1_659_578_233 }],
    ['a Token with : and /', 'text/html', { type: 'token', value: 'text/html' }],
    ['an escaped String', '"say \\"hi\\""', { type: 'string', value: 'say "hi"' }],
    ['a Display String', '%"f%c3%bc%c3%bc"', { type: 'display', value: 'f%c3%bc%c3%bc' }],
  ])('reads %s', (_label, text, value) => {
    expect(parseList(text)?.[0]?.value).toEqual(value);
  });

  it.each(['"a', '1.2345', '1234567890123.1', '?2', '@1.5', '%"%C3"', 'a,', ',a', '"\u00e9"', 'a;B=1', '(a b'])('refuses %j', (text) => {
    expect(parseList(text)).toBeUndefined();
  });

  it('keeps an Inner List as one member', () => {
    expect(parseList('(a b);x, c')?.map((member) => member.value.type)).toEqual(['inner-list', 'token']);
  });

  it('reads a Dictionary, a repeated key keeping its last value, and a bare key as true', () => {
    const dictionary = parseDictionary('limit=100, remaining=50, reset=5, limit=10, flag');
    expect(dictionary?.get('limit')?.value).toEqual({ type: 'integer', value: 10 });
    expect(dictionary?.get('flag')?.value).toEqual({ type: 'boolean', value: true });
    expect(parseDictionary('"default";r=0')).toBeUndefined();
  });

  it('gives up on a field longer than 4 KiB rather than spend time on it', () => {
    expect(parseList(`"default";r=0;t=1;${'x=1;'.repeat(1100)}`)).toBeUndefined();
  });

  it('a parameter named __proto__ is just a parameter', () => {
    expect(parseList('a;__proto__=1')).toBeUndefined(); // keys start with a lowercase letter or *
    expect(parseList('a;*proto=1')?.[0]?.params.get('*proto')).toEqual({ type: 'integer', value: 1 });
  });
});
