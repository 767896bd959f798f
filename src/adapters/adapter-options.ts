import type { RetryOptions } from '../run/retry-options.js';
import { validateRetryOptions } from '../run/retry-options.js';
import { checkOptionKeys } from '../shared/option-keys.js';
import { OptionsError } from '../shared/options-error.js';
import type { Policy } from '../policy/define-policy.js';

/**
 * Options of the HTTP client and SDK adapters (`retryAxios`, `policyRetryStrategy`,
 * `policyRetry`): the call options of `withRetry` that make sense when the client runs the
 * request. `signal` and `attemptTimeoutMs` are left out: each client has its own (axios' `signal`
 * and `timeout`, the SDK's `abortSignal` and request handler timeouts, undici's `signal`,
 * `headersTimeout` and `bodyTimeout`), and the adapters honour those. `rateLimiter` paces every
 * attempt, first or retry, as in `withRetry`: each takes a token before it is sent.
 *
 * @example
 * ```ts
 * const options: HttpAdapterOptions = { budget: retryBudget({ type: 'aws-quota' }), rateLimiter: rateLimiter({ ratePerSecond: 2, burst: 5 }), onGiveUp: (error) => log.warn(error.attempts) };
 * ```
 */
export type HttpAdapterOptions = Pick<RetryOptions, 'clock' | 'random' | 'maxElapsedMs' | 'budget' | 'onAttempt' | 'onRetry' | 'onSuccess' | 'onGiveUp' | 'idempotent' | 'rateLimiter'>;

const ADAPTER_OPTION_KEYS = ['clock', 'random', 'maxElapsedMs', 'budget', 'onAttempt', 'onRetry', 'onSuccess', 'onGiveUp', 'idempotent', 'rateLimiter'] as const satisfies readonly (keyof HttpAdapterOptions)[];
type MissingKeys = Exclude<keyof HttpAdapterOptions, (typeof ADAPTER_OPTION_KEYS)[number]>;
const everyKeyListed: [MissingKeys] extends [never] ? true : MissingKeys = true;
void everyKeyListed;

/**
 * Checks an adapter's policy and options where they are given, as `withRetry` does: a typo
 * (`maxElapsed`) or an option the adapter cannot honour (`signal`) throws an `OptionsError` at
 * once rather than being ignored during an outage.
 *
 * @param where - the adapter's function, for the message
 * @example
 * ```ts
 * const valid = validateAdapterOptions('retryAxios', scraperPolicy, { maxElapsedMs: 60_000 });
 * ```
 */
export function validateAdapterOptions(where: string, policy: Policy, options: HttpAdapterOptions | undefined): HttpAdapterOptions {
  if (policy === null || typeof policy !== 'object' || typeof policy.decide !== 'function' || typeof policy.name !== 'string') {
    throw new OptionsError('policy', policy, 'must be a policy from definePolicy(), such as mwsPolicy or scraperPolicy');
  }
  checkOptionKeys(where, options, ADAPTER_OPTION_KEYS);
  return validateRetryOptions(options, where);
}
