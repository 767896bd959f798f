import type { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { Policy } from '../policy/define-policy.js';
import { systemClock } from '../run/clock.js';
import type { AttemptEvent } from '../run/diagnostics.js';
import { handleFailure, type CallContext } from '../run/failure-handler.js';
import { sleepUnlessAborted } from '../run/sleep.js';
import { waitForToken } from '../run/token-wait.js';
import { START, type CallState } from '../run/step.js';
import { channels } from '../shared/channels.js';
import { isAbortSignal } from '../shared/validate.js';
import { validateAdapterOptions, type HttpAdapterOptions } from './adapter-options.js';
import { waitForCoolDown } from './cool-down.js';
import { methodOptions, optionsForMethod } from './idempotent-method.js';

/**
 * Options of {@link retryAxios}: those of `withRetry` that make sense inside axios. Validated
 * where given; an unknown key throws an `OptionsError`. axios' own `signal` and `timeout` are
 * honoured per request (a timed-out attempt is a `timeout` failure, classified like any other).
 *
 * `rateLimiter` paces the instance's requests: every attempt, first or retry, takes a token in
 * the request interceptor before it is sent (waiting in arrival order; the request's `signal`
 * ends the wait and gives the token back). A wait past `maxElapsedMs` rejects with a
 * `RetryError` of reason `deadline`, one longer than the policy's `maxDelayMs` with
 * `rate-limited`; every failure and success teaches the limiter, as in `withRetry`.
 *
 * `idempotent` left unset retries GET, HEAD, OPTIONS, TRACE, PUT and DELETE as the rows say, and
 * POST and PATCH only when the failure proves the request unprocessed (connection refused, 429,
 * 503 with Retry-After); `true` or `false` applies to every method.
 *
 * @example
 * ```ts
 * const options: RetryAxiosOptions = { maxElapsedMs: 60_000, onRetry: ({ attempt, delayMs }) => console.warn(`attempt ${attempt} failed, retrying in ${delayMs} ms`) };
 * ```
 */
export type RetryAxiosOptions = HttpAdapterOptions;
export type { HttpAdapterOptions } from './adapter-options.js';

/** The key of the per-request state on the request config (a string: axios' mergeConfig drops symbols). */
const STATE_KEY = 'retry-table';

/**
 * One request's retry state, kept on its config so it survives the re-send. A class instance,
 * not a plain object: axios' mergeConfig deep-copies plain objects on every `request(config)`,
 * and would copy the journal each attempt; an instance passes by reference.
 */
class AxiosCall {
  /** The 1-based number of the attempt in flight. */
  attempt = 0;
  /** When it started, as an offset from the call's start. */
  attemptStartedAt = 0;
  state: CallState = START;
  constructor(readonly startedAt: number) {}
}

type Config = InternalAxiosRequestConfig & { [STATE_KEY]?: unknown };

/**
 * Lets a policy retry an axios instance's requests, the role axios-retry plays, with the
 * policy's table instead of a status list: each failed request is normalized (status, the
 * error body's code, `Retry-After` and the rate-limit headers, read from the `AxiosError`),
 * decided, and re-sent with the same config after the policy's delay. Every failure goes through
 * the same step as `withRetry`: `budget`, `onRetry` / `onGiveUp`, the diagnostics channels, the
 * clock, `idempotent` and `rateLimiter` behave as there. The attempt count and journal live on the request's
 * config. When the policy stops, the request rejects with a `RetryError` whose `cause` is the
 * last `AxiosError`; when the request's `signal` aborts, with axios' cancellation (or, during a
 * wait, `signal.reason`).
 *
 * Add it after your other response interceptors: a retry re-sends the request through the whole
 * instance, so interceptors added later would see the final response twice. Request bodies are
 * re-sent as axios keeps them in the config: strings, buffers and plain objects are fine, a
 * stream can only be sent once.
 *
 * @param instance - an axios instance (or the default `axios`)
 * @param policy - the policy deciding every request's retries
 * @param options - budget, rate limiter, clock, jitter source, deadline, hooks, idempotent
 * @returns a function that removes the interceptors again
 * @example
 * ```ts
 * import axios from 'axios';
 * import { scraperPolicy } from 'retry-table';
 * import { retryAxios } from 'retry-table/axios';
 * const api = axios.create({ baseURL: 'https://api.example.com', timeout: 50_000 });
 * const eject = retryAxios(api, scraperPolicy);
 * const { data } = await api.get('/product', { params: { asin: 'B000000001' } });
 * eject();
 * ```
 */
export function retryAxios(instance: AxiosInstance, policy: Policy, options?: RetryAxiosOptions): () => void {
  const valid = validateAdapterOptions('retryAxios', policy, options);
  const clock = valid.clock ?? systemClock;
  const { budget, rateLimiter } = valid;
  const byMethod = methodOptions(valid);

  const onRequest = async (config: Config): Promise<Config> => {
    let call = config[STATE_KEY];
    if (!(call instanceof AxiosCall)) {
      call = new AxiosCall(clock.now());
      config[STATE_KEY] = call;
    }
    const current = call as AxiosCall;
    const signal = signalOf(config);
    await waitForCoolDown(budget, clock, signal);
    // A refused wait rejects with the RetryError, an abort with signal.reason: onFailure passes both on.
    if (rateLimiter !== undefined) await waitForToken(contextOf(current, config), current.state, signal);
    current.attempt++;
    current.attemptStartedAt = clock.now() - current.startedAt;
    return config;
  };

  const onSuccess = (response: AxiosResponse): AxiosResponse => {
    const call = (response.config as Config | undefined)?.[STATE_KEY];
    if (call instanceof AxiosCall) {
      // A store that fails is the store's to report, not the request's.
      budget?.recordSuccess(call.state.budgetTaken).catch(() => undefined);
      rateLimiter?.observeSuccess(clock.now());
      if (channels.attempt.hasSubscribers) channels.attempt.publish({ policy: policy.name, attempt: call.attempt, ok: true } satisfies AttemptEvent);
    }
    return response;
  };

  const onFailure = async (error: unknown): Promise<AxiosResponse> => {
    const config = (error as AxiosError | undefined)?.config as Config | undefined;
    const call = config?.[STATE_KEY];
    // Not a request this interceptor saw (or not axios' error at all): not ours to retry.
    if (config === undefined || !(call instanceof AxiosCall)) throw error;
    const signal = signalOf(config);
    // The caller cancelled: that is the outcome, not a failure to retry.
    if ((error as AxiosError).code === 'ERR_CANCELED' || signal?.aborted === true) throw error;
    const endedAt = clock.now() - call.startedAt;
    const retry = await handleFailure(
      contextOf(call, config),
      call.state,
      { failed: error, returned: false, attempt: call.attempt, startedAt: call.attemptStartedAt, endedAt, timed: true },
    );
    call.state = retry.state;
    if (retry.delayMs > 0) await sleepUnlessAborted(clock, retry.delayMs, signal);
    return instance.request(config);
  };

  /** The request as the shared failure handler and token wait see it. */
  const contextOf = (call: AxiosCall, config: Config): CallContext => ({ policy, options: optionsForMethod(config.method, byMethod), clock, startedAt: call.startedAt });

  const requestId = instance.interceptors.request.use(onRequest);
  const responseId = instance.interceptors.response.use(onSuccess, onFailure);
  return () => {
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
  };
}

/** The request's signal when it is a real AbortSignal (axios also accepts look-alikes without events). */
function signalOf(config: InternalAxiosRequestConfig): AbortSignal | undefined {
  return isAbortSignal(config.signal) ? config.signal : undefined;
}
