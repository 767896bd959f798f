import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definePolicy, isPolicyError, type PolicySpec } from '../../src/index.js';
import { failureArb, policySpecArb, randomArb } from '../support/arbitraries.js';
import { FUZZ_TIMEOUT_MS, fuzzParameters, label } from './fuzz-settings.js';

const MAX_TIMER = 2 ** 31 - 1;

/** Every path to a value inside a JSON-like tree. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const children = Array.isArray(value) ? value.map((v, i) => paths(v, [...prefix, i])) : Object.entries(value).map(([k, v]) => paths(v, [...prefix, k]));
  return [prefix, ...children.flat()];
}

/** A copy of `spec` with the value at one path replaced. */
function mutate(spec: PolicySpec, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(spec) as unknown as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = replacement;
  return copy;
}

/** Valid tables with one value replaced by arbitrary JSON: the inputs that nearly compile. */
const mutatedSpec = policySpecArb.chain((spec) => {
  const all = paths(spec);
  return fc.tuple(fc.constantFrom(...all), fc.oneof(fc.jsonValue(), fc.constantFrom(-1, Number.NaN, Infinity, 2 ** 31, 1.5, '', 'fuzzy', [], {}))).map(([path, value]) => mutate(spec, path, value));
});

describe('fuzz: definePolicy either compiles a policy that only makes valid delays, or names the bad field', () => {
  it(`for valid tables with one value replaced by arbitrary JSON, and for arbitrary JSON (${label})`, () => {
    fc.assert(
      fc.property(fc.oneof(mutatedSpec, fc.jsonValue()), fc.array(fc.tuple(failureArb, fc.integer({ min: 1, max: 12 }), randomArb), { maxLength: 5 }), (spec, probes) => {
        let policy;
        try {
          policy = definePolicy(spec as PolicySpec);
        } catch (error) {
          expect(isPolicyError(error)).toBe(true);
          if (isPolicyError(error)) expect(error.field.length).toBeGreaterThan(0);
          return;
        }
        for (const [failure, attempt, random] of probes) {
          const decision = policy.decide(failure, { attempt, random });
          if (decision.action === 'retry') {
            expect(Number.isInteger(decision.delayMs)).toBe(true);
            expect(decision.delayMs).toBeGreaterThanOrEqual(0);
            expect(decision.delayMs).toBeLessThanOrEqual(Math.min(policy.maxDelayMs, MAX_TIMER));
          }
        }
      }),
      fuzzParameters,
    );
  }, FUZZ_TIMEOUT_MS);
});
