import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { definePolicy, TestClock, withRetry } from '../../src/index.js';

const slow = definePolicy({ name: 'slow', maxAttempts: 3, rules: [{ match: {}, retry: true, schedule: { type: 'constant', delayMs: 60_000 } }] });

describe('one signal given to withRetry, many calls in flight', () => {
  it('adds one listener to the shared signal however many calls share it, and aborts every one of them', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const clock = new TestClock(0, { recordSleeps: false });
      const shutdown = new AbortController();
      const call = withRetry(slow, { clock, signal: shutdown.signal })(async () => {
        throw Object.assign(new Error('busy'), { status: 503 });
      });
      const calls = Array.from({ length: 2000 }, () => call().catch((error: unknown) => error));
      // Let every call fail once and go to sleep on its 60 s backoff.
      for (let turn = 0; turn < 100_000 && clock.pending < 2000; turn++) await new Promise((r) => setImmediate(r));
      expect(clock.pending).toBe(2000);
      expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(1);
      const reason = new Error('shutting down');
      shutdown.abort(reason);
      const outcomes = await Promise.all(calls);
      expect(outcomes.every((outcome) => outcome === reason)).toBe(true);
      expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  }, 60_000);

  it('a call started after the abort rejects at once with the reason', async () => {
    const shutdown = new AbortController();
    const call = withRetry(slow, { signal: shutdown.signal })(async () => 'never');
    shutdown.abort(new Error('gone'));
    await expect(call()).rejects.toThrow('gone');
  });

  it('calls that settle leave nothing behind on the shared signal', async () => {
    const shutdown = new AbortController();
    const call = withRetry(slow, { signal: shutdown.signal })(async () => 'ok');
    await Promise.all(Array.from({ length: 100 }, () => call()));
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
  });
});
