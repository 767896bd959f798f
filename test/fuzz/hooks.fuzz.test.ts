import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { definePolicy, isRetryError, withRetry } from '../../src/index.js';
import { FUZZ_TIMEOUT_MS, fuzzParameters, label } from './fuzz-settings.js';

/** Zero-millisecond waits, so a case runs in microseconds and 100,000 of them fit in seconds. */
const instant = definePolicy({
  name: 'instant',
  maxAttempts: 4,
  rules: [
    { match: { kind: ['network', 'timeout'] }, retry: true, schedule: { type: 'constant', delayMs: 0 } },
    { match: { status: 503 }, retry: true, schedule: { type: 'constant', delayMs: 0 } },
    { match: {}, retry: false },
  ],
});
const OUTCOMES = ['ok', 'throttled', 'network', 'bug', 'sync-throw', 'string', 'undefined'] as const;

let warn: ReturnType<typeof vi.spyOn>;
beforeAll(() => {
  warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
});
afterAll(() => warn.mockRestore());

describe('fuzz: hooks that throw never change a call\'s outcome, and every call settles exactly once', () => {
  it(`for any sequence of outcomes, with and without throwing onRetry/onGiveUp (${label})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...OUTCOMES), { minLength: 1, maxLength: 6 }), async (outcomes) => {
        const run = async (throwing: boolean) => {
          let i = 0;
          const fn = () => {
            const outcome = outcomes[i++] ?? 'throttled';
            if (outcome === 'sync-throw') throw Object.assign(new Error('sync'), { status: 503 });
            if (outcome === 'ok') return Promise.resolve('ok');
            if (outcome === 'string') return Promise.reject('a string');
            if (outcome === 'undefined') return Promise.reject(undefined);
            if (outcome === 'network') return Promise.reject(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
            return Promise.reject(outcome === 'bug' ? new RangeError('bug') : Object.assign(new Error('busy'), { status: 503 }));
          };
          const hook = throwing
            ? () => {
                throw new Error('hook');
              }
            : undefined;
          let settled = 0;
          const result = await withRetry(instant, { onRetry: hook, onGiveUp: hook })(fn)().then(
            (value) => {
              settled++;
              return { value, calls: i };
            },
            (error: unknown) => {
              settled++;
              return { reason: isRetryError(error) ? error.reason : 'other', calls: i };
            },
          );
          await Promise.resolve();
          expect(settled).toBe(1);
          return result;
        };
        expect(await run(true)).toEqual(await run(false));
      }),
      fuzzParameters,
    );
  }, FUZZ_TIMEOUT_MS);
});
