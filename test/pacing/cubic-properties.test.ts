import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cubicAcquired, cubicSendDelay } from '../../src/pacing/cubic-bucket.js';
import type { CubicRateOptions } from '../../src/pacing/cubic-options.js';
import { createCubicRate, type CubicRate } from '../../src/pacing/cubic-state.js';
import { cubicUpdate } from '../../src/pacing/cubic-update.js';

type Op = { readonly at: number } & (
  | { readonly op: 'update'; readonly throttled: boolean }
  | { readonly op: 'delay' }
  | { readonly op: 'acquire' }
);

const optionsArb: fc.Arbitrary<CubicRateOptions> = fc.record(
  {
    beta: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
    minCapacity: fc.double({ min: 1, max: 50, noNaN: true }),
    minFillRate: fc.double({ min: 0.01, max: 50, noNaN: true }),
    scaleConstant: fc.double({ min: 0.01, max: 10, noNaN: true }),
    smooth: fc.double({ min: 0.01, max: 1, noNaN: true }),
  },
  { requiredKeys: [] },
);

/** Times by any clock: from 0 or from the epoch, with bursts (no time passing), short and long gaps. */
function opsArb(monotonic: boolean): fc.Arbitrary<{ start: number; ops: Op[] }> {
  const gap = monotonic
    ? fc.oneof(fc.constant(0), fc.double({ min: 0, max: 3, noNaN: true }), fc.double({ min: 0, max: 1e5, noNaN: true }))
    : fc.double({ min: -1e4, max: 1e4, noNaN: true });
  const step = fc.tuple(gap, fc.constantFrom('update', 'delay', 'acquire'), fc.boolean());
  const start = fc.constantFrom(0, 1_750_000_000, 12.34);
  return fc.record({ start, steps: fc.array(step, { maxLength: 80 }) }).map(({ start, steps }) => {
    let at = start;
    const ops = steps.map(([dt, op, throttled]): Op => {
      at += dt;
      return op === 'update' ? { at, op, throttled } : { at, op };
    });
    return { start, ops };
  });
}

/** Runs the ops, calling `check` with the state before and after each and the delay it returned, if any. */
function run(
  start: number,
  options: CubicRateOptions,
  ops: readonly Op[],
  check: (before: CubicRate, after: CubicRate, op: Op, delay?: number) => void,
): void {
  let state = createCubicRate(start, options);
  for (const op of ops) {
    const before = state;
    let delay: number | undefined;
    if (op.op === 'update') state = cubicUpdate(state, op.at, op.throttled);
    else if (op.op === 'delay') ({ delaySeconds: delay, state } = cubicSendDelay(state, op.at));
    else {
      const got = cubicAcquired(state, op.at);
      state = got.state;
      if (!got.acquired) delay = got.delaySeconds;
    }
    check(before, state, op, delay);
  }
}

/** The rate requests are held to: none while the limiter is disabled. */
const rateInForce = (state: CubicRate): number => (state.enabled ? state.fillRate : Infinity);

describe.each([
  ['a clock that never goes back', true],
  ['a clock that jumps back and forth', false],
])('cubic limiter properties, %s', (_name, monotonic) => {
  it('fillRate never falls below minFillRate, and the bucket stays within 0..maxCapacity', () => {
    fc.assert(
      fc.property(optionsArb, opsArb(monotonic), (options, { start, ops }) => {
        const minFillRate = options.minFillRate ?? 0.5;
        const minCapacity = options.minCapacity ?? 1;
        run(start, options, ops, (_before, after) => {
          expect(after.fillRate).toBeGreaterThanOrEqual(minFillRate);
          expect(after.maxCapacity).toBeGreaterThanOrEqual(minCapacity);
          expect(after.availableTokens).toBeGreaterThanOrEqual(0);
          expect(after.availableTokens).toBeLessThanOrEqual(after.maxCapacity);
        });
      }),
    );
  });

  it('a throttle never raises the rate in force', () => {
    fc.assert(
      fc.property(optionsArb, opsArb(monotonic), (options, { start, ops }) => {
        run(start, options, ops, (before, after, op) => {
          if (op.op !== 'update' || !op.throttled) return;
          expect(after.enabled).toBe(true);
          expect(rateInForce(after)).toBeLessThanOrEqual(rateInForce(before));
        });
      }),
    );
  });

  it('delays are never negative or NaN, and 0 only when a token is there', () => {
    fc.assert(
      fc.property(optionsArb, opsArb(monotonic), (options, { start, ops }) => {
        run(start, options, ops, (_before, after, _op, delay) => {
          if (delay === undefined) return;
          expect(Number.isFinite(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          if (after.enabled) expect(delay === 0).toBe(after.availableTokens >= 1);
        });
      }),
    );
  });
});

describe('cubic limiter properties, the happy path', () => {
  it('sleeping for the delay and asking again always ends with the token, within a few rounds', () => {
    fc.assert(
      fc.property(optionsArb, opsArb(true), (options, { start, ops }) => {
        run(start, options, ops, (_before, after, op) => {
          if (op.op !== 'delay') return;
          let state = after;
          let now = op.at;
          for (let round = 0; round < 5; round++) {
            const wait = cubicSendDelay(state, now);
            // A sleep of at least 1 ms, as Node's timers sleep: a sleep of exactly the delay may not
            // move a clock of epoch seconds at all (its resolution is about 0.2 µs).
            now += Math.max(wait.delaySeconds, 0.001);
            const got = cubicAcquired(wait.state, now);
            if (got.acquired) return;
            state = got.state;
          }
          expect.fail('no token after 5 rounds');
        });
      }),
    );
  });
});
