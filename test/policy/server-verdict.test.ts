import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definePolicy, mwsPolicy, scraperPolicy, type Failure } from '../../src/index.js';

/**
 * Stripe documents `Stripe-Should-Retry` as the API telling the client whether to retry ("The API
 * may ask us not to retry ... or advise us to retry ... we defer to that", stripe-node
 * RequestSender.ts); gRPC A6: a negative pushback means "the server asking the client not to retry
 * at all". The normalizer turns both into `failure.verdict`; decide lets it override the row.
 */
describe('the server verdict overrides the row', () => {
  const failures = fc.record({
    kind: fc.constantFrom('http' as const, 'network' as const, 'timeout' as const),
    status: fc.option(fc.integer({ min: 400, max: 599 }), { nil: undefined }),
    code: fc.option(fc.constantFrom('RequestThrottled', 'QuotaExceeded', 'InternalError', 'rate_limited', 'capacity', 'ECONNRESET'), { nil: undefined }),
  });

  it('stop: every call stops with server-declined, even on rows that retry', () => {
    fc.assert(
      fc.property(failures, fc.integer({ min: 1, max: 3 }), (failure, attempt) => {
        for (const policy of [mwsPolicy, scraperPolicy]) {
          const plain = policy.decide(failure, { attempt });
          const declined = policy.decide({ ...failure, verdict: 'stop' }, { attempt });
          if (policy.match(failure) === undefined) expect(declined.action).toBe('stop');
          else expect(declined).toMatchObject({ action: 'stop', reason: 'server-declined', rule: plain.rule });
        }
      }),
    );
  });

  it('retry: a row that would stop retries on its schedule, within the attempt limits', () => {
    const policy = definePolicy({
      name: 'verdicts',
      maxAttempts: 3,
      schedule: { type: 'constant', delayMs: 250 },
      rules: [
        { match: { status: 409 }, retry: false, note: 'a conflict is permanent unless the server says otherwise' },
        { match: {}, retry: false },
      ],
    });
    const conflict: Failure = { kind: 'http', status: 409 };
    expect(policy.decide(conflict, { attempt: 1 })).toMatchObject({ action: 'stop', reason: 'not-retryable' });
    expect(policy.decide({ ...conflict, verdict: 'retry' }, { attempt: 1 })).toMatchObject({ action: 'retry', delayMs: 250 });
    expect(policy.decide({ ...conflict, verdict: 'retry' }, { attempt: 3 })).toMatchObject({ action: 'stop', reason: 'attempts-exhausted' });
  });
});
