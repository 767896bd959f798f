import fc from 'fast-check';
import { matchCovers } from '../../src/policy/validate-policy.js';
import type { Failure, FailureKind, JitterSpec, PolicySpec, RuleSpec, ScheduleSpec } from '../../src/index.js';

export const KINDS: FailureKind[] = ['http', 'network', 'timeout', 'abort', 'unknown'];
const CODES = ['A', 'B', 'C', 'RequestThrottled', 'rate_limited', 'ECONNRESET'];
const STATUSES = [400, 404, 408, 429, 500, 502, 503];
const MAX_TIMER = 2 ** 31 - 1;

const delay = (max: number) => fc.integer({ min: 0, max });

export const baseScheduleArb = (maxDelayMs: number): fc.Arbitrary<ScheduleSpec> =>
  fc.oneof(
    fc.record({ type: fc.constant('list' as const), delaysMs: fc.array(delay(maxDelayMs), { minLength: 1, maxLength: 6 }) }),
    fc.record({ type: fc.constant('constant' as const), delayMs: delay(maxDelayMs) }),
    fc.record(
      {
        type: fc.constant('exponential' as const),
        baseMs: delay(Math.min(maxDelayMs, 10_000)),
        factor: fc.double({ min: 1, max: 10, noNaN: true }),
        capMs: delay(maxDelayMs),
      },
      { requiredKeys: ['type', 'baseMs'] },
    ),
  );

export const scheduleArb = (maxDelayMs: number): fc.Arbitrary<ScheduleSpec> =>
  fc.oneof(
    baseScheduleArb(maxDelayMs),
    fc.record({ type: fc.constant('retry-after' as const), fallback: baseScheduleArb(maxDelayMs), mode: fc.constantFrom('prefer' as const, 'max' as const) }),
    fc.record({ type: fc.constant('quota-reset' as const), fallback: baseScheduleArb(maxDelayMs) }),
  );

export const jitterArb: fc.Arbitrary<JitterSpec> = fc.oneof(
  fc.constantFrom<JitterSpec>('none', 'full', 'equal', 'decorrelated'),
  fc.record({ type: fc.constant('additive' as const), maxMs: fc.integer({ min: 0, max: 5000 }) }),
);

const matchArb = fc.record(
  {
    code: fc.oneof(fc.constantFrom(...CODES), fc.uniqueArray(fc.constantFrom(...CODES), { minLength: 1, maxLength: 3 })),
    status: fc.oneof(fc.constantFrom<number | '4xx' | '5xx'>(...STATUSES, '4xx', '5xx'), fc.uniqueArray(fc.constantFrom(...STATUSES), { minLength: 1, maxLength: 3 })),
    kind: fc.oneof(fc.constantFrom(...KINDS), fc.uniqueArray(fc.constantFrom(...KINDS), { minLength: 1, maxLength: 2 })),
  },
  { requiredKeys: [] },
);

const ruleArb = (maxDelayMs: number): fc.Arbitrary<RuleSpec> =>
  fc.record(
    {
      match: matchArb,
      retry: fc.boolean(),
      schedule: scheduleArb(maxDelayMs),
      jitter: jitterArb,
      maxRetries: fc.integer({ min: 0, max: 8 }),
    },
    { requiredKeys: ['match', 'retry'] },
  );

/** Valid policy specs: rows an earlier row covers (duplicates included) are dropped, and the catch-all, if any, moved last. */
export const policySpecArb: fc.Arbitrary<PolicySpec> = fc
  .record({
    maxDelayMs: fc.oneof(fc.constant(MAX_TIMER), fc.integer({ min: 0, max: 120_000 })),
    maxAttempts: fc.integer({ min: 1, max: 10 }),
  })
  .chain(({ maxDelayMs, maxAttempts }) =>
    fc.record({
      name: fc.constant('generated'),
      maxDelayMs: fc.constant(maxDelayMs),
      maxAttempts: fc.constant(maxAttempts),
      schedule: scheduleArb(maxDelayMs),
      jitter: jitterArb,
      rules: fc.array(ruleArb(maxDelayMs), { minLength: 1, maxLength: 12 }).map(uniqueRows),
    }),
  );

function uniqueRows(rules: RuleSpec[]): RuleSpec[] {
  const out: RuleSpec[] = [];
  let catchAll: RuleSpec | undefined;
  for (const rule of rules) {
    if (Object.keys(rule.match).length === 0) catchAll ??= rule;
    else if (!out.some((earlier) => matchCovers(earlier.match, rule.match))) out.push(rule);
  }
  return catchAll ? [...out, catchAll] : out;
}

export const failureArb: fc.Arbitrary<Failure> = fc.record(
  {
    kind: fc.constantFrom(...KINDS),
    status: fc.constantFrom(...STATUSES, 401, 504),
    code: fc.constantFrom(...CODES, 'unknown_code'),
    retryAfterMs: fc.oneof(fc.nat({ max: 200_000 }), fc.constantFrom(MAX_TIMER + 1, Number.MAX_SAFE_INTEGER)),
    quota: fc.record({ resetsInMs: fc.nat({ max: 10_000_000 }), resetsAt: fc.nat() }, { requiredKeys: [] }),
  },
  { requiredKeys: ['kind'] },
);

/** A random number in [0, 1), including the edges fast-check likes to try. */
export const randomArb = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
