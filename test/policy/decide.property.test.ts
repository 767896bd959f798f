import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definePolicy, type Failure, type RuleMatch } from '../../src/index.js';
import { failureArb, policySpecArb, randomArb } from '../support/arbitraries.js';

const MAX_TIMER = 2 ** 31 - 1;
const stateArb = fc.record(
  {
    attempt: fc.integer({ min: 1, max: 12 }),
    elapsedMs: fc.oneof(fc.nat({ max: 1_000_000 }), fc.constantFrom(-5, Number.NaN)),
    maxElapsedMs: fc.nat({ max: 1_000_000 }),
    random: randomArb,
    previousDelayMs: fc.nat({ max: 100_000 }),
  },
  { requiredKeys: ['attempt'] },
);

/** An independent model of "first match wins": a plain scan of the rows, as a reader would do it. */
function firstMatchByScan(rules: readonly { match: RuleMatch }[], failure: Failure): number | undefined {
  const has = <T>(value: T | readonly T[] | undefined, test: (item: T) => boolean): boolean =>
    value === undefined || [value].flat().some((item) => test(item as T));
  const index = rules.findIndex(
    ({ match }) =>
      has(match.code, (code) => code === failure.code) &&
      has(match.kind, (kind) => kind === failure.kind) &&
      has(match.status, (status) =>
        typeof status === 'number'
          ? status === failure.status
          : failure.status !== undefined && String(failure.status)[0] === status[0],
      ),
  );
  return index === -1 ? undefined : index;
}

describe('decide: properties over generated tables', () => {
  it('finds the same row as a linear scan (first match wins, through the compiled index)', () => {
    fc.assert(
      fc.property(policySpecArb, failureArb, (spec, failure) => {
        const policy = definePolicy(spec);
        expect(policy.match(failure)?.index).toBe(firstMatchByScan(spec.rules, failure));
      }),
      { numRuns: 500 },
    );
  });

  it('never returns a delay that is negative, fractional, NaN, above maxDelayMs or above 2^31-1', () => {
    fc.assert(
      fc.property(policySpecArb, failureArb, stateArb, (spec, failure, state) => {
        const decision = definePolicy(spec).decide(failure, state);
        if (decision.action !== 'retry') return;
        expect(Number.isInteger(decision.delayMs)).toBe(true);
        expect(decision.delayMs).toBeGreaterThanOrEqual(0);
        expect(decision.delayMs).toBeLessThanOrEqual(spec.maxDelayMs!);
        expect(decision.delayMs).toBeLessThanOrEqual(MAX_TIMER);
      }),
      { numRuns: 2000 },
    );
  });

  it('never exceeds an exponential schedule\'s cap, jitter included, unless the server asked for longer', () => {
    fc.assert(
      fc.property(policySpecArb, failureArb, stateArb, (spec, failure, state) => {
        const policy = definePolicy(spec);
        const decision = policy.decide(failure, state);
        if (decision.action !== 'retry' || decision.source !== 'schedule') return;
        let schedule = decision.rule.schedule;
        if (schedule.type === 'retry-after' || schedule.type === 'quota-reset') schedule = schedule.fallback;
        if (schedule.type === 'exponential' && schedule.capMs !== undefined) expect(decision.delayMs).toBeLessThanOrEqual(schedule.capMs);
      }),
      { numRuns: 2000 },
    );
  });

  it('never allows more attempts than maxAttempts, nor more retries than a row\'s maxRetries', () => {
    fc.assert(
      fc.property(policySpecArb, failureArb, stateArb, (spec, failure, state) => {
        const decision = definePolicy(spec).decide(failure, state);
        if (decision.action !== 'retry') return;
        expect(state.attempt).toBeLessThan(spec.maxAttempts!);
        if (decision.rule.maxRetries !== undefined) expect(state.attempt).toBeLessThanOrEqual(decision.rule.maxRetries);
      }),
      { numRuns: 2000 },
    );
  });

  it('never schedules a wait that ends past the deadline', () => {
    fc.assert(
      fc.property(policySpecArb, failureArb, stateArb, (spec, failure, state) => {
        const decision = definePolicy(spec).decide(failure, state);
        if (decision.action !== 'retry' || state.maxElapsedMs === undefined) return;
        const elapsed = state.elapsedMs !== undefined && state.elapsedMs > 0 ? state.elapsedMs : 0;
        expect(elapsed + decision.delayMs).toBeLessThanOrEqual(state.maxElapsedMs);
      }),
      { numRuns: 2000 },
    );
  });

  it('never waits less than the server\'s Retry-After when the delay came from it', () => {
    fc.assert(
      fc.property(policySpecArb, failureArb, stateArb, (spec, failure, state) => {
        const decision = definePolicy(spec).decide(failure, state);
        if (decision.action === 'retry' && decision.source === 'retry-after') {
          expect(decision.delayMs).toBeGreaterThanOrEqual(Math.min(failure.retryAfterMs!, spec.maxDelayMs!));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('is deterministic: same failure and state, same decision', () => {
    fc.assert(
      fc.property(policySpecArb, failureArb, stateArb, (spec, failure, state) => {
        const policy = definePolicy(spec);
        expect(policy.decide(failure, state)).toEqual(policy.decide(failure, state));
        expect(definePolicy(spec).decide(failure, state)).toEqual(policy.decide(failure, state));
      }),
      { numRuns: 500 },
    );
  });

  it('rejects a malformed state with a typed error naming the field', () => {
    const policy = definePolicy({ name: 'p', rules: [{ match: {}, retry: true }] });
    expect(() => policy.decide({ kind: 'network' }, { attempt: 0 })).toThrow(expect.objectContaining({ name: 'OptionsError', option: 'state.attempt' }));
    expect(() => policy.decide({ kind: 'network' }, { attempt: 1, random: 1 })).toThrow(/state\.random/);
    expect(() => policy.decide({ kind: 'network' }, { attempt: 1, random: Number.NaN })).toThrow(/state\.random/);
    expect(() => policy.decide({ kind: 'network' }, { attempt: 1, maxElapsedMs: -1 })).toThrow(/state\.maxElapsedMs/);
  });
});
