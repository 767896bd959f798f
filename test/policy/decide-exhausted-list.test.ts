import { describe, expect, it } from 'vitest';
import { definePolicy, type ScheduleSpec } from '../../src/index.js';

const list: ScheduleSpec = { type: 'list', delaysMs: [100, 200] };
const policyFor = (schedule: ScheduleSpec) => definePolicy({ name: 'p', maxAttempts: 10, rules: [{ match: {}, retry: true, schedule }] });

// The end of a list is `undefined` in the compiled schedule: these pin down what decide makes of it.
describe('decide at the end of a delay list', () => {
  it('stops with attempts-exhausted when no hint applies', () => {
    expect(policyFor(list).decide({ kind: 'network' }, { attempt: 3 })).toMatchObject({ action: 'stop', reason: 'attempts-exhausted' });
    expect(policyFor({ type: 'retry-after', fallback: list }).decide({ kind: 'network' }, { attempt: 3 }).action).toBe('stop');
  });

  it('still follows a Retry-After hint, in either mode: the server said when to come back', () => {
    for (const mode of ['prefer', 'max'] as const) {
      const decision = policyFor({ type: 'retry-after', mode, fallback: list }).decide({ kind: 'http', status: 503, retryAfterMs: 0 }, { attempt: 3 });
      expect(decision).toMatchObject({ action: 'retry', delayMs: 0, source: 'retry-after' });
    }
  });

  it('still follows a quota reset', () => {
    const decision = policyFor({ type: 'quota-reset', fallback: list }).decide({ kind: 'http', status: 503, quota: { resetsInMs: 1500 } }, { attempt: 3 });
    expect(decision).toMatchObject({ action: 'retry', delayMs: 1500, source: 'quota-reset' });
  });
});
