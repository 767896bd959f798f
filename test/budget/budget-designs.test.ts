import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBudgetStore, retryBudget, type Failure } from '../../src/index.js';

const throttled: Failure = { kind: 'http', status: 503, code: 'RequestThrottled' };
const timedOut: Failure = { kind: 'timeout' };

describe('gRPC retry throttling (grpc/proposal A6)', () => {
  it("reproduces gRPC's own golden vector exactly (retry_throttle_test.cc: max 4, ratio 1.6)", async () => {
    // From gRPC's test: F → 3 allowed; S → 4 (capped); F → 3 allowed; F → 2 refused (at threshold);
    // F → 1; F → 0; F → 0 (not below 0); S → 1.6; S → 3.2; F → 2.2 allowed; F → 1.2 refused;
    // S → 2.8; F → 1.8 refused; S → 3.4; F → 2.4 allowed.
    const budget = retryBudget({ type: 'grpc', maxTokens: 4, tokenRatio: 1.6 });
    const vector: (['F', boolean, number] | ['S', number])[] = [
      ['F', true, 3000],
      ['S', 4000],
      ['F', true, 3000],
      ['F', false, 2000],
      ['F', false, 1000],
      ['F', false, 0],
      ['F', false, 0],
      ['S', 1600],
      ['S', 3200],
      ['F', true, 2200],
      ['F', false, 1200],
      ['S', 2800],
      ['F', false, 1800],
      ['S', 3400],
      ['F', true, 2400],
    ];
    for (const step of vector) {
      if (step[0] === 'F') {
        const grant = await budget.requestRetry(throttled);
        expect([grant.allowed, await budget.level()]).toEqual([step[1], step[2]]);
      } else {
        await budget.recordSuccess(0);
        expect(await budget.level()).toBe(step[1]);
      }
    }
  });

  it('keeps tokens in [0, max] and allows a retry exactly when more than half remains', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0.001, max: 10, noNaN: true }), fc.array(fc.boolean(), { maxLength: 60 }), async (maxTokens, tokenRatio, ops) => {
        const budget = retryBudget({ type: 'grpc', maxTokens, tokenRatio });
        for (const success of ops) {
          if (success) await budget.recordSuccess(0);
          else {
            const { allowed } = await budget.requestRetry(throttled);
            expect(allowed).toBe((await budget.level()) > (maxTokens * 1000) / 2);
          }
          const level = await budget.level();
          expect(Number.isInteger(level)).toBe(true);
          expect(level).toBeGreaterThanOrEqual(0);
          expect(level).toBeLessThanOrEqual(maxTokens * 1000);
        }
      }),
    );
  });
});

describe('the AWS SDK retry quota', () => {
  it('allows exactly 100 retries at cost 5 from a full bucket of 500, then refuses', async () => {
    const budget = retryBudget({ type: 'aws-quota' });
    let allowed = 0;
    for (let i = 0; i < 150; i++) if ((await budget.requestRetry(throttled)).allowed) allowed++;
    expect(allowed).toBe(100);
    expect(await budget.level()).toBe(0);
  });

  it('allows exactly 50 retries at cost 10 after timeouts and network failures', async () => {
    const budget = retryBudget({ type: 'aws-quota' });
    let allowed = 0;
    for (let i = 0; i < 80; i++) if ((await budget.requestRetry(i % 2 ? timedOut : { kind: 'network', code: 'ECONNRESET' })).allowed) allowed++;
    expect(allowed).toBe(50);
  });

  it('refunds the last retry\'s cost on success, or 1 when the call needed no retry, capped at capacity', async () => {
    const budget = retryBudget({ type: 'aws-quota' });
    const { taken } = await budget.requestRetry(timedOut);
    expect([taken, await budget.level()]).toEqual([10, 490]);
    await budget.recordSuccess(taken);
    expect(await budget.level()).toBe(500);
    await budget.requestRetry(throttled);
    await budget.recordSuccess(0);
    expect(await budget.level()).toBe(496);
    for (let i = 0; i < 10; i++) await budget.recordSuccess(0);
    expect(await budget.level()).toBe(500);
  });

  it('never refills the whole bucket on a success (the old SDK bug): a success adds at most what was taken, or 1', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.constant('retry' as const), fc.constant('timeout' as const), fc.constant('success' as const)), { maxLength: 200 }), async (ops) => {
        const budget = retryBudget({ type: 'aws-quota' });
        let lastTaken = 0;
        for (const op of ops) {
          const before = await budget.level();
          if (op === 'success') {
            await budget.recordSuccess(lastTaken);
            const gained = (await budget.level()) - before;
            expect(gained).toBeLessThanOrEqual(lastTaken > 0 ? lastTaken : 1);
            expect(gained).toBeGreaterThanOrEqual(0);
            lastTaken = 0;
          } else {
            const grant = await budget.requestRetry(op === 'timeout' ? timedOut : throttled);
            expect(grant.allowed).toBe(before >= (op === 'timeout' ? 10 : 5));
            if (grant.allowed) lastTaken = grant.taken;
          }
          expect(await budget.level()).toBeLessThanOrEqual(500);
          expect(await budget.level()).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});

describe('retryBudget options', () => {
  it('shares a bucket between budgets with the same store and key, and not across keys', async () => {
    const store = new MemoryBudgetStore();
    const a = retryBudget({ type: 'aws-quota' }, { store, key: 'seller-1' });
    const b = retryBudget({ type: 'aws-quota' }, { store, key: 'seller-1' });
    const other = retryBudget({ type: 'aws-quota' }, { store, key: 'seller-2' });
    await a.requestRetry(throttled);
    expect(await b.level()).toBe(495);
    expect(await other.level()).toBe(500);
  });

  it.each([
    [{ type: 'grpc', maxTokens: 0, tokenRatio: 1 }, /maxTokens/],
    [{ type: 'grpc', maxTokens: 10, tokenRatio: -1 }, /tokenRatio/],
    [{ type: 'aws-quota', retryCost: 1.5 }, /retryCost/],
    [{ type: 'leaky' }, /type/],
  ])('rejects a bad design %j with a typed error naming the field', (design, message) => {
    expect(() => retryBudget(design as never)).toThrow(message);
    expect(() => retryBudget(design as never)).toThrow(expect.objectContaining({ name: 'OptionsError' }));
  });
});
