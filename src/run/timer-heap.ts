import { MAX_TIMER_DELAY_MS } from '../shared/limits.js';

/**
 * Something waiting on a clock without a promise: a sleeping call. The heap fields are the
 * heap's own bookkeeping, kept on the sleeper so a sleep allocates nothing.
 *
 * @example
 * ```ts
 * const sleeper: Sleeper = { wakeAt: 0, heapIndex: -1, heapSeq: 0,
 *   wake: () => console.log('awake'), sleepFailed: (error) => console.error(error) };
 * ```
 */
export interface Sleeper {
  /** Called once when the sleep ends. Must not throw. */
  wake(): void;
  /** Called instead of `wake` when a clock without a heap fails the sleep (its `sleep` rejected). */
  sleepFailed(error: unknown): void;
  /** When it wakes, in the heap's own time. */
  wakeAt: number;
  /** Its place in the heap; -1 when not in one. */
  heapIndex: number;
  /** Tie-break: sleepers due at the same time wake in the order they went to sleep. */
  heapSeq: number;
}

/** Where a {@link TimerHeap} gets time and its one timer from. */
export interface TimerHost {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The platform's timers and `Date.now`, looked up at each use rather than at import, so a
 * fake-timer library installed before or after importing retry-table drives the heap.
 */
const globalTimers: TimerHost = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Every sleeping call of a clock on one binary min-heap, woken by one timer armed for the
 * earliest: 100,000 calls sleeping in a backoff cost one platform timer, not 100,000 (each a
 * Timeout object and a promise, a few hundred bytes a call).
 *
 * The timer is armed through the host's `setTimeout` as it is at arming time, and re-armed when
 * that function has changed since (a fake-timer library installed or removed), so fake timers
 * drive sleeps started after they are installed.
 *
 * Time inside the heap is its own and only moves forward: the host's clock as it advances, and
 * never earlier than the time the timer was armed for once it fires. So a clock set back (a
 * fake `Date` reset between tests, an NTP step) cannot make a sleep last longer, and a fake-timer
 * setup that freezes `Date` still wakes each sleep when its timer fires.
 *
 * @example
 * ```ts
 * const heap = new TimerHeap();
 * heap.add(sleeper, 1000); // sleeper.wake() in a second
 * heap.remove(sleeper); // or not at all
 * ```
 */
export class TimerHeap {
  private readonly items: Sleeper[] = [];
  private seq = 0;
  /** The last host reading, and how far the heap's time runs ahead of the host's. */
  private lastHostNow = -Infinity;
  private skew = 0;
  private handle: unknown = undefined;
  /** What the armed timer was armed for, and whether it was the whole remaining wait (not capped). */
  private armedFor = 0;
  private armedExact = false;
  /** The host functions the armed timer came from, to clear it with the same library. */
  private armedSetTimeout: unknown = undefined;
  private armedClear: ((handle: unknown) => void) | undefined;

  constructor(
    private readonly host: TimerHost = globalTimers,
    /** Whether the timer lets the process exit while calls sleep (`unref`). */
    private readonly unref = false,
  ) {}

  /** How many sleepers are waiting. */
  get size(): number {
    return this.items.length;
  }

  /**
   * The heap's time now: the host's, never going back, counted from the heap's first reading
   * (a small integer a sleeper stores inline, where an epoch count would be a boxed double).
   */
  now(): number {
    const hostNow = this.host.now();
    if (hostNow < this.lastHostNow) this.skew += this.lastHostNow - hostNow;
    else if (this.lastHostNow === -Infinity) this.skew = -hostNow;
    this.lastHostNow = hostNow;
    return hostNow + this.skew;
  }

  /** Wakes `sleeper` after `ms` (0 or more). A sleeper is in at most one heap at a time. */
  add(sleeper: Sleeper, ms: number): void {
    const wakeAt = this.now() + ms;
    // An int32 where it is one (the heap's time starts at 0): stored inline on the sleeper, not boxed.
    sleeper.wakeAt = wakeAt === (wakeAt | 0) ? wakeAt | 0 : wakeAt;
    sleeper.heapSeq = this.seq++;
    const { items } = this;
    sleeper.heapIndex = items.length;
    items.push(sleeper);
    this.siftUp(sleeper.heapIndex);
    if (items[0] === sleeper || this.armedSetTimeout !== globalThis.setTimeout) this.arm();
  }

  /** Takes `sleeper` out before it wakes; false when it was not waiting. The last one out disarms the timer. */
  remove(sleeper: Sleeper): boolean {
    const index = sleeper.heapIndex;
    const { items } = this;
    if (index < 0 || items[index] !== sleeper) return false;
    sleeper.heapIndex = -1;
    const last = items.pop()!;
    if (last !== sleeper) {
      items[index] = last;
      last.heapIndex = index;
      this.siftDown(index);
      this.siftUp(last.heapIndex);
    }
    // An earlier timer left armed just fires early and re-arms; an empty heap leaves no timer behind.
    if (items.length === 0) this.disarm();
    return true;
  }

  private readonly fire = (): void => {
    this.handle = undefined;
    let now = this.now();
    if (this.armedExact && now < this.armedFor) {
      // The timer says the wait is over; a frozen or lagging clock does not get to disagree.
      this.skew += this.armedFor - now;
      now = this.armedFor;
    }
    const { items } = this;
    while (items.length > 0 && items[0]!.wakeAt <= now) {
      const sleeper = this.popTop();
      try {
        sleeper.wake();
      } catch (error) {
        // Not ours to swallow, and not a reason to strand the other sleepers: report it, go on.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    this.arm();
  };

  private popTop(): Sleeper {
    const { items } = this;
    const top = items[0]!;
    top.heapIndex = -1;
    const last = items.pop()!;
    if (last !== top) {
      items[0] = last;
      last.heapIndex = 0;
      this.siftDown(0);
    }
    return top;
  }

  private arm(): void {
    const top = this.items[0];
    if (top === undefined) {
      this.disarm();
      return;
    }
    const currentSetTimeout = globalThis.setTimeout;
    if (this.handle !== undefined && this.armedFor === top.wakeAt && this.armedSetTimeout === currentSetTimeout) return;
    this.disarm();
    const waitMs = Math.max(0, top.wakeAt - this.now());
    this.armedExact = waitMs <= MAX_TIMER_DELAY_MS;
    this.armedFor = top.wakeAt;
    this.armedSetTimeout = currentSetTimeout;
    this.armedClear = this.host === globalTimers ? captureClear() : (handle) => this.host.clearTimeout(handle);
    this.handle = this.host.setTimeout(this.fire, Math.min(waitMs, MAX_TIMER_DELAY_MS));
    if (this.unref) (this.handle as { unref?: () => void } | undefined)?.unref?.();
  }

  private disarm(): void {
    if (this.handle === undefined) return;
    this.armedClear!(this.handle);
    this.handle = undefined;
  }

  private before(a: Sleeper, b: Sleeper): boolean {
    return a.wakeAt < b.wakeAt || (a.wakeAt === b.wakeAt && a.heapSeq < b.heapSeq);
  }

  private siftUp(index: number): void {
    const { items } = this;
    const item = items[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex]!;
      if (!this.before(item, parent)) break;
      items[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    items[index] = item;
    item.heapIndex = index;
  }

  private siftDown(index: number): void {
    const { items } = this;
    const item = items[index]!;
    const count = items.length;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= count) break;
      const right = left + 1;
      const child = right < count && this.before(items[right]!, items[left]!) ? right : left;
      if (!this.before(items[child]!, item)) break;
      items[index] = items[child]!;
      items[index]!.heapIndex = index;
      index = child;
    }
    items[index] = item;
    item.heapIndex = index;
  }
}

/** The `clearTimeout` of the library whose `setTimeout` armed the timer, kept for disarming it. */
function captureClear(): (handle: unknown) => void {
  const clear = globalThis.clearTimeout;
  return (handle) => clear(handle as ReturnType<typeof setTimeout>);
}
