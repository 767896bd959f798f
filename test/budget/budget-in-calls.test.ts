import { describe, expect, it } from 'vitest';
import { definePolicy, isRetryError, mwsPolicy, retryBudget, scraperPolicy, TestClock, withRetry } from '../../src/index.js';

// A throttling answer: the AWS quota charges it RETRY_COST (5), a 503 would cost 10 (transient).
const busy = () => Object.assign(new Error('busy'), { status: 429 });
const everything = definePolicy({ name: 'everything', maxAttempts: 5, rules: [{ match: {}, retry: true, schedule: { type: 'constant', delayMs: 100 } }] });

describe('a budget shared by calls', () => {
  it('stops a call with budget-exhausted when the bucket refuses, keeping the journal', async () => {
    const clock = new TestClock();
    const budget = retryBudget({ type: 'grpc', maxTokens: 4, tokenRatio: 1.6 });
    const failing = withRetry(everything, { clock, budget })(async () => {
      throw busy();
    });
    const error = await clock.run(failing()).catch((e: unknown) => e);
    // Tokens 4 → 3 (retry allowed) → 2 (refused: at the threshold).
    expect(isRetryError(error) && [error.reason, error.attempts.length, error.attempts.map((a) => a.reason ?? a.action)]).toEqual([
      'budget-exhausted',
      2,
      ['retry', 'budget-exhausted'],
    ]);
  });

  it('across many calls at p = 1, allows exactly the AWS quota: 100 retries, then every call makes one attempt', async () => {
    const clock = new TestClock();
    const budget = retryBudget({ type: 'aws-quota' });
    let attempts = 0;
    const failing = withRetry(everything, { clock, budget })(async () => {
      attempts++;
      throw busy();
    });
    for (let call = 0; call < 60; call++) await clock.run(failing()).catch(() => undefined);
    expect(attempts - 60).toBe(100); // retries = attempts beyond the first of each call
    expect(await budget.level()).toBe(0);
  });

  it('credits successes: gRPC tokens recover and retries are allowed again', async () => {
    const clock = new TestClock();
    const budget = retryBudget({ type: 'grpc', maxTokens: 4, tokenRatio: 1.6 });
    await clock.run(withRetry(everything, { clock, budget })(async () => Promise.reject(busy()))()).catch(() => undefined);
    expect(await budget.level()).toBe(2000);
    await clock.run(withRetry(everything, { clock, budget })(async () => 'ok')());
    expect(await budget.level()).toBe(3600);
  });

  it('a throttling answer with Retry-After makes every call sharing the budget wait it out', async () => {
    const clock = new TestClock(1_000_000);
    const budget = retryBudget({ type: 'aws-quota' });
    const starts: { call: string; at: number }[] = [];
    let throttledOnce = false;
    const scrape = withRetry(scraperPolicy, { clock, budget, random: () => 0 })(async (call: string) => {
      starts.push({ call, at: clock.now() });
      if (call === 'a' && !throttledOnce) {
        throttledOnce = true;
        return new Response('{"error":"rate_limited"}', { status: 429, headers: { 'retry-after': '30', 'content-type': 'application/json' } });
      }
      return new Response('{}', { status: 200 });
    });
    const a = scrape('a');
    await clock.advance(0); // a's first attempt fails and sets a 30 s cool-down
    const b = scrape('b'); // a new call on the same budget
    await clock.run(Promise.all([a, b]));
    const bStart = starts.find((s) => s.call === 'b')!.at;
    expect(bStart).toBeGreaterThanOrEqual(1_000_000 + 30_000);
    expect(starts.filter((s) => s.call === 'a').map((s) => s.at)).toEqual([1_000_000, 1_030_000]);
  });

  it('rows without coolDown (a plain 500) set no cool-down', async () => {
    const clock = new TestClock();
    const budget = retryBudget({ type: 'aws-quota' });
    await clock.run(withRetry(mwsPolicy, { clock, budget })(async () => Promise.reject(Object.assign(new Error('x'), { status: 500, code: 'InternalError' })))()).catch(() => undefined);
    expect(await budget.coolDownUntil()).toBe(0);
  });

  it('rejects something that is not a budget, naming the option', () => {
    expect(() => withRetry(mwsPolicy, { budget: {} as never })).toThrow(/budget/);
  });
});
