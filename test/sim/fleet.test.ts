import { describe, expect, it } from 'vitest';
import { amplification } from '../../bench/sim/amplification.js';
import { metastability, OUTAGE_START_S } from '../../bench/sim/metastability.js';

/**
 * The fleet simulations' published figures, seeded and small. Expected values: retry
 * amplification without a budget is (1 − p⁴)/(1 − p) attempts per call with 3 retries; the AWS
 * quota allows 500 / 5 = 100 retries (500 / 10 = 50 after timeouts) from a full bucket; a 10%
 * budget keeps amplification near 1 when everything fails (Google SRE, "Handling Overload").
 */
describe('retry amplification', () => {
  it('without a budget: (1 − p⁴)/(1 − p) attempts per call, 1.875 at p = 0.5 and 4 at p = 1', async () => {
    expect(Math.abs((await amplification(0.5, 20_000)).attemptsPerCall - 1.875)).toBeLessThan(0.02);
    expect((await amplification(1, 1000)).attemptsPerCall).toBe(4);
  });

  it('with the gRPC-style 10% budget at p = 1: at most 1.1 attempts per call over the long run', async () => {
    expect((await amplification(1, 10_000, { type: 'grpc', maxTokens: 10, tokenRatio: 0.1 })).attemptsPerCall).toBeLessThanOrEqual(1.1);
  });

  it('with the AWS quota at p = 1: exactly 100 retries at cost 5 (throttling), 50 at cost 10 (transient: 503, timeouts), then refusals', async () => {
    expect((await amplification(1, 1000, { type: 'aws-quota' }, { failure: { kind: 'http', status: 429 } })).retries).toBe(100);
    // smithy: 500/502/503/504 are TRANSIENT, like timeouts: TIMEOUT_RETRY_COST, 10.
    expect((await amplification(1, 1000, { type: 'aws-quota' })).retries).toBe(50);
    expect((await amplification(1, 1000, { type: 'aws-quota' }, { failure: { kind: 'timeout' } })).retries).toBe(50);
  });
});

describe('metastability after an outage', () => {
  const window = (goodput: number[], outageS: number): number => {
    const from = Math.ceil(OUTAGE_START_S + outageS + 60);
    const slice = goodput.slice(from, from + 60);
    return slice.reduce((a, b) => a + b, 0) / slice.length;
  };

  it('a 1 s outage recovers even without a budget (it is below Δ*)', () => {
    expect(metastability({ outageS: 1, budget: false, afterS: 120 }).recoveredAt).toBeLessThanOrEqual(10);
  });

  it.each([2, 5, 10])('after a %i s outage: without a budget goodput stays ≤ 10%; with a 10% budget it is back to ≥ 95% within 60 s', (outageS) => {
    const none = metastability({ outageS, budget: false, afterS: 120 });
    expect(window(none.goodput, outageS)).toBeLessThanOrEqual(0.1);
    expect(none.recoveredAt).toBe(Number.POSITIVE_INFINITY);
    const budgeted = metastability({ outageS, budget: true, afterS: 120 });
    expect(budgeted.recoveredAt).toBeLessThanOrEqual(60);
    expect(window(budgeted.goodput, outageS)).toBeGreaterThanOrEqual(0.95);
  });
});
