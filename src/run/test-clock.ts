import { checkOptionKeys } from '../shared/option-keys.js';
import { OptionsError } from '../shared/options-error.js';
import { withWaking, type cancelWake, type wakeAfter, type WakingClock } from './clock.js';
import { MinHeap } from './min-heap.js';
import type { Sleeper as WakingSleeper } from './timer-heap.js';

/**
 * A real macrotask hop, captured at import so fake-timer libraries cannot freeze it. Browsers
 * have no setImmediate: a 0 ms timeout there. Pure, so a bundle without TestClock drops it, and
 * guarded, so importing the package where setImmediate is missing cannot throw.
 */
const realSetImmediate: (callback: () => void) => unknown = /* @__PURE__ */ captureMacrotask();

function captureMacrotask(): (callback: () => void) => unknown {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (typeof immediate === 'function') return immediate.bind(globalThis);
  const timeout = globalThis.setTimeout.bind(globalThis);
  return (callback) => timeout(callback, 0);
}

/** How many idle hops {@link TestClock.run} waits for real I/O before it gives up. */
const MAX_IDLE_HOPS = 100_000;

interface Sleeper {
  readonly wakeAt: number;
  readonly order: number;
  readonly resolve: () => void;
  /** Set when its signal aborted: the heap drops it lazily when it surfaces. */
  cancelled: boolean;
}

/**
 * Options of {@link TestClock}.
 *
 * @example
 * ```ts
 * const options: TestClockOptions = { recordSleeps: false }; // a soak run: do not keep every sleep
 * const clock = new TestClock(0, options);
 * ```
 */
export interface TestClockOptions {
  /**
   * Whether to record every requested sleep in {@link TestClock.sleeps}. Turn it off for long
   * soak runs, where the list would grow without bound.
   * @defaultValue true
   */
  readonly recordSleeps?: boolean;
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
export class TestClock implements WakingClock {
  /** Every sleep requested so far, in ms, in the order requested (aborted ones included). */
  readonly sleeps: number[] = [];
  private current: number;
  private readonly sleepers = new MinHeap<Sleeper>((a, b) => a.wakeAt < b.wakeAt || (a.wakeAt === b.wakeAt && a.order < b.order));
  private live = 0;
  /** The heap entry of each engine call sleeping here, to cancel it. */
  private readonly entries = new Map<WakingSleeper, Sleeper>();
  private order = 0;
  private readonly recordSleeps: boolean;
  // The engine's way in (set on each instance in the constructor, not as class members with
  // computed keys, which would make bundlers keep this class in every bundle of the package).
  declare readonly [wakeAfter]: WakingClock[typeof wakeAfter];
  declare readonly [cancelWake]: WakingClock[typeof cancelWake];

  /**
   * @param startMs - the clock's initial reading @defaultValue 0
   * @param options - whether to record sleeps
   */
  constructor(startMs = 0, options: TestClockOptions = {}) {
    if (!Number.isFinite(startMs)) throw new OptionsError('startMs', startMs, 'must be a finite number of milliseconds');
    checkOptionKeys('TestClock', options, ['recordSleeps']);
    this.current = startMs;
    this.recordSleeps = options.recordSleeps ?? true;
    withWaking(
      this,
      (sleeper, ms, record) => this.wakeSleeper(sleeper, ms, record),
      (sleeper) => this.cancelSleeper(sleeper),
    );
  }

  /** The clock's reading. */
  now(): number {
    return this.current;
  }

  /** Registers a sleep that ends when the clock is advanced past it, or rejects on abort. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.recordSleeps) this.sleeps.push(ms);
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
        cancelled: false,
      };
      const onAbort = (): void => {
        sleeper.cancelled = true;
        this.live--;
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
      this.live++;
    });
  }

  /** The engine's sleeping calls: recorded, ordered and woken like any other sleep, without a promise. @internal */
  private wakeSleeper(sleeper: WakingSleeper, ms: number, record = true): void {
    if (this.recordSleeps && record) this.sleeps.push(ms);
    const entry: Sleeper = {
      wakeAt: this.current + Math.max(0, ms),
      order: this.order++,
      resolve: () => {
        this.entries.delete(sleeper);
        // Woken as a resolved sleep's code would be: after the clock's own loop, in order.
        queueMicrotask(() => sleeper.wake());
      },
      cancelled: false,
    };
    this.entries.set(sleeper, entry);
    this.sleepers.push(entry);
    this.live++;
  }

  private cancelSleeper(sleeper: WakingSleeper): boolean {
    const entry = this.entries.get(sleeper);
    this.entries.delete(sleeper);
    if (entry === undefined || entry.cancelled) return false;
    entry.cancelled = true;
    this.live--;
    return true;
  }

  /** Sleeps registered and not yet ended. */
  get pending(): number {
    return this.live;
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
      this.wakeAllAt(next.wakeAt);
      await flush();
    }
    this.current = Math.max(this.current, target);
  }

  /**
   * Jumps to the earliest pending sleep and ends it, with every other sleep due at that same
   * time. Returns false when none is pending.
   */
  async next(): Promise<boolean> {
    await flush();
    const next = this.earliest();
    if (next === undefined) return false;
    this.wakeAllAt(next.wakeAt);
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
      const next = this.earliest();
      if (next !== undefined) {
        this.wakeAllAt(next.wakeAt);
        idleHops = 0;
      } else if (++idleHops > MAX_IDLE_HOPS) {
        throw new Error('TestClock.run: the promise neither settled nor started a sleep (is it waiting on something else?)');
      }
    }
    return done;
  }

  /** The earliest live sleeper, dropping cancelled ones on the way. */
  private earliest(): Sleeper | undefined {
    let top = this.sleepers.peek();
    while (top !== undefined && top.cancelled) {
      this.sleepers.pop();
      top = this.sleepers.peek();
    }
    return top;
  }

  /** Moves the clock to `wakeAt` and ends every live sleep due then, in the order they were made. */
  private wakeAllAt(wakeAt: number): void {
    this.current = Math.max(this.current, wakeAt);
    for (let next = this.earliest(); next !== undefined && next.wakeAt <= wakeAt; next = this.earliest()) {
      this.sleepers.pop();
      this.live--;
      next.resolve();
    }
  }
}

/** Lets pending promise callbacks and one round of I/O callbacks run. */
function flush(): Promise<void> {
  return new Promise<void>((resolve) => realSetImmediate(resolve));
}
