import { MinHeap } from '../../src/run/min-heap.js';

interface Event {
  readonly at: number;
  readonly order: number;
  readonly action: () => void;
}

/**
 * A discrete-event scheduler: a virtual clock and a min-heap of events by time (ties in the
 * order they were scheduled). Synchronous on purpose: the jitter study runs millions of events,
 * and `TestClock`, which hands control back to real promises after every wake-up, would spend a
 * macrotask per event. It shares TestClock's heap.
 */
export class EventQueue {
  private readonly events = new MinHeap<Event>((a, b) => a.at < b.at || (a.at === b.at && a.order < b.order));
  private scheduled = 0;
  /** The virtual time of the event being run. */
  now = 0;

  /** Runs `action` at virtual time `at` (never before now). */
  at(at: number, action: () => void): void {
    this.events.push({ at: Math.max(at, this.now), order: this.scheduled++, action });
  }

  /** Runs events in time order until none is left; returns the time of the last one. */
  run(): number {
    for (let event = this.events.pop(); event !== undefined; event = this.events.pop()) {
      this.now = event.at;
      event.action();
    }
    return this.now;
  }
}
