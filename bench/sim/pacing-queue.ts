import { MinHeap } from '../../src/run/min-heap.js';

interface Event {
  readonly at: number;
  readonly order: number;
  readonly action: () => void | Promise<void>;
}

/**
 * The discrete-event scheduler of event-queue.ts for actions that may await. The rate limiter
 * answers through promises even from the memory store (its API is the one a Redis store needs),
 * so each action is awaited before the next event runs: otherwise a later event could see the
 * bucket before an earlier one had taken its token.
 */
export class AsyncEventQueue {
  private readonly events = new MinHeap<Event>((a, b) => a.at < b.at || (a.at === b.at && a.order < b.order));
  private scheduled = 0;
  /** The virtual time of the event being run, ms. */
  now = 0;

  /** Runs `action` at virtual time `at` (never before now). */
  at(at: number, action: () => void | Promise<void>): void {
    this.events.push({ at: Math.max(at, this.now), order: this.scheduled++, action });
  }

  /** Runs events in time order until none is left or the next is after `untilMs`; returns the time of the last one run. */
  async run(untilMs = Infinity): Promise<number> {
    for (let event = this.events.pop(); event !== undefined && event.at <= untilMs; event = this.events.pop()) {
      this.now = event.at;
      const pending = event.action();
      // Most events are synchronous: awaiting them would only cost a microtask each.
      if (pending !== undefined) await pending;
    }
    return this.now;
  }
}
