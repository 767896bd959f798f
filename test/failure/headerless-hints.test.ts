import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeFailureEager, normalizeFailureSync } from '../../src/failure/normalize.js';
import type { CompiledReaders, FailureReaders, HintReader, LibraryReaderSet } from '../../src/failure/readers/reader.js';
import { BUILT_IN_READERS } from '../../src/failure/readers/registry.js';
import { definePolicy } from '../../src/policy/define-policy.js';
import { mwsPolicy } from '../../src/policies/mws.js';
import { scraperPolicy } from '../../src/policies/scraper.js';
import { spApiPolicy } from '../../src/policies/sp-api.js';

/**
 * The commonest failure of all is a thrown `Error` with a `status` and no headers. Such a failure
 * is read by `headerlessHints` alone (the user's hint readers), not by every header reader of the
 * registry, each of which could only have answered nothing. These tests hold the premise (no
 * library reader answers without headers) and the consequence (the failure reads the same as
 * when every reader runs).
 */

const NOW = Date.parse('2024-01-10T12:00:00.000Z');

/** Whatever an error's `headers` may be when it carries none: absent, null, or not an object. */
const notHeaders = fc.oneof(fc.constant(undefined), fc.constant(null), fc.string(), fc.integer(), fc.boolean(), fc.double());

/** A reader set read as if it had no `headerlessHints`: every reader runs, as before. */
function everyReaderRuns(set: LibraryReaderSet): CompiledReaders {
  const { headerlessHints: _dropped, ...all } = set;
  return Object.defineProperty({ builtIn: all }, 'inOrder', { value: all }) as CompiledReaders;
}

describe('a failure that carries no headers', () => {
  it('is answered by no library hint reader, whatever it holds (the premise of skipping them)', () => {
    const readers: HintReader[] = [...BUILT_IN_READERS.hints, ...BUILT_IN_READERS.fallbackHints];
    fc.assert(
      fc.property(notHeaders, fc.integer({ min: 0, max: 2 ** 42 }), (headers, now) => {
        for (const reader of readers) expect(reader.read(headers, now), reader.name).toBeUndefined();
      }),
    );
  });

  it('says so for every library reader set, and a user-made set keeps every reader', () => {
    for (const policy of [mwsPolicy, scraperPolicy, spApiPolicy, definePolicy({ name: 'plain', rules: [{ match: {}, retry: false }] })]) {
      expect((policy.readers as CompiledReaders).inOrder.headerlessHints, policy.name).toEqual([]);
    }
    // A set the library did not make may hold readers that answer without headers: nothing is skipped.
    const own: FailureReaders = { hints: [{ name: 'always', field: 'retryAfterMs', read: () => 1500 }] };
    const custom = { ...own, builtIn: { body: [], hints: [{ name: 'mine', field: 'requestId' as const, read: () => 'r-1' }], fallbackHints: [] } };
    expect(normalizeFailureSync({ status: 503 }, { now: NOW, readers: custom })).toEqual({ kind: 'http', status: 503, retryAfterMs: 1500, requestId: 'r-1' });
  });

  it("is read by the user's hint readers, checked, and by nothing else", () => {
    const seen: unknown[] = [];
    const acme = definePolicy(
      { name: 'acme', rules: [{ match: {}, retry: false }] },
      { readers: { hints: [{ name: 'acme-wait', field: 'retryAfterMs', read: (headers) => (seen.push(headers), 2.4) }, { name: 'broken', field: 'quota', read: () => { throw new Error('bug'); } }] } },
    );
    expect(normalizeFailureEager({ status: 429, code: 'SlowDown' }, { now: NOW, readers: acme.readers })).toEqual({ kind: 'http', status: 429, code: 'SlowDown', retryAfterMs: 3 });
    expect(seen).toEqual([undefined]);
  });

  it('reads exactly as when every reader runs (user readers, error fields, each prebuilt policy)', () => {
    const userHint = fc.option(fc.oneof(fc.constant(-1), fc.nat(120_000), fc.constant('5'), fc.constant(Number.NaN)), { nil: undefined });
    const errorFields = fc.record(
      {
        status: fc.integer({ min: 400, max: 599 }),
        code: fc.constantFrom('QuotaExceeded', 'rate_limited', 'ECONNRESET', 'InternalError'),
        message: fc.string({ maxLength: 20 }),
        requestId: fc.string({ minLength: 1, maxLength: 12 }),
        body: fc.constantFrom('{"error":"rate_limited","request_id":"q-1"}', '{"errors":[{"code":"QuotaExceeded","message":"m"}]}', '<ErrorResponse><Error><Code>RequestThrottled</Code></Error><RequestID>r-9</RequestID></ErrorResponse>'),
      },
      { requiredKeys: ['status'] },
    );
    fc.assert(
      fc.property(errorFields, notHeaders, userHint, (fields, headers, answer) => {
        const error = { ...fields, headers };
        const withUser = definePolicy({ name: 'u', rules: [{ match: {}, retry: false }] }, answer === undefined ? undefined : { readers: { hints: [{ name: 'u', field: 'retryAfterMs', read: () => answer as number }] } });
        for (const policy of [withUser, mwsPolicy, scraperPolicy, spApiPolicy]) {
          const { inOrder } = policy.readers as CompiledReaders;
          expect(normalizeFailureSync(error, { now: NOW, readers: policy.readers }), policy.name).toEqual(normalizeFailureSync(error, { now: NOW, readers: everyReaderRuns(inOrder) }));
        }
      }),
    );
  });
});
