import type { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { Policy } from '../policy/define-policy.js';
import { CallRun } from '../run/call-run.js';
import { systemClock } from '../run/clock.js';
import { sleepUnlessAborted } from '../run/sleep.js';
import { OptionsError } from '../shared/options-error.js';
import { isAbortSignal } from '../shared/validate.js';
import { validateAdapterOptions, type HttpAdapterOptions } from './adapter-options.js';
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

/**
 * A request's own say, in its config (`api.get(url, { retryTable: false })`): `false` sends it
 * once, never retried; `{ policy }` retries it by another policy than the instance's.
 *
 * @example
 * ```ts
 * await api.post('/orders', order, { retryTable: false });
 * await api.get('/report', { retryTable: { policy: mwsPolicy.with({ maxAttempts: 8 }) } });
 * ```
 */
export type AxiosRequestRetry = false | { readonly policy: Policy };

declare module 'axios' {
  interface AxiosRequestConfig {
    /** retry-table's per-request override: see `AxiosRequestRetry`. */
    retryTable?: AxiosRequestRetry;
  }
}

/** The key of the per-request state on the request config (a string: axios' mergeConfig drops symbols). */
const STATE_KEY = 'retry-table';

/**
 * One request's run, kept on its config so it survives the re-send, with the request as the
 * caller made it: axios transforms `data` and fills `headers` (Content-Type, Content-Length) on
 * the config it sends, so a retry re-sent from that config would transform an already
 * serialized body again under a stale length. A class instance, not a plain object: axios'
 * mergeConfig deep-copies plain objects on every `request(config)`; an instance passes by reference.
 */
class AxiosCall {
  constructor(
    readonly run: CallRun,
    readonly data: unknown,
    readonly headers: unknown,
    readonly timeout: number | undefined,
  ) {}
}

type Config = InternalAxiosRequestConfig & { [STATE_KEY]?: unknown };

/**
 * Lets a policy retry an axios instance's requests, the role axios-retry plays, with the
 * policy's table instead of a status list: each failed request is normalized (status, the
 * error body's code, `Retry-After` and the rate-limit headers, read from the `AxiosError`),
 * decided, and re-sent after the policy's delay from the request as the caller made it (its
 * untransformed `data` and headers). Every request is a call of the same driver as `withRetry`:
 * `budget`, `rateLimiter`, the hooks, the diagnostics channels, the clock, `maxElapsedMs` (which
 * also clips each attempt's `timeout` to what it leaves) and `idempotent` behave as there. When
 * the policy stops, the request rejects with a `RetryError` whose `cause` is the last
 * `AxiosError`; when the request's `signal` aborts, with axios' cancellation (or, during a wait,
 * `signal.reason`). A request's config may turn retries off or choose another policy
 * (`retryTable`, see {@link AxiosRequestRetry}).
 *
 * Add it after your other response interceptors: a retry re-sends the request through the whole
 * instance, so interceptors added later would see the final response twice. A stream body can
 * only be sent once.
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
  const byMethod = methodOptions(valid);

  const onRequest = async (config: Config): Promise<Config> => {
    let call = config[STATE_KEY];
    if (!(call instanceof AxiosCall)) {
      const own = config.retryTable;
      if (own === false) return config;
      if (own !== undefined && typeof own?.policy?.decide !== 'function') throw new OptionsError('retryTable', own, 'must be false or { policy } with a policy from definePolicy()');
      const run = new CallRun(own?.policy ?? policy, optionsForMethod(config.method, byMethod), clock, clock.now());
      call = new AxiosCall(run, config.data, copyHeaders(config.headers), config.timeout);
      config[STATE_KEY] = call;
    }
    const { run, timeout } = call as AxiosCall;
    // A refused wait rejects with the RetryError, an abort with signal.reason: onFailure passes both on.
    await run.passGate(signalOf(config));
    const limitMs = run.attemptStarted();
    // The deadline clips the attempt: axios' timeout is the one way to cut an axios request short.
    if (limitMs !== undefined && run.cutByDeadline) config.timeout = Math.max(1, timeout ? Math.min(timeout, limitMs) : limitMs);
    return config;
  };

  const onSuccess = (response: AxiosResponse): AxiosResponse => {
    const call = (response.config as Config | undefined)?.[STATE_KEY];
    if (call instanceof AxiosCall) call.run.succeeded(response);
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
    const delayMs = await call.run.failed(error, false);
    if (delayMs > 0) await sleepUnlessAborted(clock, delayMs, signal);
    return instance.request({ ...config, data: call.data, headers: copyHeaders(call.headers) as Config['headers'], timeout: call.timeout });
  };

  const requestId = instance.interceptors.request.use(onRequest);
  const responseId = instance.interceptors.response.use(onSuccess, onFailure);
  return () => {
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
  };
}

/** A copy of a request's headers as the caller gave them (axios' own AxiosHeaders or a plain object). */
function copyHeaders(headers: unknown): unknown {
  const plain = typeof (headers as { toJSON?: unknown } | undefined)?.toJSON === 'function' ? (headers as { toJSON(): unknown }).toJSON() : headers;
  return plain === undefined || plain === null ? plain : { ...(plain as object) };
}

/** The request's signal when it is a real AbortSignal (axios also accepts look-alikes without events). */
function signalOf(config: InternalAxiosRequestConfig): AbortSignal | undefined {
  return isAbortSignal(config.signal) ? config.signal : undefined;
}
