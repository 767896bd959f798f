import type { Clock } from './clock.js';

/** A real macrotask hop, captured at import so fake-timer libraries cannot freeze it. */
const realSetImmediate: (callback: () => void) => unknown = globalThis.setImmediate.bind(globalThis);

/** How many idle hops {@link TestClock.run} waits for real I/O before it gives up. */
const MAX_IDLE_HOPS = 100_000;

interface Sleeper {
  readonly wakeAt: number;
  readonly order: number;
  readonly resolve: () => void;
}

/**
 * A manual clock for tests: time moves only when you say so, and every requested sleep is
 * recorded. Pass it as `clock` to {@link withRetry} or {@link retry}.
 *
 * @example
 * ```ts
 * const clock = new TestClock();
 * const call = withRetry(mwsPolicy, { clock })(flakyMwsCall);
 * const result = await clock.run(call());
 * expect(clock.sleeps).toEqual([1000, 4000]);
 * ```
 */
export class TestClock implements Clock {
  /** Every sleep requested so far, in ms, in the order requested (aborted ones included). */
  readonly sleeps: number[] = [];
  private current: number;
  private readonly sleepers: Sleeper[] = [];
  private order = 0;

  /** @param startMs - the clock's initial reading @defaultValue 0 */
  constructor(startMs = 0) {
    this.current = startMs;
  }

  /** The clock's reading. */
  now(): number {
    return this.current;
  }

  /** Registers a sleep that ends when the clock is advanced past it, or rejects on abort. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const sleeper: Sleeper = {
        wakeAt: this.current + Math.max(0, ms),
        order: this.order++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.remove(sleeper);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  /** Sleeps registered and not yet ended. */
  get pending(): number {
    return this.sleepers.length;
  }

  /** The sum of all requested sleeps, in ms. */
  get totalSleptMs(): number {
    return this.sleeps.reduce((sum, ms) => sum + ms, 0);
  }

  /**
   * Moves the clock forward by `ms`, ending every sleep that falls due on the way, in order, and
   * letting the code woken by each run before the next (so sleeps it starts are honoured too).
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await flush();
    for (let next = this.earliest(); next !== undefined && next.wakeAt <= target; next = this.earliest()) {
      this.wake(next);
      await flush();
    }
    this.current = Math.max(this.current, target);
  }

  /** Jumps to the earliest pending sleep and ends it. Returns false when none is pending. */
  async next(): Promise<boolean> {
    await flush();
    const next = this.earliest();
    if (next === undefined) return false;
    this.wake(next);
    await flush();
    return true;
  }

  /**
   * Ends pending sleeps one after another, jumping the clock to each, until none is left after
   * the woken code has run. Returns how many sleeps it ended.
   */
  async runAll(limit = 10_000): Promise<number> {
    let ended = 0;
    while (await this.next()) {
      if (++ended >= limit) throw new Error(`TestClock.runAll: still sleeping after ${limit} sleeps (an endless retry loop?)`);
    }
    return ended;
  }

  /**
   * Drives the clock until `promise` settles, then returns its outcome: each time the code under
   * test is idle with a sleep pending, the clock jumps to that sleep. Real I/O (a local HTTP
   * server, a real `fetch`) is waited for, so this works for end-to-end tests too; but a sleep
   * pending during real I/O (such as an `attemptTimeoutMs` timer) is ended as soon as the code
   * looks idle, so drive such tests with {@link TestClock.advance} instead.
   */
  async run<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    const done = promise.then(
      (value) => {
        settled = true;
        return value;
      },
      (error: unknown) => {
        settled = true;
        throw error;
      },
    );
    // Attach a handler now so a rejection while we drive the clock is not reported as unhandled.
    done.catch(() => undefined);
    let idleHops = 0;
    while (!settled) {
      await flush();
      if (settled) break;
      if (this.sleepers.length > 0) {
        this.wake(this.earliest()!);
        idleHops = 0;
      } else if (++idleHops > MAX_IDLE_HOPS) {
        throw new Error('TestClock.run: the promise neither settled nor started a sleep (is it waiting on something else?)');
      }
    }
    return done;
  }

  private earliest(): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const sleeper of this.sleepers) {
      if (best === undefined || sleeper.wakeAt < best.wakeAt || (sleeper.wakeAt === best.wakeAt && sleeper.order < best.order))
        best = sleeper;
    }
    return best;
  }

  private wake(sleeper: Sleeper): void {
    this.remove(sleeper);
    this.current = Math.max(this.current, sleeper.wakeAt);
    sleeper.resolve();
  }

  private remove(sleeper: Sleeper): void {
    const index = this.sleepers.indexOf(sleeper);
    if (index !== -1) this.sleepers.splice(index, 1);
  }
}

/** Lets pending promise callbacks and one round of I/O callbacks run. */
function flush(): Promise<void> {
  return new Promise<void>((resolve) => realSetImmediate(resolve));
}
