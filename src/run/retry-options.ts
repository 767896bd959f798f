import type { Failure } from '../failure/failure.js';
import { checkOptionKeys } from '../shared/option-keys.js';
import { OptionsError } from '../shared/options-error.js';
import { isAbortSignal, isDuration } from '../shared/validate.js';
import type { RetryError } from './retry-error.js';
import type { RetryDecision } from '../policy/decision.js';
import type { Clock } from './clock.js';
import type { RetryBudget } from '../budget/retry-budget.js';
import type { RateLimiter } from '../pacing/rate-limiter.js';

/**
 * What {@link RetryOptions.onRetry} is told before each wait.
 *
 * @example
 * ```ts
 * withRetry(mwsPolicy, {
 *   onRetry: (info: RetryInfo) => console.warn(`attempt ${info.attempt} failed (${info.failure.code}); retrying in ${info.delayMs} ms by ${info.decision.rule.id}`),
 * })(listOrders);
 * ```
 */
export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  readonly attempt: number;
  /** The wait before the next attempt, in ms. */
  readonly delayMs: number;
  /** The failure, normalized. */
  readonly failure: Failure;
  /** The decision, with the row that made it. */
  readonly decision: RetryDecision;
  /** What the attempt threw, or the failed `Response` it returned. */
  readonly error: unknown;
  /** Time since the call started, in ms. */
  readonly elapsedMs: number;
  /** The call's id, the same on every hook and diagnostics event of the call. */
  readonly callId: number | string;
  /** The policy's name. */
  readonly policy: string;
}

/**
 * The call as `onAttempt`, `onSuccess` and `onGiveUp` see it: one value per call, whichever runner
 * runs it (withRetry, axios, undici, the AWS SDK, BullMQ).
 *
 * @example
 * ```ts
 * withRetry(mwsPolicy, { onAttempt: (call: CallInfo) => console.log(call.callId, call.policy, call.attempt) })(listOrders);
 * ```
 */
export interface CallInfo {
  /** Unique per call in this process (a BullMQ job: the job's id); the `callId` of the diagnostics events. */
  readonly callId: number | string;
  /** The policy's name. */
  readonly policy: string;
  /** The attempt starting, or the last one made (1-based). */
  readonly attempt: number;
  /** Time since the call started, in ms. */
  readonly elapsedMs: number;
}

/**
 * Options of {@link withRetry} and {@link retry}. All optional.
 *
 * @example
 * ```ts
 * const options: RetryOptions = {
 *   maxElapsedMs: 60_000,
 *   attemptTimeoutMs: 10_000,
 *   onRetry: ({ attempt, delayMs, failure }) => console.warn(`attempt ${attempt} failed (${failure.code}), retrying in ${delayMs} ms`),
 * };
 * ```
 */
export interface RetryOptions {
  /** Time source and sleeper. @defaultValue `systemClock` */
  readonly clock?: Clock;
  /** Random numbers in [0, 1) for jitter. @defaultValue `Math.random`, looked up at call time */
  readonly random?: () => number;
  /** Aborting it rejects the call at once with `signal.reason`, during an attempt or a wait. */
  readonly signal?: AbortSignal;
  /** The call's deadline in ms from its start: a wait that would end past it stops with `deadline`. */
  readonly maxElapsedMs?: number;
  /**
   * An attempt still running after this many ms fails as a `timeout` (and is classified like any
   * failure); its late result is ignored. With {@link retry}, `ctx.signal` is aborted too.
   */
  readonly attemptTimeoutMs?: number;
  /** Called as each attempt starts. An exception, or a rejected promise, is reported as a process warning and changes nothing. */
  readonly onAttempt?: (call: CallInfo) => void;
  /**
   * Called before each wait. When it returns a promise, the call waits for it before the wait
   * begins. An exception thrown here, or a rejection, is reported as a process warning and does
   * not change the call's outcome.
   */
  readonly onRetry?: (info: RetryInfo) => void;
  /** Called once when an attempt succeeds. Exceptions as for `onAttempt`. */
  readonly onSuccess?: (call: CallInfo) => void;
  /** Called once when the policy stops, with the error the call rejects with. Exceptions as for `onAttempt`. */
  readonly onGiveUp?: (error: RetryError, call: CallInfo) => void;
  /**
   * `true`: the call's timers (its waits, its attempt timeout) do not keep the process alive, so a
   * CLI that has nothing else to do exits instead of waiting out a backoff. Applies to the
   * default clock; a `clock` of your own decides for itself.
   * @defaultValue false
   */
  readonly unref?: boolean;
  /**
   * A retry budget shared with other calls (and, with a Redis store, other processes): retries
   * it refuses stop the call with `budget-exhausted`, and throttling answers make every call
   * sharing it wait. Calls with a budget skip the first-attempt fast path.
   */
  readonly budget?: RetryBudget;
  /**
   * `false` for a call that must not be repeated blindly (it creates an order, submits a feed,
   * charges a card): a failure that may have been processed (a connection reset after the
   * request was written, a timeout waiting for the answer, a 500) stops with `unsafe-to-retry`;
   * one proven unprocessed (connection refused, DNS failure, 429, 503 with Retry-After) is still
   * retried. Wins over the rows' own `idempotent`. With {@link retry}, pass
   * `ctx.idempotencyKey` to an API that accepts an `Idempotency-Key` instead, and keep `true`.
   * @defaultValue each row's `idempotent`, true unless the row says otherwise
   */
  readonly idempotent?: boolean;
  /**
   * Paces the call: every attempt, first or retry, takes a token from the limiter before it is
   * sent, waiting in arrival order. A wait past `maxElapsedMs` stops with `deadline`, one longer
   * than the policy's `maxDelayMs` with `rate-limited`; aborting while waiting gives the token
   * back. Attempts' failures teach it the server's real limit. See {@link rateLimiter}.
   */
  readonly rateLimiter?: RateLimiter;
}

/** Every key of {@link RetryOptions}: the compiler checks the list against the interface both ways. */
const RETRY_OPTION_KEYS = ['clock', 'random', 'signal', 'maxElapsedMs', 'attemptTimeoutMs', 'onAttempt', 'onRetry', 'onSuccess', 'onGiveUp', 'budget', 'idempotent', 'rateLimiter', 'unref'] as const satisfies readonly (keyof RetryOptions)[];
type MissingKeys = Exclude<keyof RetryOptions, (typeof RETRY_OPTION_KEYS)[number]>;
const everyKeyListed: [MissingKeys] extends [never] ? true : MissingKeys = true;
void everyKeyListed;

/** The options of a call given none: one shared object, not a new one per wrapper. */
const NO_OPTIONS: RetryOptions = Object.freeze({});

/**
 * Checks options where they are given, so a typo fails at wrap time with the option's name, not
 * in the middle of an outage: unknown keys (`maxElapsed` for `maxElapsedMs`) and bad values alike.
 *
 * @param where - the function given the options, for the message
 */
export function validateRetryOptions(options: RetryOptions | undefined, where: string): RetryOptions {
  if (options === undefined) return NO_OPTIONS;
  checkOptionKeys(where, options, RETRY_OPTION_KEYS);
  const { clock, random, signal, maxElapsedMs, attemptTimeoutMs, onAttempt, onRetry, onSuccess, onGiveUp, budget, idempotent, rateLimiter, unref } = options;
  if (rateLimiter !== undefined && typeof rateLimiter?.acquire !== 'function') throw new OptionsError('rateLimiter', rateLimiter, 'must be a RateLimiter from rateLimiter()');
  if (idempotent !== undefined && typeof idempotent !== 'boolean') throw new OptionsError('idempotent', idempotent, 'must be true or false');
  if (budget !== undefined && typeof budget?.requestRetry !== 'function') throw new OptionsError('budget', budget, 'must be a RetryBudget from retryBudget()');
  if (clock !== undefined && (typeof clock?.now !== 'function' || typeof clock?.sleep !== 'function'))
    throw new OptionsError('clock', clock, 'must have now() and sleep(ms, signal) methods');
  if (random !== undefined && typeof random !== 'function') throw new OptionsError('random', random, 'must be a function returning a number in [0, 1)');
  if (signal !== undefined && !isAbortSignal(signal)) throw new OptionsError('signal', signal, 'must be an AbortSignal');
  if (maxElapsedMs !== undefined && !isDuration(maxElapsedMs))
    throw new OptionsError('maxElapsedMs', maxElapsedMs, 'must be a finite number of milliseconds, 0 or more');
  if (attemptTimeoutMs !== undefined && (!isDuration(attemptTimeoutMs) || attemptTimeoutMs > 2 ** 31 - 1))
    throw new OptionsError('attemptTimeoutMs', attemptTimeoutMs, 'must be a number of milliseconds from 0 to 2147483647');
  if (onRetry !== undefined && typeof onRetry !== 'function') throw new OptionsError('onRetry', onRetry, 'must be a function');
  if (onGiveUp !== undefined && typeof onGiveUp !== 'function') throw new OptionsError('onGiveUp', onGiveUp, 'must be a function');
  if (onAttempt !== undefined && typeof onAttempt !== 'function') throw new OptionsError('onAttempt', onAttempt, 'must be a function');
  if (onSuccess !== undefined && typeof onSuccess !== 'function') throw new OptionsError('onSuccess', onSuccess, 'must be a function');
  if (unref !== undefined && typeof unref !== 'boolean') throw new OptionsError('unref', unref, 'must be true or false');
  if (unref === true && clock !== undefined) throw new OptionsError('unref', unref, 'applies to the default clock only: a clock of your own decides whether its timers keep the process alive');
  return options;
}
