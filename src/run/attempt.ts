import { CallKey } from './call-key.js';
import type { Clock } from './clock.js';
import type { Sleeper } from './timer-heap.js';
import { sleepOn, stopSleeping } from './wake.js';

/**
 * What an attempt gets from {@link retry}: its number, a signal that aborts when the caller
 * aborts or the attempt times out, so the attempt itself is cancelled, not just abandoned, and
 * the call's idempotency key.
 *
 * @example
 * ```ts
 * await retry(scraperPolicy, (ctx) => fetch(url, { signal: ctx.signal }));
 * await retry(paymentsPolicy, (ctx) => fetch(url, { method: 'POST', body, headers: { 'Idempotency-Key': ctx.idempotencyKey } }));
 * ```
 */
export interface AttemptContext {
  /** 1-based attempt number. */
  readonly attempt: number;
  /** Aborted when the caller aborts or `attemptTimeoutMs` elapses. */
  readonly signal: AbortSignal;
  /**
   * One key per call, the same for every attempt (a UUID), for APIs that accept an
   * `Idempotency-Key` header: the server then processes a repeated request once.
   */
  readonly idempotencyKey: string;
}

/** How one attempt ended. */
export type AttemptOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/**
 * The context of an attempt that cannot be aborted: its signal is made only if asked for, its
 * key comes from the call.
 *
 * @example
 * ```ts
 * fn(new UnabortableAttempt(2, call.key)); // ctx.attempt === 2
 * ```
 */
export class UnabortableAttempt implements AttemptContext {
  private lazySignal: AbortSignal | undefined;
  constructor(
    readonly attempt: number,
    private readonly key: CallKey,
  ) {}
  get signal(): AbortSignal {
    return (this.lazySignal ??= new AbortController().signal);
  }
  get idempotencyKey(): string {
    return this.key.idempotencyKey;
  }
}

/** The context of an attempt that can be cut short: the signal is the attempt's own controller's. */
class AbortableAttempt implements AttemptContext {
  constructor(
    readonly attempt: number,
    readonly signal: AbortSignal,
    private readonly key: CallKey,
  ) {}
  get idempotencyKey(): string {
    return this.key.idempotencyKey;
  }
}

/**
 * The context of a first attempt of {@link retry} that cannot be aborted (no caller signal, no
 * timeout): one small object per call, which is also the call's key for its later attempts. Its
 * signal, never aborted, and its key are made only if the attempt asks for them.
 */
export class FirstAttempt extends CallKey implements AttemptContext {
  readonly attempt = 1;
  private lazySignal: AbortSignal | undefined;
  get signal(): AbortSignal {
    return (this.lazySignal ??= new AbortController().signal);
  }
}

/**
 * The signal of the attempt withRetry is calling now: read it synchronously at the start of the
 * wrapped function (before its first `await`) and hand it to the request, so an attempt timeout,
 * the call's deadline or the caller's abort cancels the request instead of abandoning it. The
 * wrapped function keeps its exact type. Undefined outside an attempt, and for an attempt that
 * nothing can cut short (no `signal`, `attemptTimeoutMs` or `maxElapsedMs`). {@link retry} hands
 * its attempts the same signal as `ctx.signal`.
 *
 * @example
 * ```ts
 * const getProduct = withRetry(scraperPolicy, { attemptTimeoutMs: 10_000 })(async (asin: string) => {
 *   return fetch(`https://api.example.com/product?asin=${asin}`, { signal: attemptSignal() });
 * });
 * ```
 */
export function attemptSignal(): AbortSignal | undefined {
  return currentSignal;
}

let currentSignal: AbortSignal | undefined;

/**
 * Both runners call `fn` with `args` (withRetry) or, when `args` is undefined, with the attempt's
 * context (retry).
 *
 * Runs one attempt that can end early: when the caller's signal aborts (outcome: its reason) or
 * after `limitMs` (outcome: a `TimeoutError`, saying whether the attempt timeout or the call's
 * deadline ran out). Settles exactly once; a late result of the attempt is ignored, and its late
 * rejection is handled so it is never reported as unhandled. The timer and every listener are
 * released when the attempt ends.
 */
export function runAbortableAttempt(
  fn: (...args: any[]) => unknown,
  thisArg: unknown,
  args: readonly unknown[] | undefined,
  attempt: number,
  callerSignal: AbortSignal | undefined,
  limitMs: number | undefined,
  byDeadline: boolean,
  clock: Clock,
  key: CallKey,
): Promise<AttemptOutcome> {
  return new Promise<AttemptOutcome>((resolve) => {
    const controller = new AbortController();
    const timer = limitMs === undefined ? undefined : new AbortController();
    const forwardAbort = (): void => controller.abort(callerSignal!.reason);
    let ended = false;
    const end = (outcome: AttemptOutcome): void => {
      if (ended) return;
      ended = true;
      callerSignal?.removeEventListener('abort', forwardAbort);
      controller.signal.removeEventListener('abort', onAttemptAbort);
      timer?.abort();
      resolve(outcome);
    };
    const onAttemptAbort = (): void => end({ ok: false, error: controller.signal.reason });

    controller.signal.addEventListener('abort', onAttemptAbort, { once: true });
    if (callerSignal?.aborted) {
      // 'abort' fires once: a signal aborted before now would never reach the listener.
      controller.abort(callerSignal.reason);
      return;
    }
    callerSignal?.addEventListener('abort', forwardAbort, { once: true });
    if (byDeadline) {
      // A watch, not a wait: on the clock's heap, left out of a TestClock's `sleeps`.
      const cut = (): void => controller.abort(new DOMException(`the call's deadline passed during attempt ${attempt}, after ${limitMs} ms`, 'TimeoutError'));
      const watch: Sleeper = { wakeAt: 0, heapIndex: -1, heapSeq: 0, wake: cut, sleepFailed: cut };
      sleepOn(clock, watch, limitMs!, false);
      timer!.signal.addEventListener('abort', () => stopSleeping(clock, watch), { once: true });
    } else if (timer !== undefined) {
      clock.sleep(limitMs!, timer.signal).then(
        () => controller.abort(new DOMException(`attempt ${attempt} timed out after ${limitMs} ms`, 'TimeoutError')),
        () => undefined, // the attempt ended first and released the timer
      );
    }
    let pending: unknown;
    currentSignal = controller.signal;
    try {
      pending = args === undefined ? fn(new AbortableAttempt(attempt, controller.signal, key)) : Reflect.apply(fn, thisArg, args);
    } catch (error) {
      end({ ok: false, error });
      return;
    } finally {
      currentSignal = undefined;
    }
    Promise.resolve(pending).then(
      (value) => end({ ok: true, value }),
      (error: unknown) => end({ ok: false, error }),
    );
  });
}
