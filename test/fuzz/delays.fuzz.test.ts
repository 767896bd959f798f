import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mwsPolicy, normalizeFailure, scraperPolicy, STOP_REASONS } from '../../src/index.js';
import { FUZZ_TIMEOUT_MS, fuzzParameters, label } from './fuzz-settings.js';

const MAX_TIMER = 2 ** 31 - 1;
const hint = fc.oneof(
  fc.string({ maxLength: 30 }).filter((s) => !/[\r\n\0]/.test(s) && s.trim() === s),
  fc.double({ noNaN: false }).map(String),
  fc.integer({ min: -1e12, max: 1e15 }).map(String),
  fc.constantFrom('1e3', '-0', '+5', '0x10', 'Infinity', '3, 5', '5,3', '1.5', ' 7 '),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toUTCString()),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()),
);

describe('fuzz: any Retry-After or quota header gives a valid delay or a stop with a reason', () => {
  it(`scraper 429/503 with any Retry-After, MWS QuotaExceeded with any x-mws-quota-resetsOn (${label})`, async () => {
    await fc.assert(
      fc.asyncProperty(
        hint,
        fc.constantFrom(
          { policy: scraperPolicy, status: 429, body: '{"error":"rate_limited"}', header: 'retry-after' },
          { policy: scraperPolicy, status: 503, body: '{"error":"capacity"}', header: 'retry-after' },
          { policy: scraperPolicy, status: 422, body: '{"error":"blocked_by_amazon"}', header: 'retry-after' },
          { policy: mwsPolicy, status: 503, body: '<ErrorResponse><Error><Code>QuotaExceeded</Code></Error></ErrorResponse>', header: 'x-mws-quota-resetsOn' },
        ),
        fc.integer({ min: 1, max: 5 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        async (value, target, attempt, random, now) => {
          let response: Response;
          try {
            response = new Response(target.body, { status: target.status, headers: { [target.header]: value } });
          } catch {
            return;
          }
          const failure = await normalizeFailure(response, { now });
          const decision = target.policy.decide(failure, { attempt, random });
          if (decision.action === 'retry') {
            expect(Number.isInteger(decision.delayMs)).toBe(true);
            expect(decision.delayMs).toBeGreaterThanOrEqual(0);
            expect(decision.delayMs).toBeLessThanOrEqual(MAX_TIMER);
          } else {
            expect(STOP_REASONS).toContain(decision.reason);
          }
        },
      ),
      fuzzParameters,
    );
  }, FUZZ_TIMEOUT_MS);
});
