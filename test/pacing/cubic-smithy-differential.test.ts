import { DefaultRateLimiter } from '@smithy/core/retry';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { cubicAcquired, cubicSendDelay } from '../../src/pacing/cubic-bucket.js';
import { createCubicRate, type CubicRate } from '../../src/pacing/cubic-state.js';
import { cubicUpdate } from '../../src/pacing/cubic-update.js';

/**
 * Beyond the published vectors: random runs of responses and token requests, fed both to this
 * module and to the AWS SDK's own `DefaultRateLimiter` (the copy in node_modules, @smithy/core,
 * installed with @smithy/smithy-client), must agree on every field and every delay, bit for bit.
 * smithy's clock is replaced by overriding its `getCurrentTimeInSeconds` (so the times are the
 * same doubles, not round-tripped through milliseconds) and its sleep by a stub that moves that
 * clock. Times start above 0 and never go back: the two documented differences (0 as "never
 * refilled", a clock going back) are outside what the AWS SDK meets with `Date.now()`.
 */
const clock = { now: 0 };

// The seams smithy's own spec uses: a private clock method and a static, private sleep.
interface SmithyInternals {
  enabled: boolean;
  availableTokens: number;
  fillRate: number;
  maxCapacity: number;
  lastTimestamp: number;
  lastMaxRate: number;
  lastThrottleTime: number;
  measuredTxRate: number;
  requestCount: number;
  lastTxRateBucket: number;
  getSendToken(): Promise<void>;
  updateClientSendingRate(response: unknown): void;
}
class ClockedLimiter extends (DefaultRateLimiter as unknown as new () => SmithyInternals) {
  getCurrentTimeInSeconds(): number {
    return clock.now;
  }
}
const statics = DefaultRateLimiter as unknown as { setTimeoutFn: (fn: () => void, delayMs: number) => unknown };
const realSleep = statics.setTimeoutFn;
afterEach(() => {
  statics.setTimeoutFn = realSleep;
});

/** Where a sleep of `delayMs` ends: Node runs a timer of under 1 ms after 1 ms, which also keeps a far-off clock moving. */
const wake = (now: number, delayMs: number): number => now + Math.max(1, delayMs) / 1000;

type Step = { readonly dt: number } & ({ readonly op: 'update'; readonly throttled: boolean } | { readonly op: 'send' });

const dtArb = fc.oneof(
  fc.constant(0), // several responses in one half-second bucket
  fc.integer({ min: 1, max: 30 }).map((n) => n / 10),
  fc.double({ min: 0, max: 5, noNaN: true }),
);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ dt: dtArb, op: fc.constant('update' as const), throttled: fc.boolean() }),
  fc.record({ dt: dtArb, op: fc.constant('send' as const) }),
);

// Above 0: smithy takes a refill time of 0 for "never refilled".
const startArb = fc.double({ min: 0.001, max: 2e9, noNaN: true });

function fieldsOf(state: CubicRate): unknown[] {
  return [
    state.enabled, state.availableTokens, state.fillRate, state.maxCapacity, state.lastRefillTime ?? 0,
    state.lastMaxRate, state.lastThrottleTime, state.measuredTxRate, state.requestCount, state.lastTxRateBucket,
  ];
}
function smithyFieldsOf(limiter: SmithyInternals): unknown[] {
  return [
    limiter.enabled, limiter.availableTokens, limiter.fillRate, limiter.maxCapacity, limiter.lastTimestamp,
    limiter.lastMaxRate, limiter.lastThrottleTime, limiter.measuredTxRate, limiter.requestCount, limiter.lastTxRateBucket,
  ];
}

describe('against @smithy/core DefaultRateLimiter', () => {
  it('agrees on every field and every delay, bit for bit', async () => {
    await fc.assert(
      fc.asyncProperty(startArb, fc.array(stepArb, { maxLength: 60 }), async (start, steps) => {
        clock.now = start;
        const smithy = new ClockedLimiter();
        const smithyDelays: number[] = [];
        statics.setTimeoutFn = (fn, delayMs) => {
          smithyDelays.push(delayMs);
          clock.now = wake(clock.now, delayMs);
          fn();
        };
        let state = createCubicRate(start);
        let now = start;
        const ourDelays: number[] = [];
        for (const step of steps) {
          now += step.dt;
          clock.now = now;
          if (step.op === 'update') {
            state = cubicUpdate(state, now, step.throttled);
            smithy.updateClientSendingRate(step.throttled ? { errorType: 'THROTTLING' } : {});
          } else {
            await smithy.getSendToken();
            const wait = cubicSendDelay(state, now);
            state = wait.state;
            // The driver loop of cubicAcquired's example, with the sleep ending where smithy's does.
            let delayMs = wait.delaySeconds * 1000;
            for (let round = 0; ; round++) {
              if (delayMs > 0) {
                ourDelays.push(delayMs);
                now = wake(now, delayMs);
              }
              const got = cubicAcquired(state, now);
              state = got.state;
              if (got.acquired) break;
              delayMs = got.delaySeconds * 1000;
              if (round > 10_000) throw new Error('no token after 10000 sleeps');
            }
            expect(now).toBe(clock.now);
          }
          expect(fieldsOf(state)).toEqual(smithyFieldsOf(smithy));
        }
        expect(ourDelays).toEqual(smithyDelays);
      }),
      { numRuns: 300 },
    );
  });
});
