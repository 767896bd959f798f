import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimerHeap, type Sleeper, type TimerHost } from '../../src/run/timer-heap.js';

/**
 * A simulated platform: one virtual time, timers fired in order of their due time, and a
 * `Date.now` that either follows the virtual time, stays frozen (a fake-timer setup that fakes
 * timers but not Date) or is set back once (a fake Date reset between tests).
 */
class SimulatedHost implements TimerHost {
  time = 0;
  private timers: { at: number; seq: number; callback: () => void; cleared: boolean }[] = [];
  private seq = 0;
  maxArmed = 0;
  constructor(private readonly dateMode: 'follows' | 'frozen' | { setBackAt: number; byMs: number }) {}
  now(): number {
    if (this.dateMode === 'frozen') return 1_700_000_000_000;
    if (this.dateMode === 'follows') return 1_700_000_000_000 + this.time;
    const { setBackAt, byMs } = this.dateMode;
    return 1_700_000_000_000 + this.time - (this.time >= setBackAt ? byMs : 0);
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { at: this.time + ms, seq: this.seq++, callback, cleared: false };
    this.timers.push(timer);
    this.maxArmed = Math.max(this.maxArmed, this.armed);
    return timer;
  }
  clearTimeout(handle: unknown): void {
    (handle as { cleared: boolean }).cleared = true;
  }
  get armed(): number {
    return this.timers.filter((t) => !t.cleared).length;
  }
  /** Fires the next live timer, moving time to it; false when none is left. */
  step(): boolean {
    this.timers = this.timers.filter((t) => !t.cleared);
    if (this.timers.length === 0) return false;
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const timer = this.timers.shift()!;
    this.time = Math.max(this.time, timer.at);
    timer.callback();
    return true;
  }
  /** Moves time forward without firing (other code running), then fires what fell due. */
  advanceTo(time: number): void {
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cleared).sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (next === undefined || next.at > time) break;
      this.step();
    }
    this.time = Math.max(this.time, time);
  }
}

function sleeper(id: number, woken: { id: number; at: number }[], host: SimulatedHost): Sleeper {
  return { wakeAt: 0, heapIndex: -1, heapSeq: 0, wake: () => void woken.push({ id, at: host.time }), sleepFailed: () => undefined };
}

/** A schedule: each sleep starts at `startAt` (virtual ms), lasts `ms`, and may be cancelled at `cancelAt`. */
const schedules = fc.array(
  fc.record({ startAt: fc.integer({ min: 0, max: 5000 }), ms: fc.integer({ min: 0, max: 10_000 }), cancelAt: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }) }),
  { minLength: 1, maxLength: 40 },
);

/** Runs a schedule on a heap over the simulated host; returns who woke when. */
function run(host: SimulatedHost, plan: { startAt: number; ms: number; cancelAt?: number }[]) {
  const heap = new TimerHeap(host);
  const woken: { id: number; at: number }[] = [];
  const sleepers = plan.map((_, id) => sleeper(id, woken, host));
  // Every start and cancel is an event in time; timers due before it fire first.
  const events = plan.flatMap((p, id) => [
    { at: p.startAt, order: 0, id, kind: 'start' as const },
    ...(p.cancelAt === undefined ? [] : [{ at: Math.max(p.cancelAt, p.startAt), order: 1, id, kind: 'cancel' as const }]),
  ]);
  events.sort((a, b) => a.at - b.at || a.order - b.order || a.id - b.id);
  const cancelled = new Set<number>();
  for (const event of events) {
    host.advanceTo(event.at);
    if (event.kind === 'start') heap.add(sleepers[event.id]!, plan[event.id]!.ms);
    else if (heap.remove(sleepers[event.id]!)) cancelled.add(event.id);
  }
  while (host.step());
  return { heap, woken, cancelled };
}

describe('TimerHeap: every sleeping call under one timer', () => {
  it('wakes each sleeper exactly once, when its time comes (no earlier, no later), unless removed first; never more than one timer', () => {
    fc.assert(
      fc.property(schedules, (plan) => {
        const host = new SimulatedHost('follows');
        const { heap, woken, cancelled } = run(host, plan);
        const ids = woken.map((w) => w.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const [id, p] of plan.entries()) {
          const wake = woken.find((w) => w.id === id);
          if (cancelled.has(id)) expect(wake).toBeUndefined();
          else expect(wake?.at).toBe(p.startAt + p.ms);
        }
        expect(host.maxArmed).toBeLessThanOrEqual(1);
        expect(heap.size).toBe(0);
        expect(host.armed).toBe(0);
      }),
    );
  });

  it('wakes sleepers due at the same time in the order they went to sleep', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 30 }), (delays) => {
        const host = new SimulatedHost('follows');
        const heap = new TimerHeap(host);
        const woken: { id: number; at: number }[] = [];
        delays.forEach((ms, id) => heap.add(sleeper(id, woken, host), ms * 100));
        while (host.step());
        const expected = delays.map((ms, id) => ({ id, at: ms * 100 })).sort((a, b) => a.at - b.at || a.id - b.id);
        expect(woken).toEqual(expected);
      }),
    );
  });

  it('with Date frozen (timers faked, Date not), sleeps started together still end at their own times', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 30 }), (delays) => {
        const host = new SimulatedHost('frozen');
        const heap = new TimerHeap(host);
        const woken: { id: number; at: number }[] = [];
        delays.forEach((ms, id) => heap.add(sleeper(id, woken, host), ms));
        while (host.step());
        for (const [id, ms] of delays.entries()) expect(woken.find((w) => w.id === id)?.at).toBe(ms);
      }),
    );
  });

  // The heap cannot tell a clock set back by X and then run forward X from a frozen one, so a
  // sleep started around such a step may end up to X early or late (Node's own timers run on a
  // monotonic clock); but a sleep is never off by more than the step, however large the step.
  it('a clock set back (a fake Date reset, an NTP step) shifts a sleep by no more than the step', () => {
    fc.assert(
      fc.property(schedules, fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 1e9 }), (plan, setBackAt, byMs) => {
        const host = new SimulatedHost({ setBackAt, byMs });
        const { woken, cancelled } = run(host, plan);
        for (const [id, p] of plan.entries()) {
          if (cancelled.has(id)) continue;
          const at = woken.find((w) => w.id === id)!.at;
          expect(Math.abs(at - (p.startAt + p.ms))).toBeLessThanOrEqual(Math.min(byMs, 5000));
        }
      }),
    );
  });

  it('caps a wait longer than a platform timer holds (2^31 - 1 ms) and re-arms until it is due', () => {
    const host = new SimulatedHost('follows');
    const heap = new TimerHeap(host);
    const woken: { id: number; at: number }[] = [];
    heap.add(sleeper(1, woken, host), 3 * 2 ** 31);
    while (host.step());
    expect(woken).toEqual([{ id: 1, at: 3 * 2 ** 31 }]);
  });

  it('a sleeper whose wake throws does not strand the others; the error is reported, not swallowed', async () => {
    const host = new SimulatedHost('follows');
    const heap = new TimerHeap(host);
    const woken: { id: number; at: number }[] = [];
    const boom = new Error('boom');
    heap.add({ ...sleeper(0, woken, host), wake: () => { throw boom; } }, 10);
    heap.add(sleeper(1, woken, host), 10);
    const reported = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
    while (host.step());
    expect(woken).toEqual([{ id: 1, at: 10 }]);
    expect(await reported).toBe(boom);
  });
});
