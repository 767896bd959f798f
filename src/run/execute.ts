import { isFailedResponse } from '../failure/response-like.js';
import type { Policy } from '../policy/define-policy.js';
import { channels } from '../shared/channels.js';
import { MAX_TIMER_DELAY_MS } from '../shared/limits.js';
import { FIRST_ATTEMPT, runAbortableAttempt, runUnabortableAttempt, type AttemptOutcome } from './attempt.js';
import { systemClock } from './clock.js';
import type { AttemptEvent } from './diagnostics.js';
import { handleFailure, type CallContext } from './failure-handler.js';
import type { RetryOptions } from './retry-options.js';
import { sleepUnlessAborted } from './sleep.js';
import { START, type CallState } from './step.js';

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
  if (options.signal !== undefined || options.attemptTimeoutMs !== undefined || options.maxElapsedMs !== undefined || options.budget !== undefined) {
    return failurePath(policy, options, fn, thisArg, args, undefined);
  }
  let pending: R;
  try {
    pending = args === undefined ? fn(FIRST_ATTEMPT) : Reflect.apply(fn, thisArg, args);
  } catch (error) {
    return failurePath(policy, options, fn, thisArg, args, { ok: false, error });
  }
  // One `then` on the attempt's own promise: cheaper than an async function's promise and await.
  return Promise.resolve(pending).then(
    (value) => {
      if (isFailedResponse(value)) return failurePath(policy, options, fn, thisArg, args, { ok: true, value });
      if (channels.attempt.hasSubscribers) channels.attempt.publish({ policy: policy.name, attempt: 1, ok: true } satisfies AttemptEvent);
      return value;
    },
    (error: unknown) => failurePath(policy, options, fn, thisArg, args, { ok: false, error }),
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
): Promise<Awaited<R>> {
  const { signal, attemptTimeoutMs, budget } = options;
  signal?.throwIfAborted();
  let outcome = firstOutcome;
  const clock = options.clock ?? systemClock;
  // On the fast path this is when the first failure was seen: the success path reads no clock.
  const call: CallContext = { policy, options, clock, startedAt: clock.now() };
  /** Whether the first attempt was timed (false when it ran on the fast path). */
  const firstTimed = outcome === undefined;
  let state: CallState = START;
  for (let attempt = 1; ; attempt++) {
    // Times are kept as offsets from the call's start: small integers, not boxed doubles.
    let startedAt = 0;
    if (outcome === undefined) {
      if (budget !== undefined) await waitForCoolDown(call);
      startedAt = clock.now() - call.startedAt;
      outcome =
        signal === undefined && attemptTimeoutMs === undefined
          ? await runUnabortableAttempt(fn, thisArg, args, attempt)
          : await runAbortableAttempt(fn, thisArg, args, attempt, signal, attemptTimeoutMs, clock);
    }
    const endedAt = clock.now() - call.startedAt;
    signal?.throwIfAborted();
    if (outcome.ok && !isFailedResponse(outcome.value)) {
      // A store that fails is the store's to report, not the call's.
      budget?.recordSuccess(state.budgetTaken).catch(() => undefined);
      if (channels.attempt.hasSubscribers) channels.attempt.publish({ policy: policy.name, attempt, ok: true } satisfies AttemptEvent);
      return outcome.value as Awaited<R>;
    }
    // An ok outcome here is a failed Response the attempt returned.
    const retry = await handleFailure(call, state, {
      failed: outcome.ok ? outcome.value : outcome.error,
      returned: outcome.ok,
      attempt,
      startedAt,
      endedAt,
      timed: attempt > 1 || firstTimed,
    });
    // Nothing of the failed attempt stays referenced while the call sleeps: the journal keeps its data.
    outcome = undefined;
    state = retry.state;
    // A zero delay means "retry now" (MWS: "you can immediately retry after the first error").
    if (retry.delayMs > 0) await sleepUnlessAborted(clock, retry.delayMs, signal);
  }
}

/** Waits out a cool-down set through the budget by any call sharing it. */
async function waitForCoolDown(call: CallContext): Promise<void> {
  const { options, clock } = call;
  const waitMs = (await options.budget!.coolDownUntil(clock.now())) - clock.now();
  if (waitMs > 0) await sleepUnlessAborted(clock, Math.min(waitMs, MAX_TIMER_DELAY_MS), options.signal);
}
