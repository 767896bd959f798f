import { describe, expect, it } from 'vitest';
import { definePolicy, isRetryError, MemoryBudgetStore, retryBudget, TestClock, withRetry, type Failure } from '../../src/index.js';

/**
 * smithy-typescript's own test vectors for the AWS SDK retry quota (packages/core/src/submodules/
 * retry/util-retry/retries.integ.spec.ts, at commit 6815d3e9): the cost each retry takes, by the
 * SDK's error type, in the default mode and with SMITHY_NEW_RETRIES_2026, and the "specification
 * tests" (outcome and retry quota after every response). The delays in those vectors are the
 * SDK's own backoff, which here is the policy's business, so they are not reproduced.
 */
const TRANSIENT: Failure = { kind: 'http', status: 500 };
const THROTTLING: Failure = { kind: 'http', status: 429 };
const failureOf = (type: 'TRANSIENT' | 'THROTTLING'): Failure => (type === 'TRANSIENT' ? TRANSIENT : THROTTLING);

type Timing = readonly ['TRANSIENT' | 'THROTTLING', number];
/** "retry timings": [error type, retry cost] of retries 1..n (entry 0 is the initial token). */
const LEGACY: Record<string, readonly Timing[]> = {
  '3x - transient': [['TRANSIENT', 10], ['TRANSIENT', 10]],
  '3x - throttling': [['THROTTLING', 5], ['THROTTLING', 5]],
  '3x - throttling mixed': [['TRANSIENT', 10], ['THROTTLING', 5]],
  '3x - transient mixed': [['THROTTLING', 5], ['TRANSIENT', 10]],
  '8x - transient': Array.from({ length: 7 }, () => ['TRANSIENT', 10] as const),
  '8x - throttling': Array.from({ length: 7 }, () => ['THROTTLING', 5] as const),
  '8x - transient mixed': [['THROTTLING', 5], ['THROTTLING', 5], ['TRANSIENT', 10], ['TRANSIENT', 10], ['TRANSIENT', 10], ['TRANSIENT', 10], ['THROTTLING', 5]],
  '8x - throttling mixed': [['TRANSIENT', 10], ['THROTTLING', 5], ['THROTTLING', 5], ['THROTTLING', 5], ['THROTTLING', 5], ['TRANSIENT', 10], ['THROTTLING', 5]],
};
const V2026: Record<string, readonly Timing[]> = {
  '8x - transient mixed (2026)': [['THROTTLING', 5], ['THROTTLING', 5], ['TRANSIENT', 14], ['TRANSIENT', 14], ['TRANSIENT', 14], ['TRANSIENT', 14], ['THROTTLING', 5]],
  '8x - throttling mixed (2026)': [['TRANSIENT', 14], ['THROTTLING', 5], ['THROTTLING', 5], ['THROTTLING', 5], ['THROTTLING', 5], ['TRANSIENT', 14], ['THROTTLING', 5]],
};

describe.each([
  ['aws-quota', LEGACY],
  ['aws-quota-2026', V2026],
] as const)('%s reproduces smithy\'s retry costs', (type, cases) => {
  it.each(Object.entries(cases))('%s', async (_name, timings) => {
    const budget = retryBudget({ type });
    let spent = 0;
    for (const [errorType, cost] of timings) {
      const grant = await budget.requestRetry(failureOf(errorType));
      expect(grant).toEqual({ allowed: true, taken: cost });
      spent += cost;
    }
    // "expectedCapacityRemaining = 500 - sum of costs"
    expect(await budget.level()).toBe(500 - spent);
  });
});

describe('aws-quota classifies failures as smithy does', () => {
  it.each<[string, Failure, number]>([
    ['503 (TRANSIENT_ERROR_STATUS_CODES)', { kind: 'http', status: 503 }, 10],
    ['502', { kind: 'http', status: 502 }, 10],
    ['504', { kind: 'http', status: 504 }, 10],
    ['a timeout', { kind: 'timeout' }, 10],
    ['ECONNRESET', { kind: 'network', code: 'ECONNRESET' }, 10],
    ['429', { kind: 'http', status: 429 }, 5],
    ['503 SlowDown (a throttling code wins over the status)', { kind: 'http', status: 503, code: 'SlowDown' }, 5],
    ['400 ThrottlingException', { kind: 'http', status: 400, code: 'ThrottlingException' }, 5],
    ['a 501 (a server error, not transient)', { kind: 'http', status: 501 }, 5],
  ])('%s costs %d', (_label, failure, cost) => {
    expect(retryBudget({ type: 'aws-quota' }).design.cost(failure)).toBe(cost);
  });
});

/** The specification tests (run by smithy with SMITHY_NEW_RETRIES_2026=true). */
type Outcome = 'success' | 'retry_request' | 'max_attempts_exceeded' | 'retry_quota_exceeded';
interface Step {
  readonly status: number;
  readonly code?: string;
  readonly outcome: Outcome;
  readonly quota: number;
}
const SPEC: readonly { name: string; maxAttempts?: number; initialTokens?: number; steps: readonly Step[] }[] = [
  {
    name: 'Retry eventually succeeds',
    steps: [
      { status: 500, outcome: 'retry_request', quota: 486 },
      { status: 500, outcome: 'retry_request', quota: 472 },
      { status: 200, outcome: 'success', quota: 486 },
    ],
  },
  {
    name: 'Fail due to max attempts reached',
    steps: [
      { status: 502, outcome: 'retry_request', quota: 486 },
      { status: 502, outcome: 'retry_request', quota: 472 },
      { status: 502, outcome: 'max_attempts_exceeded', quota: 472 },
    ],
  },
  {
    name: 'Retry Quota reached after a single retry',
    initialTokens: 14,
    steps: [
      { status: 500, outcome: 'retry_request', quota: 0 },
      { status: 500, outcome: 'retry_quota_exceeded', quota: 0 },
    ],
  },
  { name: 'No retries at all if retry quota is 0', initialTokens: 0, steps: [{ status: 500, outcome: 'retry_quota_exceeded', quota: 0 }] },
  {
    name: 'Verifying exponential backoff timing',
    maxAttempts: 5,
    steps: [
      { status: 500, outcome: 'retry_request', quota: 486 },
      { status: 500, outcome: 'retry_request', quota: 472 },
      { status: 500, outcome: 'retry_request', quota: 458 },
      { status: 500, outcome: 'retry_request', quota: 444 },
      { status: 500, outcome: 'max_attempts_exceeded', quota: 444 },
    ],
  },
  {
    name: 'Retry Stops After Retry Quota Exhaustion',
    maxAttempts: 5,
    initialTokens: 20,
    steps: [
      { status: 500, outcome: 'retry_request', quota: 6 },
      { status: 502, outcome: 'retry_quota_exceeded', quota: 6 },
    ],
  },
  {
    name: 'Retry quota Recovery After Successful Responses',
    maxAttempts: 5,
    initialTokens: 30,
    steps: [
      { status: 500, outcome: 'retry_request', quota: 16 },
      { status: 502, outcome: 'retry_request', quota: 2 },
      { status: 200, outcome: 'success', quota: 16 },
      { status: 500, outcome: 'retry_request', quota: 2 },
      { status: 200, outcome: 'success', quota: 16 },
    ],
  },
  {
    name: 'Throttling Error Token Bucket Drain (5 tokens)',
    steps: [
      { status: 400, code: 'Throttling', outcome: 'retry_request', quota: 495 },
      { status: 200, outcome: 'success', quota: 500 },
    ],
  },
];

describe('aws-quota-2026 passes smithy\'s specification tests, through withRetry', () => {
  it.each(SPEC)('$name', async ({ maxAttempts = 3, initialTokens, steps }) => {
    // The spec's error types: 429 and the throttling codes retry as THROTTLING, 5xx as TRANSIENT, the rest is a client error.
    const policy = definePolicy({
      name: 'aws-spec',
      maxAttempts,
      rules: [
        { match: { status: [429, 500, 502, 503, 504] }, retry: true, schedule: { type: 'constant', delayMs: 0 } },
        { match: { code: ['Throttling', 'ThrottlingException', 'ProvisionedThroughputExceededException'] }, retry: true, schedule: { type: 'constant', delayMs: 0 } },
        { match: {}, retry: false },
      ],
    });
    const store = new MemoryBudgetStore();
    const budget = retryBudget({ type: 'aws-quota-2026' }, { store, key: 'spec' });
    // smithy sets the strategy's capacity, not its maximum (still 500).
    if (initialTokens !== undefined) store.setLevel('spec', initialTokens);
    const clock = new TestClock();
    const seen: { outcome: Outcome; quota: number }[] = [];
    let next = 0;
    while (next < steps.length) {
      let attemptInCall = 0;
      const call = withRetry(policy, { budget, clock })(async () => {
        // An attempt after the first means the previous step was granted a retry.
        if (attemptInCall++ > 0) seen.push({ outcome: 'retry_request', quota: await budget.level() });
        const step = steps[next++]!;
        if (step.status === 200) return new Response('{}', { status: 200 });
        return new Response(JSON.stringify(step.code === undefined ? {} : { code: step.code }), { status: step.status, headers: { 'content-type': 'application/json' } });
      });
      const result = await clock.run(call()).catch((error: unknown) => error);
      if (isRetryError(result)) {
        const outcome = result.reason === 'budget-exhausted' ? 'retry_quota_exceeded' : result.reason === 'attempts-exhausted' ? 'max_attempts_exceeded' : 'success';
        seen.push({ outcome, quota: await budget.level() });
      } else {
        seen.push({ outcome: 'success', quota: await budget.level() });
      }
    }
    expect(seen).toEqual(steps.map(({ outcome, quota }) => ({ outcome, quota })));
  });
});
