import { TimerHeap, type Sleeper } from './timer-heap.js';

/**
 * Where the scheduler gets time from. Passing one per call, instead of reading globals inside
 * the engine, is what makes every schedule testable without waiting.
 *
 * @example
 * ```ts
 * const clock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
 * ```
 */
export interface Clock {
  /** The current time in epoch milliseconds (or any monotone millisecond count). */
  now(): number;
  /**
   * Resolves after `ms` milliseconds. When `signal` aborts first, it must reject with
   * `signal.reason` and release its timer.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The key of a clock's way to wake a {@link Sleeper} without a promise: the engine's sleeping
 * calls use it where the clock has it (the system clock, {@link TestClock}, scaled clocks of
 * those), and fall back to `sleep` otherwise. A symbol, so it stays out of the public shape.
 * @internal
 */
export const wakeAfter: unique symbol = Symbol('retry-table.wakeAfter');
/** The key of the matching cancel: true when the sleeper was still waiting. @internal */
export const cancelWake: unique symbol = Symbol('retry-table.cancelWake');

/** A clock that wakes sleepers itself. @internal */
export interface WakingClock extends Clock {
  /** `record: false` for a watch rather than a wait (a deadline over a running attempt): a TestClock leaves it out of `sleeps`. */
  [wakeAfter](sleeper: Sleeper, ms: number, record?: boolean): void;
  [cancelWake](sleeper: Sleeper): boolean;
}

/**
 * Gives `clock` its heap, as properties that are not enumerable: a clock made by spreading ours
 * and replacing `now` or `sleep` (`{ ...systemClock, sleep: mySleep }`) must not inherit a heap
 * that would bypass its own `sleep`.
 * @internal
 */
export function withWaking<C extends Clock>(clock: C, wake: (sleeper: Sleeper, ms: number, record?: boolean) => void, cancel: (sleeper: Sleeper) => boolean): C & WakingClock {
  return Object.defineProperties(clock, { [wakeAfter]: { value: wake }, [cancelWake]: { value: cancel } }) as C & WakingClock;
}

/**
 * The real clock. It looks up `globalThis.setTimeout`, `clearTimeout` and `Date.now` at each
 * call rather than at import, so `vi.useFakeTimers()`, `@sinonjs/fake-timers`, Jest and
 * `node:test`'s mock timers, installed before or after importing retry-table, all drive it.
 *
 * @example
 * ```ts
 * await systemClock.sleep(1000, AbortSignal.timeout(5000));
 * ```
 */
export const systemClock: Clock = Object.freeze(realClock(false));

/** The real clock whose timers do not keep the process alive: a call's with `unref: true`. @internal */
export const unrefClock: Clock = /* @__PURE__ */ Object.freeze(realClock(true));

function realClock(unref: boolean): Clock {
  const timers = new TimerHeap(undefined, unref);
  const start = (callback: () => void, ms: number): ReturnType<typeof setTimeout> => {
    const timer = globalThis.setTimeout(callback, ms);
    if (unref) (timer as { unref?: () => void })?.unref?.();
    return timer;
  };
  return withWaking({
    now: () => Date.now(),
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      // Without a signal the timer calls resolve directly: thousands of calls may sleep at once,
      // and each closure kept alive here is memory held by every one of them.
      if (signal === undefined) return new Promise<void>((resolve) => void start(resolve, ms));
      return new Promise<void>((resolve, reject) => {
        if (signal.aborted) {
          reject(signal.reason);
          return;
        }
        const onAbort = (): void => {
          globalThis.clearTimeout(timer);
          reject(signal.reason);
        };
        const timer = start(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },
  }, (sleeper, ms) => timers.add(sleeper, ms), (sleeper) => timers.remove(sleeper));
}
