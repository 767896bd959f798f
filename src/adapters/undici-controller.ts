import type { Dispatcher } from 'undici';

/**
 * The one controller the caller's handler sees for the whole request, while each attempt has its
 * own connection controller: it forwards to the attempt in flight, keeps the caller's pause
 * across attempts, and tells the retrying handler of an abort even between attempts, when there
 * is no connection to abort (undici's RetryHandler keeps a controller the same way).
 *
 * @example
 * ```ts
 * const controller = new StableController((reason) => wait.abort(reason));
 * controller.target = attemptController;
 * ```
 */
export class StableController implements Dispatcher.DispatchController {
  #target: Dispatcher.DispatchController | undefined;
  #paused = false;
  #reason: Error | undefined;

  /** @param onAbort - told once when the caller aborts */
  constructor(private readonly onAbort: (reason: Error) => void) {}

  /** The controller of the attempt in flight (or of the answer being delivered). */
  set target(target: Dispatcher.DispatchController | undefined) {
    this.#target = target;
    if (this.#paused) target?.pause();
    if (this.#reason !== undefined && target !== undefined && !target.aborted) target.abort(this.#reason);
  }

  get target(): Dispatcher.DispatchController | undefined {
    return this.#target;
  }

  get aborted(): boolean {
    return this.#reason !== undefined || (this.#target?.aborted ?? false);
  }

  get paused(): boolean {
    return this.#paused;
  }

  get reason(): Error | null {
    return this.#reason ?? this.#target?.reason ?? null;
  }

  get rawHeaders(): Dispatcher.DispatchController['rawHeaders'] {
    return this.#target?.rawHeaders ?? null;
  }

  get rawTrailers(): Dispatcher.DispatchController['rawTrailers'] {
    return this.#target?.rawTrailers ?? null;
  }

  /** The caller's abort: ends the attempt in flight, or the wait between attempts. */
  abort(reason: Error): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    const target = this.#target;
    if (target !== undefined && !target.aborted) target.abort(reason);
    this.onAbort(reason);
  }

  /** The caller's abort reason, if it aborted. */
  get abortReason(): Error | undefined {
    return this.#reason;
  }

  pause(): void {
    this.#paused = true;
    this.#target?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#target?.resume();
  }
}
