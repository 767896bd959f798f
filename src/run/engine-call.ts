import { isFailedResponse } from '../failure/response-like.js';
import type { Policy } from '../policy/define-policy.js';
import { runAbortableAttempt, UnabortableAttempt, type AttemptOutcome } from './attempt.js';
import { CallRun } from './call-run.js';
import type { CallKey } from './call-key.js';
import { systemClock, unrefClock, type Clock } from './clock.js';
import type { RetryOptions } from './retry-options.js';
import type { Sleeper } from './timer-heap.js';
import { sleepOn, stopSleeping } from './wake.js';

/** What a sleeping call does when it wakes: pass the gate before an attempt again (0: not sleeping). */
const NOT_SLEEPING = 0;
const SLEEPING = 1;

/**
 * withRetry's and retry's runner: one call once it left the fast path (or never took it), driving
 * its {@link CallRun} as a small callback state machine (gate, attempt, failure, sleep) rather
 * than an async function.
 *
 * Why not `async`: 100,000 calls sleeping in a backoff each held a suspended async frame, the
 * promise and closure of its sleep, a platform timer, and the previous attempt's Error kept alive
 * by a local of that frame. This object is all a sleeping call holds besides its journal: it
 * sleeps on its clock's shared timer heap ({@link TimerHeap}), is its own abort listener
 * (`handleEvent`), and keeps nothing of the failed attempt but the journal's data
 * (bench: "heap per sleeping call").
 *
 * Every entry point (a settled promise, a timer, an abort) catches what it runs, so the call
 * settles exactly once and a failure is never swallowed.
 *
 * @example
 * ```ts
 * return new Promise((resolve, reject) => new EngineCall(policy, options, fn, thisArg, args, key, resolve, reject).start(undefined));
 * ```
 */
export class EngineCall extends CallRun implements Sleeper {
  // Sleeper fields: the timer heap's bookkeeping, on this object so a sleep allocates nothing.
  wakeAt = 0;
  heapIndex = -1;
  heapSeq = 0;
  private sleeping = NOT_SLEEPING;

  constructor(
    policy: Policy,
    override readonly options: RetryOptions,
    private readonly fn: (...args: any[]) => unknown,
    private readonly thisArg: unknown,
    private readonly args: readonly unknown[] | undefined,
    /** The call's idempotency key, for the contexts of retry's attempts. */
    private readonly key: CallKey,
    /** How the caller's promise settles; cleared once it has. */
    private resolve: ((value: any) => void) | undefined,
    private reject: ((error: unknown) => void) | undefined,
  ) {
    const clock = clockOf(options);
    super(policy, options, clock, clock.now());
  }

  /** Begins with the fast path's failed first attempt, or with a first attempt of its own. */
  start(firstOutcome: AttemptOutcome | undefined): void {
    try {
      this.options.signal?.throwIfAborted();
      if (firstOutcome === undefined) {
        this.next();
        return;
      }
      // The fast path read no clock: the call's start is when its first failure was seen.
      this.attemptStarted(false);
      this.attemptEnded(firstOutcome.ok, firstOutcome.ok ? firstOutcome.value : firstOutcome.error);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Passes the gate before an attempt: sleeps what it says, then asks again, or sends the attempt. */
  private next(): void {
    const waitMs = this.beforeAttempt();
    if (typeof waitMs === 'number') this.waitThen(waitMs);
    else waitMs.then((ms) => this.guard(() => this.waitThen(ms)), (error: unknown) => this.fail(error));
  }

  private waitThen(waitMs: number): void {
    if (waitMs > 0) this.sleep(waitMs);
    else this.launch();
  }

  /** Runs the attempt; its outcome comes back to {@link attemptEnded}. */
  private launch(): void {
    const { fn, thisArg, args, options } = this;
    const limitMs = this.attemptStarted();
    if (options.signal !== undefined || limitMs !== undefined) {
      runAbortableAttempt(fn, thisArg, args, this.attempt, options.signal, limitMs, this.cutByDeadline, this.clock, this.key).then(
        (outcome) => this.guard(() => this.attemptEnded(outcome.ok, outcome.ok ? outcome.value : outcome.error)),
        (error: unknown) => this.fail(error),
      );
      return;
    }
    let pending: unknown;
    try {
      pending = args === undefined ? fn(new UnabortableAttempt(this.attempt, this.key)) : args.length === 0 ? fn.call(thisArg) : Reflect.apply(fn, thisArg, args);
    } catch (error) {
      this.attemptEnded(false, error);
      return;
    }
    Promise.resolve(pending).then(
      (value) => this.guard(() => this.attemptEnded(true, value)),
      (error: unknown) => this.guard(() => this.attemptEnded(false, error)),
    );
  }

  /** After an attempt: a success settles the call; a failure is decided by the run, then slept on. */
  private attemptEnded(ok: boolean, result: unknown): void {
    this.options.signal?.throwIfAborted();
    if (ok && !isFailedResponse(result)) {
      this.succeeded(result);
      this.settle(true, result);
      return;
    }
    // An ok outcome here is a failed Response the attempt returned. Synchronous when nothing needs
    // waiting for; a give-up is thrown, and the guarded entry point turns it into the rejection.
    const delayMs = this.failed(result, ok);
    if (typeof delayMs === 'number') this.backOff(delayMs);
    else delayMs.then((ms) => this.guard(() => this.backOff(ms)), (error: unknown) => this.fail(error));
  }

  /** A zero wait means "retry now" (MWS: "you can immediately retry after the first error"). */
  private backOff(delayMs: number): void {
    if (delayMs > 0) this.sleep(delayMs);
    else this.next();
  }

  private sleep(ms: number): void {
    const { signal } = this.options;
    this.sleeping = SLEEPING;
    if (signal !== undefined) {
      if (signal.aborted) {
        this.handleEvent();
        return;
      }
      // The call itself is the listener (`handleEvent`): no closure per sleep.
      signal.addEventListener('abort', this, { once: true });
    }
    sleepOn(this.clock, this, ms);
  }

  /** The sleep is over. @internal */
  wake(): void {
    this.sleeping = NOT_SLEEPING;
    this.options.signal?.removeEventListener('abort', this);
    this.guard(() => this.next());
  }

  /** A clock of the user's own failed the sleep. @internal */
  sleepFailed(error: unknown): void {
    this.sleeping = NOT_SLEEPING;
    this.options.signal?.removeEventListener('abort', this);
    this.fail(error);
  }

  /** The caller's signal aborted while the call slept: it stops at once, leaving no timer. @internal */
  handleEvent(): void {
    if (this.sleeping === NOT_SLEEPING) return;
    this.sleeping = NOT_SLEEPING;
    const signal = this.options.signal!;
    signal.removeEventListener('abort', this);
    stopSleeping(this.clock, this);
    const reason: unknown = signal.reason;
    // A token taken for the attempt that will not run goes back to the callers behind.
    const released = this.abandon();
    if (released === undefined) this.fail(reason);
    else released.then(() => this.fail(reason), (error: unknown) => this.fail(error));
  }

  /** Runs a step of the machine; whatever it throws ends the call with that error. */
  private guard(run: () => void): void {
    try {
      run();
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    this.settle(false, error);
  }

  private settle(ok: boolean, result: unknown): void {
    const { resolve, reject } = this;
    if (resolve === undefined) return;
    this.resolve = this.reject = undefined;
    if (ok) resolve(result);
    else reject!(result);
  }
}

/** The call's clock: its own, or the system clock (one whose timers let the process exit, with `unref`). */
export function clockOf(options: RetryOptions): Clock {
  return options.clock ?? (options.unref === true ? unrefClock : systemClock);
}
