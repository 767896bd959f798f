import { expect } from 'vitest';
import type { Failure } from '../../src/index.js';

const KINDS = ['http', 'network', 'timeout', 'abort', 'unknown'];

/** Asserts that a value is a well-formed Failure: plain data with fields of the right types. */
export function expectValidFailure(failure: Failure): void {
  expect(KINDS).toContain(failure.kind);
  if (failure.status !== undefined) {
    expect(Number.isInteger(failure.status)).toBe(true);
    expect(failure.status).toBeGreaterThanOrEqual(400);
    expect(failure.status).toBeLessThanOrEqual(599);
  }
  for (const field of ['code', 'message', 'requestId', 'timestamp'] as const) {
    if (failure[field] !== undefined) expect(typeof failure[field]).toBe('string');
  }
  if (failure.retryAfterMs !== undefined) {
    expect(Number.isInteger(failure.retryAfterMs)).toBe(true);
    expect(failure.retryAfterMs).toBeGreaterThanOrEqual(0);
    expect(failure.retryAfterMs).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
  }
  if (failure.quota !== undefined) {
    for (const value of Object.values(failure.quota)) expect(Number.isFinite(value)).toBe(true);
    if (failure.quota.resetsInMs !== undefined) expect(failure.quota.resetsInMs).toBeGreaterThanOrEqual(0);
  }
}
