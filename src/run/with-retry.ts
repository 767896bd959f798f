import { OptionsError } from '../shared/options-error.js';
import type { Policy } from '../policy/define-policy.js';
import type { AttemptContext } from './attempt.js';
import { execute, NO_ARGS, thunkRunner } from './execute.js';
import { SignalFanOut } from './signal-fan-out.js';
import { validateRetryOptions, type RetryOptions } from './retry-options.js';

/**
 * Wraps a function so every call is retried by the policy. The wrapper has exactly the wrapped
 * function's parameters (and `this`), and returns a promise of its result.
 *
 * A fetch `Response` with status < 400 is a success and comes back unread; one with status ≥ 400
 * (returned or thrown) is a failure. When the policy stops, the call rejects with a
 * {@link RetryError}; when `signal` aborts, with `signal.reason`.
 *
 * @param policy - the policy, e.g. {@link mwsPolicy}, {@link scraperPolicy}, {@link spApiPolicy} or one from {@link definePolicy}
 * @param options - clock, random, signal, deadline, attempt timeout and hooks; validated here
 * @returns a wrapper factory: give it `fn` (of type `F`) and get the retrying function back
 * @example
 * ```ts
 * const getOrders = withRetry(mwsPolicy)(async (since: string) => {
 *   return fetch(`https://mws.amazonservices.com/Orders?CreatedAfter=${since}`);
 * });
 * const response = await getOrders('2024-01-01');
 * ```
 */
export function withRetry(
  policy: Policy,
  options?: RetryOptions,
): <F extends (...args: any[]) => unknown>(
  fn: F,
) => (this: ThisParameterType<F>, ...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>> {
  assertPolicy(policy);
  const valid = validateRetryOptions(options, 'withRetry');
  // The wrapper's signal is shared by all its calls: one listener on it, a signal per call.
  const fanOut = valid.signal === undefined ? undefined : new SignalFanOut(valid.signal);
  return <F extends (...args: any[]) => unknown>(fn: F) => {
    if (typeof fn !== 'function') throw new OptionsError('fn', fn, 'must be a function');
    const runThunk = fanOut === undefined ? thunkRunner(policy, valid, fn) : undefined;
    // No rest parameter: `arguments` is read only when there are arguments, so the common call of
    // a thunk (`() => fetch(url)`) allocates no list at all.
    function retrying(this: ThisParameterType<F>): Promise<Awaited<ReturnType<F>>> {
      const count = arguments.length;
      if (count === 0 && this === undefined && runThunk !== undefined) return runThunk() as Promise<Awaited<ReturnType<F>>>;
      // A call without arguments shares one empty list: a sleeping call keeps its arguments.
      const callArgs: readonly unknown[] = count === 0 ? NO_ARGS : Array.prototype.slice.call(arguments);
      if (fanOut === undefined) return execute(policy, valid, fn as (...a: unknown[]) => ReturnType<F>, this, callArgs);
      const { signal, done } = fanOut.join();
      const settled = execute(policy, { ...valid, signal }, fn as (...a: unknown[]) => ReturnType<F>, this, callArgs);
      settled.then(done, done);
      return settled;
    }
    return retrying as (this: ThisParameterType<F>, ...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>>;
  };
}

/**
 * Runs one call under a policy. The function gets an {@link AttemptContext} whose `signal`
 * aborts on the caller's abort or the attempt timeout, so pass it on to `fetch`.
 *
 * @param policy - the policy
 * @param fn - one attempt
 * @param options - as for {@link withRetry}
 * @example
 * ```ts
 * const res = await retry(scraperPolicy, (ctx) => fetch(url, { signal: ctx.signal }), {
 *   attemptTimeoutMs: 50_000,
 *   signal: AbortSignal.timeout(120_000),
 * });
 * ```
 */
export function retry<T>(
  policy: Policy,
  fn: (ctx: AttemptContext) => T | PromiseLike<T>,
  options?: RetryOptions,
): Promise<Awaited<T>> {
  try {
    assertPolicy(policy);
    if (typeof fn !== 'function') throw new OptionsError('fn', fn, 'must be a function');
    return execute(policy, validateRetryOptions(options, 'retry'), fn, undefined, undefined);
  } catch (error) {
    return Promise.reject(error);
  }
}

function assertPolicy(policy: Policy): void {
  if (policy === null || typeof policy !== 'object' || typeof policy.decide !== 'function' || typeof policy.name !== 'string') {
    throw new OptionsError('policy', policy, 'must be a policy from definePolicy(), such as mwsPolicy or scraperPolicy');
  }
}
