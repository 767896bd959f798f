import { isFailedResponse } from '../failure/response-like.js';
import type { Policy } from '../policy/define-policy.js';
import { channels } from '../shared/channels.js';
import { MAX_TIMER_DELAY_MS } from '../shared/limits.js';
import { FirstAttempt, runAbortableAttempt, runUnabortableAttempt, type AttemptOutcome } from './attempt.js';
import { CallKey } from './call-key.js';
import { systemClock, type Clock } from './clock.js';
import type { AttemptEvent } from './diagnostics.js';
import type { RateLimiter } from '../pacing/rate-limiter.js';
import { giveUpBeforeAttempt, handleFailure, type CallContext } from './failure-handler.js';
import type { RetryOptions } from './retry-options.js';
import { sleepUnlessAborted } from './sleep.js';
import type { AttemptRecord, JournalEntry } from './journal.js';
import { admitWait, START, type CallState, type RetryStep } from './step.js';

/**
 * The engine behind {@link withRetry} and {@link retry}: call, normalize, decide, record, sleep,
 * repeat. Options must already be validated.
 *
 * Each attempt calls `fn` with `args` (withRetry: the caller's arguments, the same each time) or,
 * when `args` is undefined, with the attempt's context (retry). Taking `fn`, `thisArg` and
 * `args` apart, rather than a closure made per call, keeps the success path lean.
 *
 * Most calls succeed and the wrapper sits on every one of them, so a call without a signal, an
 * attempt timeout, a deadline or a budget runs its first attempt on a fast path: no AbortController, no journal, and
 * no clock reading (a clock read costs more than the rest of the path on these machines). The
 * journal's first record then has no `durationMs`, and its `startedAt` is when the failure was seen.
 */
export function execute<R>(
  policy: Policy,
  options: RetryOptions,
  fn: (...args: any[]) => R,
  thisArg: unknown,
  args: readonly unknown[] | undefined,
): Promise<Awaited<R>> {
  if (
    options.signal !== undefined ||
    options.attemptTimeoutMs !== undefined ||
    options.maxElapsedMs !== undefined ||
    options.budget !== undefined ||
    options.rateLimiter !== undefined
  ) {
    return failurePath(policy, options, fn, thisArg, args, undefined, undefined);
  }
  // withRetry passes the caller's arguments; retry gets a context, which also holds the call's key.
  const first = args === undefined ? new FirstAttempt() : undefined;
  let pending: R;
  try {
    pending = args === undefined ? fn(first) : Reflect.apply(fn, thisArg, args);
  } catch (error) {
    return failurePath(policy, options, fn, thisArg, args, { ok: false, error }, first);
  }
  // One `then` on the attempt's own promise: cheaper than an async function's promise and await.
  return Promise.resolve(pending).then(
    (value) => {
      if (isFailedResponse(value)) return failurePath(policy, options, fn, thisArg, args, { ok: true, value }, first);
      if (channels.attempt.hasSubscribers) channels.attempt.publish({ policy: policy.name, attempt: 1, ok: true } satisfies AttemptEvent);
      return value;
    },
    (error: unknown) => failurePath(policy, options, fn, thisArg, args, { ok: false, error }, first),
  ) as Promise<Awaited<R>>;
}

/**
 * The loop once the fast path is left (or never taken): attempt, and after each failure let the
 * shared {@link handleFailure} normalize, step and record, then sleep. Its state lives in one
 * small object so the suspended frame of every sleeping call stays small.
 */
async function failurePath<R>(
  policy: Policy,
  options: RetryOptions,
  fn: (...args: any[]) => R,
  thisArg: unknown,
  args: readonly unknown[] | undefined,
  firstOutcome: AttemptOutcome | undefined,
  /** The key of a call whose first attempt ran on the fast path. */
  firstKey: CallKey | undefined,
): Promise<Awaited<R>> {
  options.signal?.throwIfAborted();
  let outcome = firstOutcome;
  // Every sleeping call holds this frame: what the loop needs lives in `call`, not in locals.
  const call = new EngineCall(policy, options, outcome === undefined, firstKey ?? (args === undefined ? new CallKey() : NO_KEY));
  for (let attempt = 1; ; attempt++) {
    // Times are kept as offsets from the call's start: small integers, not boxed doubles.
    let startedAt = 0;
    if (outcome === undefined) {
      if (options.budget !== undefined) await waitForCoolDown(call);
      if (options.rateLimiter !== undefined) await waitForToken(call, options.rateLimiter);
      startedAt = call.clock.now() - call.startedAt;
      outcome =
        options.signal === undefined && options.attemptTimeoutMs === undefined
          ? await runUnabortableAttempt(fn, thisArg, args, attempt, call.key)
          : await runAbortableAttempt(fn, thisArg, args, attempt, options.signal, options.attemptTimeoutMs, call.clock, call.key);
    }
    const endedAt = call.clock.now() - call.startedAt;
    options.signal?.throwIfAborted();
    if (outcome.ok && !isFailedResponse(outcome.value)) {
      // A store that fails is the store's to report, not the call's.
      options.budget?.recordSuccess(call.budgetTaken).catch(() => undefined);
      options.rateLimiter?.observeSuccess(call.clock.now());
      if (channels.attempt.hasSubscribers) channels.attempt.publish({ policy: policy.name, callId: call.callId, attempt, ok: true } satisfies AttemptEvent);
      return outcome.value as Awaited<R>;
    }
    // Only the next state is kept across the sleep (its previousDelayMs is the wait just
    // decided): the step result and its decision would be held by every sleeping call.
    call.adopt(
      await handleFailure(call, call, {
        // An ok outcome here is a failed Response the attempt returned.
        failed: outcome.ok ? outcome.value : outcome.error,
        returned: outcome.ok,
        attempt,
        startedAt,
        endedAt,
        timed: attempt > 1 || call.firstTimed,
      }),
    );
    // Nothing of the failed attempt stays referenced while the call sleeps: the journal keeps its data.
    outcome = undefined;
    const delayMs = call.previousDelayMs!;
    // A zero delay means "retry now" (MWS: "you can immediately retry after the first error").
    if (delayMs > 0) await sleepUnlessAborted(call.clock, delayMs, options.signal);
  }
}

/**
 * One in-process call: what {@link handleFailure} needs, and the call's {@link CallState},
 * copied in from each step's result rather than kept as a second object, which every sleeping
 * call would hold.
 */
class EngineCall implements CallContext, CallState {
  readonly clock: Clock;
  /** When the call started; on the fast path, when its first failure was seen (the success path reads no clock). */
  readonly startedAt: number;
  previousDelayMs: number | undefined = START.previousDelayMs;
  budgetTaken: number = START.budgetTaken;
  earlier: readonly AttemptRecord[] = START.earlier;
  newest: JournalEntry | undefined = START.newest;
  /** A number per call that left the fast path, for the diagnostics events. */
  readonly callId = ++lastCallId;

  constructor(
    readonly policy: Policy,
    readonly options: RetryOptions,
    /** Whether the first attempt was timed (false when it ran on the fast path). */
    readonly firstTimed: boolean,
    /** The call's idempotency key, for the contexts of retry's attempts. */
    readonly key: CallKey,
  ) {
    this.clock = options.clock ?? systemClock;
    this.startedAt = this.clock.now();
  }

  /** Takes the state a step returned. */
  adopt({ state }: RetryStep): void {
    this.previousDelayMs = state.previousDelayMs;
    this.budgetTaken = state.budgetTaken;
    this.earlier = state.earlier;
    this.newest = state.newest;
  }
}

/**
 * Takes the rate limiter's token for the next attempt, waiting for it in arrival order. A wait
 * the call cannot afford stops it; an abort while waiting gives the token back.
 */
async function waitForToken(call: EngineCall, limiter: RateLimiter): Promise<void> {
  const { clock, options } = call;
  const nowMs = clock.now();
  const { waitMs } = await limiter.acquire(nowMs);
  if (waitMs <= 0) return;
  const refused = admitWait(waitMs, nowMs - call.startedAt, options.maxElapsedMs, call.policy.maxDelayMs);
  if (refused !== undefined) {
    await limiter.release(clock.now());
    throw giveUpBeforeAttempt(call, call, refused, waitMs);
  }
  try {
    await sleepUnlessAborted(clock, waitMs, options.signal);
  } catch (error) {
    await limiter.release(clock.now());
    throw error;
  }
}

/** Waits out a cool-down set through the budget by any call sharing it. */
async function waitForCoolDown(call: CallContext): Promise<void> {
  const { options, clock } = call;
  const waitMs = (await options.budget!.coolDownUntil(clock.now())) - clock.now();
  if (waitMs > 0) await sleepUnlessAborted(clock, Math.min(waitMs, MAX_TIMER_DELAY_MS), options.signal);
}

/** withRetry's calls hand their arguments to `fn`, never a context: they share one unused key. */
const NO_KEY = new CallKey();

/** The last call id handed out: calls are numbered as they leave the fast path. */
let lastCallId = 0;
