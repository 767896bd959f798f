import diagnostics_channel from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { isRetryError, mwsPolicy, TestClock, withRetry, type AttemptEvent, type GiveUpEvent, type RetryEvent } from '../../src/index.js';

const subscriptions: [string, (message: unknown) => void][] = [];
function record(name: string): unknown[] {
  const events: unknown[] = [];
  const listener = (message: unknown): void => void events.push(message);
  diagnostics_channel.subscribe(name, listener);
  subscriptions.push([name, listener]);
  return events;
}
afterEach(() => {
  for (const [name, listener] of subscriptions.splice(0)) diagnostics_channel.unsubscribe(name, listener);
});

const throttled = () => Object.assign(new Error('throttled'), { status: 503, code: 'RequestThrottled' });

describe('diagnostics_channel events', () => {
  it('publishes every attempt, every retry and nothing on give-up for a call that recovers', async () => {
    const attempts = record('retry-table:attempt') as AttemptEvent[];
    const retries = record('retry-table:retry') as RetryEvent[];
    const giveups = record('retry-table:giveup');
    const clock = new TestClock();
    let calls = 0;
    const call = withRetry(mwsPolicy, { clock })(async () => {
      if (++calls < 3) throw throttled();
      return 'ok';
    });
    await clock.run(call());
    expect(attempts.map((e) => [e.policy, e.attempt, e.ok, e.failure?.code])).toEqual([
      ['mws', 1, false, 'RequestThrottled'],
      ['mws', 2, false, 'RequestThrottled'],
      ['mws', 3, true, undefined],
    ]);
    expect(retries.map((e) => [e.attempt, e.delayMs, e.rule, e.source])).toEqual([
      [1, 1000, 'RequestThrottled', 'schedule'],
      [2, 4000, 'RequestThrottled', 'schedule'],
    ]);
    expect(giveups).toEqual([]);
    // One call: one id on all its events, another call another id.
    const ids = new Set([...attempts, ...retries].map((e) => e.callId));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toBeDefined();
    calls = 0;
    await clock.run(call());
    expect(attempts.at(-1)!.callId).not.toBe([...ids][0]);
  });

  it('publishes one give-up with the error and its journal', async () => {
    const giveups = record('retry-table:giveup') as GiveUpEvent[];
    const error = await withRetry(mwsPolicy)(async () => {
      throw Object.assign(new Error('denied'), { status: 401, code: 'AccessDenied' });
    })().catch((e: unknown) => e);
    expect(giveups).toHaveLength(1);
    expect(giveups[0]!.error).toBe(error);
    expect(isRetryError(giveups[0]!.error) && giveups[0]!.error.attempts.map((a) => a.code)).toEqual(['AccessDenied']);
  });

  it('publishes a successful first attempt too', async () => {
    const attempts = record('retry-table:attempt') as AttemptEvent[];
    await withRetry(mwsPolicy)(async () => 1)();
    expect(attempts).toEqual([{ policy: 'mws', attempt: 1, ok: true }]);
  });
});
