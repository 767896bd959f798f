import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBudgetStore, retryBudget, type BudgetDesign, type Failure } from '../../src/index.js';
import { RedisBudgetStore } from '../../src/redis.js';
import { redisAvailable, useRedis } from '../support/redis.js';
import { FUZZ_RUNS, FUZZ_SEED, FUZZ_TIMEOUT_MS, fuzzParameters, label } from './fuzz-settings.js';

const design: fc.Arbitrary<BudgetDesign> = fc.oneof(
  fc.record({ type: fc.constant('grpc' as const), maxTokens: fc.integer({ min: 1, max: 1000 }), tokenRatio: fc.double({ min: 0.001, max: 100, noNaN: true }) }),
  fc.record(
    {
      type: fc.constant('aws-quota' as const),
      capacity: fc.integer({ min: 0, max: 10_000 }),
      retryCost: fc.integer({ min: 0, max: 100 }),
      timeoutRetryCost: fc.integer({ min: 0, max: 100 }),
      noRetryIncrement: fc.integer({ min: 0, max: 10 }),
    },
    { requiredKeys: ['type'] },
  ),
);
const failure: fc.Arbitrary<Failure> = fc.constantFrom<Failure>({ kind: 'http', status: 503 }, { kind: 'timeout' }, { kind: 'network', code: 'ECONNRESET' });
const op = fc.oneof(failure.map((f) => ({ op: 'retry' as const, failure: f })), fc.constant({ op: 'success' as const }));

/** Runs a sequence against a budget and checks the invariants of both designs at every step. */
async function checkSequence(budgetDesign: BudgetDesign, ops: { op: 'retry' | 'success'; failure?: Failure }[], store = new MemoryBudgetStore()) {
  const budget = retryBudget(budgetDesign, { store, key: 'fuzz' });
  const full = budget.design.type === 'grpc' ? budget.design.maxMilliTokens : budget.design.capacity;
  let lastTaken = 0;
  let granted = 0;
  for (const step of ops) {
    const before = await budget.level();
    if (step.op === 'success') {
      await budget.recordSuccess(lastTaken);
      // gRPC: + tokenRatio. AWS: + the call's last retry cost, or + noRetryIncrement; never above full
      // (never the old SDK's refill-everything).
      const amount = budget.design.type === 'grpc' ? budget.design.milliTokenRatio : lastTaken > 0 ? lastTaken : budget.design.noRetryIncrement;
      expect(await budget.level()).toBe(Math.min(full, before + amount));
      lastTaken = 0;
    } else {
      const grant = await budget.requestRetry(step.failure!);
      const after = await budget.level();
      if (budget.design.type === 'grpc') expect(grant.allowed).toBe(after > budget.design.thresholdMilliTokens);
      else expect(before - after).toBe(grant.allowed ? grant.taken : 0);
      if (grant.allowed) {
        granted++;
        lastTaken = grant.taken;
      }
    }
    const level = await budget.level();
    expect(Number.isInteger(level)).toBe(true);
    expect(level).toBeGreaterThanOrEqual(0);
    expect(level).toBeLessThanOrEqual(full);
  }
  return { granted, level: await budget.level() };
}

describe('fuzz: retry budgets keep their buckets whole', () => {
  it(`levels stay integers in [0, full]; gRPC allows exactly above half; AWS takes exactly the cost it grants (${label})`, async () => {
    await fc.assert(fc.asyncProperty(design, fc.array(op, { maxLength: 40 }), async (d, ops) => void (await checkSequence(d, ops))), fuzzParameters);
  }, FUZZ_TIMEOUT_MS);
});

describe.skipIf(!redisAvailable)('fuzz: the Redis store answers exactly as the in-memory store', () => {
  const redis = useRedis();

  // Each case is a few dozen Redis round trips: a tenth of the cases, at most 5,000.
  const runs = Math.min(5000, Math.max(50, Math.floor(FUZZ_RUNS / 10)));
  it(`for any design and sequence of retries and successes (${runs} cases, seed ${FUZZ_SEED})`, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(design, fc.array(op, { maxLength: 25 }), async (d, ops) => {
        const store = new RedisBudgetStore(redis.client, { prefix: `fuzz-${Date.now()}-${n++}:`, timeoutMs: 5000 });
        expect(await checkSequence(d, ops, store as unknown as MemoryBudgetStore)).toEqual(await checkSequence(d, ops));
      }),
      { numRuns: runs, seed: FUZZ_SEED },
    );
  }, FUZZ_TIMEOUT_MS);
});
