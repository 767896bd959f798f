import { describe, expect, it } from 'vitest';
import { simulatePacing, type Mode } from '../../bench/sim/pacing-sim.js';

/**
 * The pacing study's qualitative results, on short seeded runs (10 virtual minutes, one seed;
 * `npm run sim` runs an hour, five seeds): a shared rateLimiter keeps 429s near 0 and the plan's
 * throughput at every N, while retrying alone sends more 429s the more clients there are.
 */
const CLIENTS = [1, 4, 16, 64] as const;
const run = (clients: number, mode: Mode, hopSdMs?: number) => simulatePacing({ clients, mode, durationS: 600, ...(hopSdMs === undefined ? {} : { hopSdMs }) });
const per1000 = (r: { throttled: number; requests: number }): number => (r.throttled / r.requests) * 1000;

describe.each(CLIENTS)('N = %i clients on getOrderItems (0.5/s, burst 30)', (clients) => {
  it('paced: at most 10 429s per 1,000 requests, goodput at least 0.9, no call given up', async () => {
    const paced = await run(clients, 'paced');
    expect(per1000(paced)).toBeLessThanOrEqual(10);
    expect(paced.goodput).toBeGreaterThanOrEqual(0.9);
    expect(paced.gaveUp).toEqual({});
  });

  it('paced on a network that never varies: no 429 at all (the ones above come from hop jitter)', async () => {
    expect((await run(clients, 'paced', 0)).throttled).toBe(0);
  });
});

describe('retry-only', () => {
  it('sends more 429s per 1,000 requests the more clients there are', async () => {
    const rates: number[] = [];
    for (const clients of CLIENTS) rates.push(per1000(await run(clients, 'retry-only')));
    for (let i = 1; i < rates.length; i++) expect(rates[i]!).toBeGreaterThan(rates[i - 1]!);
    // Even one client back to back offers 10× the plan: 429s from the start.
    expect(rates[0]!).toBeGreaterThan(100);
  });
});

describe('the simulation itself', () => {
  it('is deterministic for a seed', async () => {
    const once = await simulatePacing({ clients: 4, mode: 'retry-only', durationS: 300, seed: 7 });
    expect(await simulatePacing({ clients: 4, mode: 'retry-only', durationS: 300, seed: 7 })).toEqual(once);
  });

  it('never serves more than the plan allows: burst + rate · duration', async () => {
    for (const mode of ['paced', 'retry-only'] as const) expect((await run(16, mode)).succeeded).toBeLessThanOrEqual(30 + 0.5 * 600);
  });
});
