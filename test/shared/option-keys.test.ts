import { describe, expect, it } from 'vitest';
import { bullmqRetry } from '../../src/adapters/bullmq.js';
import { definePolicy, isOptionsError, mwsPolicy, plan, retry, retryBudget, TestClock, withRetry } from '../../src/index.js';
import { RedisBudgetStore } from '../../src/redis.js';
import { BUILT_IN_READERS } from '../../src/failure/readers/registry.js';
import { closestName } from '../../src/shared/closest-name.js';

/** What a caught OptionsError says: its option, its suggestion, its message. */
function optionsErrorOf(run: () => unknown): { option: string; suggestion: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    if (!isOptionsError(error)) throw error;
    return { option: error.option, suggestion: error.suggestion, message: error.message };
  }
  throw new Error('no OptionsError was thrown');
}

const redis = { eval: async () => null };

describe('unknown option keys are rejected where the options are given, naming the key and the closest known one', () => {
  it('retry(mwsPolicy, fn, { maxElapsed: 2000 }) rejects with maxElapsed and suggests maxElapsedMs, before any attempt', async () => {
    let attempts = 0;
    const call = retry(mwsPolicy, async () => ++attempts, { maxElapsed: 2000 } as never);
    await expect(call).rejects.toMatchObject({ name: 'OptionsError', option: 'maxElapsed', value: 2000, suggestion: 'maxElapsedMs' });
    await expect(call).rejects.toThrow('maxElapsed is not an option of retry; did you mean maxElapsedMs? (got 2000)');
    expect(attempts).toBe(0);
  });

  it.each([
    ['withRetry', () => withRetry(mwsPolicy, { attemptTimeout: 5 } as never), 'attemptTimeout', 'attemptTimeoutMs'],
    ['withRetry', () => withRetry(mwsPolicy, { onretry: () => undefined } as never), 'onretry', 'onRetry'],
    ['withRetry', () => withRetry(mwsPolicy, { sigal: AbortSignal.abort() } as never), 'sigal', 'signal'],
    ['retryBudget', () => retryBudget({ type: 'aws-quota' }, { keys: 'a' } as never), 'keys', 'key'],
    ['the aws-quota design', () => retryBudget({ type: 'aws-quota', retryCosts: 5 } as never), 'retryCosts', 'retryCost'],
    ['the grpc design', () => retryBudget({ type: 'grpc', maxTokens: 10, tokenRatio: 0.1, maxToken: 1 } as never), 'maxToken', 'maxTokens'],
    ['RedisBudgetStore', () => new RedisBudgetStore(redis, { timeout: 100 } as never), 'timeout', 'timeoutMs'],
    ['bullmqRetry', () => bullmqRetry(mwsPolicy, { jounralKey: 'j' } as never), 'jounralKey', 'journalKey'],
    ['plan', () => plan(mwsPolicy, [], { maxElapsed: 1 } as never), 'maxElapsed', 'maxElapsedMs'],
    ['TestClock', () => new TestClock(0, { recordSleep: false } as never), 'recordSleep', 'recordSleeps'],
    ['definePolicy', () => definePolicy(mwsPolicy.spec, { reader: {} } as never), 'reader', 'readers'],
  ])('%s', (_where, run, option, suggestion) => {
    const error = optionsErrorOf(run);
    expect([error.option, error.suggestion]).toEqual([option, suggestion]);
    expect(error.message).toContain(`${option} is not an option`);
    expect(error.message).toContain(`did you mean ${suggestion}?`);
  });

  it('lists the known options when nothing is close', () => {
    const error = optionsErrorOf(() => withRetry(mwsPolicy, { colour: 'blue' } as never));
    expect(error.suggestion).toBeUndefined();
    expect(error.message).toContain('(known: clock, random, signal, maxElapsedMs, attemptTimeoutMs, onAttempt, onRetry, onSuccess, onGiveUp, budget, idempotent, rateLimiter, unref)');
  });

  it('still accepts every documented option', () => {
    const budget = retryBudget({ type: 'grpc', maxTokens: 10, tokenRatio: 0.1 }, { key: 'k' });
    const options = { clock: new TestClock(), random: () => 0, signal: new AbortController().signal, maxElapsedMs: 1, attemptTimeoutMs: 1, onAttempt: () => undefined, onRetry: () => undefined, onSuccess: () => undefined, onGiveUp: () => undefined, budget };
    expect(() => withRetry(mwsPolicy, options)).not.toThrow();
    expect(() => new RedisBudgetStore(redis, { prefix: 'p:', timeoutMs: 10, idleTtlMs: 10, coolDownCacheMs: 0 })).not.toThrow();
  });
});

describe('closestName', () => {
  it.each([
    ['maxElapsed', 'maxElapsedMs'],
    ['maxelapsedms', 'maxElapsedMs'],
    ['attemptTimout', 'attemptTimeoutMs'],
    ['budgt', 'budget'],
    ['colour', undefined],
    ['x', undefined],
  ])('%s → %s', (wrong, expected) => {
    expect(closestName(wrong, ['clock', 'random', 'signal', 'maxElapsedMs', 'attemptTimeoutMs', 'onRetry', 'onGiveUp', 'budget'])).toBe(expected);
  });
});

describe('definePolicy readers are checked where they are given', () => {
  const spec = { name: 'acme', rules: [{ match: {}, retry: false }] };
  it.each([
    [{ body: {} }, 'readers.body'],
    [{ body: [{ name: 'x' }] }, 'readers.body[0]'],
    [{ hints: [{ name: 'x', field: 'colour', read: () => undefined }] }, 'readers.hints[0]'],
    [{ hint: [] }, 'hint'],
  ])('%j fails naming %s', (readers, option) => {
    expect(optionsErrorOf(() => definePolicy(spec, { readers } as never)).option).toBe(option);
  });

  it('keeps valid body and header readers on the policy, and through with()', () => {
    const hint = { name: 'acme-retry-in', field: 'retryAfterMs' as const, read: () => 1000 };
    const body = { name: 'acme', read: () => undefined };
    const policy = definePolicy(spec, { readers: { body: [body], hints: [hint] } });
    expect(policy.readers).toEqual({ body: [body], hints: [hint], builtIn: BUILT_IN_READERS });
    expect(policy.with({ maxAttempts: 2 }).readers).toEqual({ body: [body], hints: [hint], builtIn: BUILT_IN_READERS });
  });
});
