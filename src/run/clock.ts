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
 * The real clock. It looks up `globalThis.setTimeout`, `clearTimeout` and `Date.now` at each
 * call rather than at import, so `vi.useFakeTimers()`, `@sinonjs/fake-timers`, Jest and
 * `node:test`'s mock timers, installed before or after importing retry-table, all drive it.
 *
 * @example
 * ```ts
 * await systemClock.sleep(1000, AbortSignal.timeout(5000));
 * ```
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    // Without a signal the timer calls resolve directly: thousands of calls may sleep at once,
    // and each closure kept alive here is memory held by every one of them.
    if (signal === undefined) return new Promise<void>((resolve) => void globalThis.setTimeout(resolve, ms));
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        globalThis.clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = globalThis.setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  },
});
