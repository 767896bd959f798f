import type { Dispatcher } from 'undici';
import type { Policy } from '../policy/define-policy.js';
import { systemClock } from '../run/clock.js';
import { validateAdapterOptions, type HttpAdapterOptions } from './adapter-options.js';
import { methodOptions } from './idempotent-method.js';
import { isReplayableBody } from './undici-answer.js';
import { PolicyRetryCall, type InterceptorSetup } from './undici-call.js';

/**
 * Options of {@link policyRetryInterceptor}: those of `withRetry` that make sense inside a
 * dispatcher. Validated where given; an unknown key throws an `OptionsError`. undici's own
 * `signal`, `headersTimeout` and `bodyTimeout` are honoured per request (a timed-out attempt is a
 * failure classified like any other: undici's `UND_ERR_HEADERS_TIMEOUT` and `UND_ERR_BODY_TIMEOUT`
 * are `network` failures, as `failure/network-codes.ts` explains).
 *
 * `rateLimiter` paces the dispatcher's requests: every attempt, first or retry, takes a token
 * before it is dispatched (in arrival order; the caller's `signal` ends the wait and gives the
 * token back). A wait past `maxElapsedMs` rejects the request with a `RetryError` of reason
 * `deadline`, one longer than the policy's `maxDelayMs` with `rate-limited` (through `fetch`:
 * `TypeError('fetch failed')` with it as `cause`); every failure and success teaches the limiter,
 * as in `withRetry`.
 *
 * `idempotent` left unset retries GET, HEAD, OPTIONS, TRACE, PUT and DELETE as the rows say, and
 * POST and PATCH only when the failure proves the request unprocessed (connection refused, 429,
 * 503 with Retry-After); `true` or `false` applies to every method.
 *
 * @example
 * ```ts
 * const options: PolicyRetryInterceptorOptions = { maxElapsedMs: 120_000, onGiveUp: (error) => console.error(error.attempts) };
 * ```
 */
export type PolicyRetryInterceptorOptions = HttpAdapterOptions;
export type { HttpAdapterOptions } from './adapter-options.js';

/**
 * An undici dispatcher interceptor driven by a policy, the role undici's `RetryHandler` plays,
 * with the policy's table instead of a status list. Compose it into an `Agent` for undici's
 * `request` and `fetch`, or make that agent the global dispatcher, which Node's own global
 * `fetch` uses too (Node ≥ 18 looks the global dispatcher up by a shared symbol).
 *
 * An answer below 400 streams to the caller untouched. An error status is held back: its body is
 * kept (up to 64 KiB) so the policy can read the server's error code, `Retry-After` and the
 * rate-limit headers, then the request is re-sent after the policy's delay, or, when the policy
 * stops, that last answer reaches the caller as the server sent it (`fetch` resolves with it,
 * `request` with its `statusCode`). A failure without an answer (refused, reset, timed out) that
 * the policy stops on rejects with the `RetryError`, whose `cause` is undici's error. Every
 * failure goes through the same step as `withRetry`: `budget`, `onRetry` / `onGiveUp` (which gets
 * the `RetryError` in both cases), the diagnostics channels, the clock, `idempotent` and
 * `rateLimiter` behave as there. The caller's abort ends an attempt or a wait at once.
 *
 * Sent once, never retried: requests whose body is a stream or an iterable (it is consumed by the
 * first attempt; this includes every `fetch` body, which fetch hands to the dispatcher as a
 * stream: retry those with `retry()` around `fetch`), upgrades and CONNECT. A response that
 * fails after its body started streaming to the caller is not retried either.
 *
 * @param policy - the policy deciding every request's retries
 * @param options - budget, rate limiter, clock, jitter source, deadline, hooks, idempotent
 * @example
 * ```ts
 * import { Agent, request, setGlobalDispatcher } from 'undici';
 * import { scraperPolicy } from 'retry-table';
 * import { policyRetryInterceptor } from 'retry-table/undici';
 * const agent = new Agent().compose(policyRetryInterceptor(scraperPolicy));
 * const { statusCode, body } = await request('https://api.example.com/product?asin=B000000001', { dispatcher: agent });
 * setGlobalDispatcher(agent); // global fetch too
 * const res = await fetch('https://api.example.com/product?asin=B000000001');
 * ```
 */
export function policyRetryInterceptor(policy: Policy, options?: PolicyRetryInterceptorOptions): Dispatcher.DispatcherComposeInterceptor {
  const valid = validateAdapterOptions('policyRetryInterceptor', policy, options);
  const setup: InterceptorSetup = { policy, clock: valid.clock ?? systemClock, byMethod: methodOptions(valid) };
  return (dispatch) =>
    function policyRetry(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      // What cannot be sent twice is sent once, untouched.
      if (opts.upgrade || opts.method === 'CONNECT' || !isReplayableBody(opts.body)) return dispatch(opts, handler);
      return new PolicyRetryCall(setup, dispatch, opts, handler).start();
    };
}
