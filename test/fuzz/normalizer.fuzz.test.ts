import fc from 'fast-check';
import { describe, it } from 'vitest';
import { normalizeFailure } from '../../src/index.js';
import { FUZZ_TIMEOUT_MS, fuzzParameters, label } from './fuzz-settings.js';
import { expectValidFailure } from './valid-failure.js';

const FIELDS = ['status', 'statusCode', 'code', 'error', 'name', 'message', 'cause', 'errors', 'response', 'headers', 'body', 'data', '$metadata', '$fault', 'clone'];

/** Objects shaped like errors of HTTP clients, with values of any type where the fields go. */
const errorLike: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof({ depthSize: 'small' }, fc.anything(), tie('node'), fc.integer({ min: 100, max: 700 })), { maxKeys: 8 }),
})).node;

/**
 * Recipes for hostile values: an object whose named getters throw, a proxy whose traps throw, a
 * cyclic cause chain, a frozen object. The property builds them: fast-check probes the values it
 * generates (`in`, getters), and a hostile value would break the harness instead of our code.
 */
const hostileRecipe = fc.record({
  base: errorLike,
  kind: fc.constantFrom('getters', 'proxy', 'cyclic', 'frozen'),
  throwing: fc.subarray(FIELDS),
  trap: fc.constantFrom('get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf'),
});

function buildHostile({ base, kind, throwing, trap }: { base: unknown; kind: string; throwing: string[]; trap: string }): unknown {
  const target: Record<string, unknown> = typeof base === 'object' && base !== null ? { ...(base as object) } : {};
  switch (kind) {
    case 'getters':
      for (const key of throwing) {
        Object.defineProperty(target, key, {
          get() {
            throw new Error(`getter ${key}`);
          },
          enumerable: true,
        });
      }
      return target;
    case 'proxy':
      return new Proxy(target, {
        [trap]() {
          throw new Error(`trap ${trap}`);
        },
      });
    case 'cyclic':
      target['cause'] = { cause: target, errors: [target, { cause: target }] };
      return target;
    default:
      return Object.freeze(target);
  }
}

const headerValue = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'0123456789 -.,:eE+abcdefGMT'.split('')), maxLength: 40 }),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toUTCString()),
  fc.integer().map(String),
  fc.double().map(String),
);
const body = fc.oneof(
  fc.string(),
  fc.constantFrom('{"error":"rate_lim', '<ErrorResponse><Error><Code>Quota', '<ErrorResponse><Error><Code>X</Code></Error><RequestID>', '{"error":{"code":7}}', 'null', '[]', '{}'),
  fc.json(),
  fc.nat({ max: 200_000 }).map((n) => '<'.repeat(n)),
  fc.uint8Array({ maxLength: 512 }),
);
/** Responses with random statuses, random header values, garbage bodies, sometimes already consumed. */
const response = fc
  .record({
    status: fc.integer({ min: 400, max: 599 }),
    headers: fc.dictionary(
      fc.constantFrom('retry-after', 'x-mws-request-id', 'x-mws-timestamp', 'x-mws-quota-max', 'x-mws-quota-remaining', 'x-mws-quota-resetsOn', 'content-type'),
      headerValue,
    ),
    body,
    consumed: fc.boolean(),
  })
  .map(({ status, headers, body: text, consumed }) => ({ make: () => new Response(text, { status, headers }), consumed }));

describe('fuzz: the normalizer never throws, never hangs, and returns a valid Failure', () => {
  it(`for any JS value thrown or returned (${label})`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withBoxedValues: true }),
          errorLike,
          hostileRecipe.map((recipe) => ({ recipe })),
        ),
        async (generated) => {
          const isRecipe = typeof generated === 'object' && generated !== null && Object.keys(generated).length === 1 && 'recipe' in generated;
          const value = isRecipe ? buildHostile((generated as { recipe: Parameters<typeof buildHostile>[0] }).recipe) : generated;
          expectValidFailure(await normalizeFailure(value, { now: 0 }));
        },
      ),
      fuzzParameters,
    );
  }, FUZZ_TIMEOUT_MS);

  it(`for any failed Response: random statuses, header values and bodies, consumed or not (${label})`, async () => {
    await fc.assert(
      fc.asyncProperty(response, fc.integer({ min: 0, max: 4_102_444_800_000 }), async ({ make, consumed }, now) => {
        let res: Response;
        try {
          res = make();
        } catch {
          return; // a header value the Response constructor itself refuses never reaches us
        }
        if (consumed) await res.arrayBuffer();
        expectValidFailure(await normalizeFailure(res, { now }));
        // Thrown by a client instead of returned: the same.
        expectValidFailure(await normalizeFailure({ response: res, status: res.status }, { now }));
      }),
      fuzzParameters,
    );
  }, FUZZ_TIMEOUT_MS);
});
