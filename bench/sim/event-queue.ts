/**
 * A discrete-event scheduler: a virtual clock and a min-heap of events by time (ties in the
 * order they were scheduled). Synchronous on purpose: the jitter study runs tens of millions of
 * events, and `TestClock`, which hands control back to real promises after every wake-up, would
 * spend a macrotask per event.
 */
export class EventQueue {
  private times: number[] = [];
  private orders: number[] = [];
  private actions: (() => void)[] = [];
  private scheduled = 0;
  /** The virtual time of the event being run. */
  now = 0;

  /** Runs `action` at virtual time `at` (never before now). */
  at(at: number, action: () => void): void {
    this.push(Math.max(at, this.now), this.scheduled++, action);
  }

  /** Runs events in time order until none is left; returns the time of the last one. */
  run(): number {
    while (this.actions.length > 0) {
      const [time, action] = this.pop();
      this.now = time;
      action();
    }
    return this.now;
  }

  private push(time: number, order: number, action: () => void): void {
    const { times, orders, actions } = this;
    let i = actions.length;
    times.push(time);
    orders.push(order);
    actions.push(action);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private pop(): [number, () => void] {
    const { times, actions } = this;
    const top: [number, () => void] = [times[0]!, actions[0]!];
    const last = actions.length - 1;
    this.swap(0, last);
    this.times.pop();
    this.orders.pop();
    this.actions.pop();
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.actions.length && this.before(left, smallest)) smallest = left;
      if (right < this.actions.length && this.before(right, smallest)) smallest = right;
      if (smallest === i) break;
      this.swap(i, smallest);
      i = smallest;
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    return this.times[a]! < this.times[b]! || (this.times[a] === this.times[b] && this.orders[a]! < this.orders[b]!);
  }

  private swap(a: number, b: number): void {
    const { times, orders, actions } = this;
    [times[a], times[b]] = [times[b]!, times[a]!];
    [orders[a], orders[b]] = [orders[b]!, orders[a]!];
    [actions[a], actions[b]] = [actions[b]!, actions[a]!];
  }
}
