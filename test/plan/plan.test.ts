import { describe, expect, it } from 'vitest';
import { definePolicy, mwsPolicy, plan, scraperPolicy, type Failure } from '../../src/index.js';

const throttled: Failure = { kind: 'http', status: 503, code: 'RequestThrottled' };

describe('plan: a dry run of a policy', () => {
  it('gives the MWS seed spacing 1 s, 4 s, 10 s, 30 s, then gives up, with cumulative times', () => {
    const result = plan(mwsPolicy, Array(5).fill(throttled));
    expect(result.steps.map((s) => [s.attempt, s.delayMs, s.cumulativeMs, s.rule, s.reason])).toEqual([
      [1, 1000, 1000, 'RequestThrottled', undefined],
      [2, 4000, 5000, 'RequestThrottled', undefined],
      [3, 10_000, 15_000, 'RequestThrottled', undefined],
      [4, 30_000, 45_000, 'RequestThrottled', undefined],
      [5, undefined, 45_000, 'RequestThrottled', 'attempts-exhausted'],
    ]);
    expect(result.outcome).toEqual({ stopped: true, reason: 'attempts-exhausted' });
    expect(result.totalDelayMs).toBe(45_000);
  });

  it('stops at the first non-retryable failure and ignores the rest', () => {
    const result = plan(mwsPolicy, [throttled, { kind: 'http', status: 403, code: 'SignatureDoesNotMatch' }, throttled]);
    expect(result.steps).toHaveLength(2);
    expect(result.outcome).toEqual({ stopped: true, reason: 'not-retryable' });
  });

  it('says when the failures ran out while the policy would still retry', () => {
    expect(plan(mwsPolicy, [throttled]).outcome).toEqual({ stopped: false });
  });

  it('uses the mean jitter by default and the given draw otherwise (scraper: 2^attempt s + U(0, 1 s))', () => {
    const failures: Failure[] = Array(3).fill({ kind: 'http', status: 502, code: 'extraction_failed' });
    expect(plan(scraperPolicy, failures).steps.map((s) => s.delayMs)).toEqual([2500, 4500, 8500]);
    expect(plan(scraperPolicy, failures, { random: 0 }).steps.map((s) => s.delayMs)).toEqual([2000, 4000, 8000]);
  });

  it('honours a deadline and counts the attempts\' own duration', () => {
    const result = plan(mwsPolicy, Array(5).fill(throttled), { maxElapsedMs: 20_000, attemptDurationMs: 1000 });
    expect(result.steps.map((s) => s.delayMs ?? s.reason)).toEqual([1000, 4000, 10_000, 'deadline']);
  });

  it('lets users unit-test their own policy', () => {
    const mine = definePolicy({ name: 'mine', maxAttempts: 3, rules: [{ match: { status: 429 }, retry: true, schedule: { type: 'constant', delayMs: 250 } }, { match: {}, retry: false }] });
    expect(plan(mine, Array(3).fill({ kind: 'http', status: 429 })).steps.map((s) => s.delayMs ?? s.reason)).toEqual([250, 250, 'attempts-exhausted']);
  });
});
