/**
 * One `abort` listener on a signal shared by many calls (a signal given to `withRetry` applies to
 * every call of the wrapper), fanned out to a controller per call. Without it every call in
 * flight adds its own listeners to the shared signal: Node warns past 10 (MaxListenersExceeded)
 * and an abort storm walks a listener list as long as the calls, for each call.
 *
 * @example
 * ```ts
 * const fanOut = new SignalFanOut(shutdown.signal);
 * const { signal, done } = fanOut.join(); // one call's own signal
 * try { await work(signal); } finally { done(); }
 * ```
 */
export class SignalFanOut {
  private readonly joined = new Set<AbortController>();
  private listening = false;

  constructor(private readonly shared: AbortSignal) {}

  /** A signal for one call that aborts with the shared one; call `done` when the call settles. */
  join(): { signal: AbortSignal; done: () => void } {
    const controller = new AbortController();
    if (this.shared.aborted) {
      controller.abort(this.shared.reason);
      return { signal: controller.signal, done: noop };
    }
    if (!this.listening) {
      this.listening = true;
      this.shared.addEventListener('abort', this.onAbort, { once: true });
    }
    this.joined.add(controller);
    return { signal: controller.signal, done: () => this.leave(controller) };
  }

  /** A settled call leaves; the last one takes the listener off, so nothing stays on the caller's signal. */
  private leave(controller: AbortController): void {
    if (!this.joined.delete(controller) || this.joined.size > 0 || !this.listening) return;
    this.listening = false;
    this.shared.removeEventListener('abort', this.onAbort);
  }

  private readonly onAbort = (): void => {
    this.listening = false;
    const reason = this.shared.reason;
    const joined = [...this.joined];
    this.joined.clear();
    for (const controller of joined) controller.abort(reason);
  };
}

function noop(): void {}
