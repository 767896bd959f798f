import { isFailedResponse } from '../failure/response-like.js';
import type { Policy } from '../policy/define-policy.js';
import { FirstAttempt, type AttemptOutcome } from './attempt.js';
import { publishSuccess } from './call-run.js';
import { CallKey } from './call-key.js';
import { EngineCall } from './engine-call.js';
import type { RetryOptions } from './retry-options.js';

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
  if (needsTimedFirstAttempt(options)) {
    return new Promise<Awaited<R>>((resolve, reject) => {
      const key = args === undefined ? new CallKey() : NO_KEY;
      new EngineCall(policy, options, fn, thisArg, args, key, resolve, reject).start(undefined);
    });
  }
  // withRetry passes the caller's arguments; retry gets a context, which also holds the call's key.
  const first = args === undefined ? new FirstAttempt() : undefined;
  let pending: R;
  try {
    pending = args === undefined ? fn(first) : Reflect.apply(fn, thisArg, args);
  } catch (error) {
    return Promise.resolve(leaveFastPath(policy, options, fn, thisArg, args, { ok: false, error }, first)) as Promise<Awaited<R>>;
  }
  // One `then` on the attempt's own promise: cheaper than an async function's promise and await.
  return Promise.resolve(pending).then(
    (value) => (isFailedResponse(value) ? leaveFastPath(policy, options, fn, thisArg, args, { ok: true, value }, first) : succeeded(policy, value)),
    (error: unknown) => leaveFastPath(policy, options, fn, thisArg, args, { ok: false, error }, first),
  ) as Promise<Awaited<R>>;
}

/**
 * Whether a call must run its first attempt through its {@link CallRun}: it can be cut short (a
 * signal, a timeout, a deadline), has something to ask or tell before or after it (a budget, a
 * limiter), or an observer of every attempt. Then it skips the fast path.
 */
function needsTimedFirstAttempt(options: RetryOptions): boolean {
  return (
    options.signal !== undefined ||
    options.attemptTimeoutMs !== undefined ||
    options.maxElapsedMs !== undefined ||
    options.budget !== undefined ||
    options.rateLimiter !== undefined ||
    options.onAttempt !== undefined ||
    options.onSuccess !== undefined
  );
}

/**
 * The fast path of a wrapper's calls made without arguments or `this` (a thunk such as
 * `() => fetch(url)`): those calls differ in nothing, so their handlers are made once here and
 * a call allocates nothing of retry-table's: the attempt, then one `then` on its promise.
 * Undefined when the options send every call to the timed path anyway.
 *
 * @example
 * ```ts
 * const runThunk = thunkRunner(mwsPolicy, options, fn);
 * return runThunk !== undefined ? runThunk() : execute(mwsPolicy, options, fn, undefined, NO_ARGS);
 * ```
 */
export function thunkRunner(policy: Policy, options: RetryOptions, fn: () => unknown): (() => Promise<unknown>) | undefined {
  if (needsTimedFirstAttempt(options)) return undefined;
  const onValue = (value: unknown): unknown =>
    isFailedResponse(value) ? leaveFastPath(policy, options, fn, undefined, NO_ARGS, { ok: true, value }, undefined) : succeeded(policy, value);
  const onError = (error: unknown): Promise<unknown> => leaveFastPath(policy, options, fn, undefined, NO_ARGS, { ok: false, error }, undefined);
  return () => {
    let pending: unknown;
    try {
      pending = fn();
    } catch (error) {
      return Promise.resolve(onError(error));
    }
    return Promise.resolve(pending).then(onValue, onError);
  };
}

/** The arguments of a call made without any: one shared empty list, since a sleeping call keeps its arguments. */
export const NO_ARGS: readonly unknown[] = Object.freeze([]);

/** A success on the fast path: no run to tell (no budget, limiter or hook), only the channel, without a call id. */
function succeeded(policy: Policy, value: unknown): unknown {
  publishSuccess(policy, undefined, 1);
  return value;
}

/** A first attempt on the fast path failed: the call goes on as an {@link EngineCall}. */
function leaveFastPath(
  policy: Policy,
  options: RetryOptions,
  fn: (...args: any[]) => unknown,
  thisArg: unknown,
  args: readonly unknown[] | undefined,
  outcome: AttemptOutcome,
  first: CallKey | undefined,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    new EngineCall(policy, options, fn, thisArg, args, first ?? (args === undefined ? new CallKey() : NO_KEY), resolve, reject).start(outcome);
  });
}

/** withRetry's calls hand their arguments to `fn`, never a context: they share one unused key. */
const NO_KEY = new CallKey();
