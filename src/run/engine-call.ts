import { isFailedResponse } from '../failure/response-like.js';
import type { Policy } from '../policy/define-policy.js';
import { channels } from '../shared/channels.js';
import { MAX_TIMER_DELAY_MS } from '../shared/limits.js';
import { runAbortableAttempt, UnabortableAttempt, type AttemptOutcome } from './attempt.js';
import type { CallKey } from './call-key.js';
import { systemClock, type Clock } from './clock.js';
import type { AttemptEvent } from './diagnostics.js';
import { giveUpBeforeAttempt, handleFailure, type CallContext } from './failure-handler.js';
import type { AttemptRecord, JournalEntry } from './journal.js';
import type { RetryOptions } from './retry-options.js';
import { admitWait, START, type CallState, type RetryStep } from './step.js';
import type { Sleeper } from './timer-heap.js';
import { sleepOn, stopSleeping } from './wake.js';

/** What a sleeping call does when it wakes. */
const AFTER_COOL_DOWN = 1;
const AFTER_TOKEN_WAIT = 2;
const AFTER_BACKOFF = 3;
type Waiting = 0 | typeof AFTER_COOL_DOWN | typeof AFTER_TOKEN_WAIT | typeof AFTER_BACKOFF;
const WAITING_MASK = 3;
/** The call has settled: nothing it hears afterwards changes the outcome. */
const SETTLED = 4;
/** The first attempt was timed (it did not run on the fast path). */
const FIRST_TIMED = 8;

/**
 * Calls keep their start as an offset from this reading, a small integer where an epoch
 * millisecond count would need a boxed double per call.
 */
const TIME_ORIGIN = Date.now();

/**
 * One call once it left the fast path (or never took it): attempt, and after each failure let
 * the shared {@link handleFailure} normalize, step and record, then sleep; as a small callback
 * state machine rather than an async function.
 *
 * Why not `async`: 100,000 calls sleeping in a backoff each held a suspended async frame (its
 * generator, register file and promises), the promise and closure of its sleep, a platform
 * timer, and the previous attempt's Error kept alive by a local of that frame. This object is
 * all a sleeping call holds besides its journal: it sleeps on its clock's shared timer heap
 * ({@link TimerHeap}, no promise or timer of its own), is its own abort listener
 * (`handleEvent`), and keeps nothing of the failed attempt but the journal's data.
 *
 * Every entry point (a settled promise, a timer, an abort) catches what it runs, so the call
 * settles exactly once and a failure is never swallowed.
 *
 * @example
 * ```ts
 * return new Promise((resolve, reject) => new EngineCall(policy, options, fn, thisArg, args, true, key, resolve, reject).start(undefined));
 * ```
 */
export class EngineCall implements CallContext, CallState, Sleeper {
  // Every field is 8 bytes held by every sleeping call: what can be derived is a getter, flags
  // share one small integer, and times are small offsets (a double would be a 16-byte box).
  /** When the call started, as an offset from {@link TIME_ORIGIN}. */
  private readonly startOffset: number;
  previousDelayMs: number | undefined = START.previousDelayMs;
  budgetTaken: number = START.budgetTaken;
  newest: JournalEntry | undefined = START.newest;
  /** A number per call that left the fast path, for the diagnostics events. */
  readonly callId = ++lastCallId;
  /** The number of the attempt running or next to run. */
  private attempt = 1;
  /** When the running attempt started, as an offset from the call's start. */
  private attemptStartedAt = 0;
  /** What the call does when its sleep ends (a {@link Waiting}), plus the {@link SETTLED} and {@link FIRST_TIMED} bits. */
  private flags: number;
  // Sleeper fields: the timer heap's bookkeeping, on this object so a sleep allocates nothing.
  wakeAt = 0;
  heapIndex = -1;
  heapSeq = 0;
  private resolve: ((value: any) => void) | undefined;
  private reject: ((error: unknown) => void) | undefined;

  constructor(
    readonly policy: Policy,
    readonly options: RetryOptions,
    private readonly fn: (...args: any[]) => unknown,
    private readonly thisArg: unknown,
    private readonly args: readonly unknown[] | undefined,
    /** Whether the first attempt was timed (false when it ran on the fast path). */
    firstTimed: boolean,
    /** The call's idempotency key, for the contexts of retry's attempts. */
    private readonly key: CallKey,
    /** How the caller's promise settles; undefined until {@link then} gives them. */
    resolve?: (value: any) => void,
    reject?: (error: unknown) => void,
  ) {
    this.startOffset = asSmallInteger((options.clock ?? systemClock).now() - TIME_ORIGIN);
    this.flags = firstTimed ? FIRST_TIMED : 0;
    this.resolve = resolve;
    this.reject = reject;
  }

  get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  /** When the call started, by its clock; on the fast path, when its first failure was seen (the success path reads no clock). */
  get startedAt(): number {
    return this.startOffset + TIME_ORIGIN;
  }

  /** Records of attempts before this run: none, in process (a BullMQ job has its earlier runs'). */
  get earlier(): readonly AttemptRecord[] {
    return START.earlier;
  }

  private get waiting(): Waiting {
    return (this.flags & WAITING_MASK) as Waiting;
  }

  private set waiting(then: Waiting) {
    this.flags = (this.flags & ~WAITING_MASK) | then;
  }

  /**
   * Makes the call a thenable, so the fast path's rejection handler can return the call itself
   * and the promise the caller already holds adopts it: no second promise, its resolving
   * functions and reaction per failed call. Called once, by the promise machinery.
   * @internal
   */
  then(resolve: (value: any) => void, reject: (error: unknown) => void): void {
    this.resolve = resolve;
    this.reject = reject;
    const outcome = this.early;
    if (outcome === undefined) return;
    this.early = undefined;
    if (outcome.ok) resolve(outcome.value);
    else reject(outcome.error);
  }

  /** An outcome reached before {@link then} was called (a synchronous failure while starting). */
  private early: AttemptOutcome | undefined = undefined;

  /** Begins with the fast path's failed first attempt, or with a first attempt of its own. */
  start(firstOutcome: AttemptOutcome | undefined): void {
    try {
      this.options.signal?.throwIfAborted();
      if (firstOutcome === undefined) this.prepareAttempt();
      else this.attemptEnded(firstOutcome.ok, firstOutcome.ok ? firstOutcome.value : firstOutcome.error);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Before an attempt: wait out a cool-down set through the budget by any call sharing it. */
  private prepareAttempt(): void {
    const { budget } = this.options;
    if (budget === undefined) {
      this.takeToken();
      return;
    }
    budget.coolDownUntil(this.clock.now()).then(
      (untilMs) => this.guard(() => {
        const waitMs = untilMs - this.clock.now();
        if (waitMs > 0) this.sleep(Math.min(waitMs, MAX_TIMER_DELAY_MS), AFTER_COOL_DOWN);
        else this.takeToken();
      }),
      (error: unknown) => this.fail(error),
    );
  }

  /**
   * Takes the rate limiter's token for the attempt, waiting for it in arrival order. A wait the
   * call cannot afford stops it; an abort while waiting gives the token back.
   */
  private takeToken(): void {
    const { rateLimiter: limiter, maxElapsedMs } = this.options;
    if (limiter === undefined) {
      this.launch();
      return;
    }
    const nowMs = this.clock.now();
    limiter.acquire(nowMs).then(
      ({ waitMs }) => this.guard(() => {
        if (waitMs <= 0) {
          this.launch();
          return;
        }
        const refused = admitWait(waitMs, nowMs - this.startedAt, maxElapsedMs, this.policy.maxDelayMs);
        if (refused === undefined) {
          this.sleep(waitMs, AFTER_TOKEN_WAIT);
          return;
        }
        limiter.release(this.clock.now()).then(
          () => this.fail(giveUpBeforeAttempt(this, this, refused, waitMs)),
          (error: unknown) => this.fail(error),
        );
      }),
      (error: unknown) => this.fail(error),
    );
  }

  /** Runs the attempt; its outcome comes back to {@link attemptEnded}. */
  private launch(): void {
    const { fn, thisArg, args, options, attempt, clock } = this;
    this.attemptStartedAt = asSmallInteger(clock.now() - this.startedAt);
    if (options.signal !== undefined || options.attemptTimeoutMs !== undefined) {
      runAbortableAttempt(fn, thisArg, args, attempt, options.signal, options.attemptTimeoutMs, clock, this.key).then(
        (outcome) => this.attemptSettled(outcome.ok, outcome.ok ? outcome.value : outcome.error),
        (error: unknown) => this.fail(error),
      );
      return;
    }
    let pending: unknown;
    try {
      pending = args === undefined ? fn(new UnabortableAttempt(attempt, this.key)) : args.length === 0 ? fn.call(thisArg) : Reflect.apply(fn, thisArg, args);
    } catch (error) {
      this.attemptEnded(false, error);
      return;
    }
    Promise.resolve(pending).then(
      (value) => this.attemptSettled(true, value),
      (error: unknown) => this.attemptSettled(false, error),
    );
  }

  /** {@link attemptEnded} from a settled promise: whatever it throws ends the call with that error. */
  private attemptSettled(ok: boolean, result: unknown): void {
    try {
      this.attemptEnded(ok, result);
    } catch (error) {
      this.fail(error);
    }
  }

  /** After an attempt: a success settles the call; a failure goes to the failure handler. */
  private attemptEnded(ok: boolean, result: unknown): void {
    const { options, policy, clock } = this;
    const endedAt = clock.now() - this.startedAt;
    options.signal?.throwIfAborted();
    if (ok && !isFailedResponse(result)) {
      // A store that fails is the store's to report, not the call's.
      options.budget?.recordSuccess(this.budgetTaken).catch(() => undefined);
      options.rateLimiter?.observeSuccess(clock.now());
      if (channels.attempt.hasSubscribers) channels.attempt.publish({ policy: policy.name, callId: this.callId, attempt: this.attempt, ok: true } satisfies AttemptEvent);
      this.succeed(result);
      return;
    }
    const { attempt } = this;
    // Synchronous when nothing needs waiting for (see handleFailure); a give-up is thrown, and
    // the caller of this method (a guarded entry point) turns it into the call's rejection.
    const step = handleFailure(this, this, {
      // An ok outcome here is a failed Response the attempt returned.
      failed: result,
      returned: ok,
      attempt,
      startedAt: this.attemptStartedAt,
      endedAt,
      timed: attempt > 1 || (this.flags & FIRST_TIMED) !== 0,
    });
    if (!(step instanceof Promise)) {
      this.retryAfter(step);
      return;
    }
    step.then(
      (retryStep) => this.guard(() => this.retryAfter(retryStep)),
      (error: unknown) => this.fail(error),
    );
  }

  /**
   * Takes the state the step returned (only that: the step and its decision would be held by
   * every sleeping call), then sleeps the decided wait. A zero wait means "retry now" (MWS: "you
   * can immediately retry after the first error").
   */
  private retryAfter({ state }: RetryStep): void {
    this.previousDelayMs = state.previousDelayMs;
    this.budgetTaken = state.budgetTaken;
    this.newest = state.newest;
    this.attempt++;
    const delayMs = state.previousDelayMs!;
    if (delayMs > 0) this.sleep(delayMs, AFTER_BACKOFF);
    else this.prepareAttempt();
  }

  private sleep(ms: number, then: Waiting): void {
    const { signal } = this.options;
    this.waiting = then;
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
    const then = this.waiting;
    this.waiting = 0;
    this.options.signal?.removeEventListener('abort', this);
    this.guard(() => {
      if (then === AFTER_BACKOFF) this.prepareAttempt();
      else if (then === AFTER_COOL_DOWN) this.takeToken();
      else if (then === AFTER_TOKEN_WAIT) this.launch();
    });
  }

  /** A clock of the user's own failed the sleep. @internal */
  sleepFailed(error: unknown): void {
    this.waiting = 0;
    this.options.signal?.removeEventListener('abort', this);
    this.fail(error);
  }

  /** The caller's signal aborted while the call slept: it stops at once, leaving no timer. @internal */
  handleEvent(): void {
    const then = this.waiting;
    if (then === 0) return;
    this.waiting = 0;
    const { signal, rateLimiter } = this.options;
    signal!.removeEventListener('abort', this);
    stopSleeping(this.clock, this);
    const reason: unknown = signal!.reason;
    if (then === AFTER_TOKEN_WAIT && rateLimiter !== undefined) {
      // The token taken for the attempt that will not run goes back to the callers behind.
      rateLimiter.release(this.clock.now()).then(
        () => this.fail(reason),
        (error: unknown) => this.fail(error),
      );
      return;
    }
    this.fail(reason);
  }

  /** Runs a step of the machine; whatever it throws ends the call with that error. */
  private guard(run: () => void): void {
    try {
      run();
    } catch (error) {
      this.fail(error);
    }
  }

  private succeed(value: unknown): void {
    if ((this.flags & SETTLED) !== 0) return;
    this.flags |= SETTLED;
    if (this.resolve === undefined) this.early = { ok: true, value };
    else this.resolve(value);
  }

  private fail(error: unknown): void {
    if ((this.flags & SETTLED) !== 0) return;
    this.flags |= SETTLED;
    if (this.reject === undefined) this.early = { ok: false, error };
    else this.reject(error);
  }
}

/**
 * The same number, as an int32 where it is one: V8 then stores it inline, where the result of
 * arithmetic on an epoch reading would be a 16-byte box held by every sleeping call.
 */
export function asSmallInteger(value: number): number {
  return value === (value | 0) ? value | 0 : value;
}

/** The last call id handed out: calls are numbered as they leave the fast path. */
let lastCallId = 0;
