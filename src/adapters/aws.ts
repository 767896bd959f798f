import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import type { Policy } from '../policy/define-policy.js';
import { CallRun } from '../run/call-run.js';
import { systemClock } from '../run/clock.js';
import { isRetryError, type RetryError } from '../run/retry-error.js';
import { validateAdapterOptions, type HttpAdapterOptions } from './adapter-options.js';

/**
 * Options of {@link policyRetryStrategy}: those of `withRetry` that make sense inside an AWS SDK
 * client. Validated where given; an unknown key throws an `OptionsError`. The SDK's own
 * `abortSignal` (per command) and request handler timeouts are honoured by the SDK.
 *
 * `rateLimiter` paces the client's commands: every attempt, first or retry, takes a token before
 * it is sent (in arrival order; the wait counts in `$metadata.totalRetryDelay`). A wait past
 * `maxElapsedMs` stops with `deadline`, one longer than the policy's `maxDelayMs` with
 * `rate-limited`: before the first attempt the command rejects with that `RetryError`, before a
 * retry with the service's last error (the `RetryError` from {@link retryErrorOf}). The limiter
 * learns from every failure (a 429 or `ThrottlingException`, `x-amzn-RateLimit-Limit`) and
 * success. The SDK does not hand a strategy the command's `abortSignal`: an abort ends the
 * command at once (SDKs since `@smithy/core` 3.x race the strategy against it), but a token wait
 * already begun runs out, and its token is spent.
 *
 * @example
 * ```ts
 * const options: PolicyRetryStrategyOptions = { budget: retryBudget({ type: 'aws-quota' }), maxElapsedMs: 20_000 };
 * ```
 */
export type PolicyRetryStrategyOptions = HttpAdapterOptions;
export type { HttpAdapterOptions } from './adapter-options.js';

/**
 * One command's retry state, carried by the SDK from attempt to attempt: the token is the only
 * thing the middleware hands back, so the command's run lives on it. A new token per attempt, so a
 * strategy shared by every command of a client keeps no per-call state itself.
 */
class PolicyRetryToken implements RetryToken {
  /**
   * What the strategy already waited for this attempt: the SDK adds it to `$metadata.totalRetryDelay`
   * (smithy's own StandardRetryStrategy waits inside the strategy and reports it the same way).
   */
  readonly $retryLog: { acquisitionDelay: number };
  /** The 1-based number of the attempt this token is for. */
  private readonly attempt: number;
  constructor(
    readonly run: CallRun,
    waitedMs: number,
  ) {
    this.attempt = run.attempt;
    this.$retryLog = { acquisitionDelay: waitedMs };
  }

  getRetryCount(): number {
    return this.attempt - 1;
  }

  /** Always 0: the strategy has waited already, on its clock (so a TestClock drives it). */
  getRetryDelay(): number {
    return 0;
  }
}

/** The RetryError each command gave up with, by the SDK error it rejected with. */
const giveUps = new WeakMap<object, RetryError>();

/**
 * An AWS SDK v3 retry strategy driven by a policy: `new DynamoDBClient({ retryStrategy:
 * policyRetryStrategy(policy) })` retries per the table instead of the SDK's own throttling and
 * transient-error lists. Each failed attempt's error (the service exception: its code is its
 * `name`, the status and request id are in `$metadata`) goes through the same step as
 * `withRetry`: `budget`, `rateLimiter`, `onRetry` / `onGiveUp`, the diagnostics channels, the
 * clock and `idempotent` behave as there. The strategy waits on its clock and hands the SDK a token with no
 * delay left (as smithy's own strategies do), so `$metadata.totalRetryDelay` counts the waits.
 *
 * The policy's `maxAttempts` is the limit; the client's `maxAttempts` then only fills the
 * `amz-sdk-request` header, so set it to the policy's. When the policy stops, the command rejects
 * with the service's own error, as it would without retries (the SDK rethrows it, with
 * `$metadata.attempts`); the `RetryError` with the journal reaches `onGiveUp`, the
 * `retry-table:giveup` channel and {@link retryErrorOf}.
 *
 * @param policy - the policy deciding every command's retries
 * @param options - budget, rate limiter, clock, jitter source, deadline, hooks, idempotent
 * @example
 * ```ts
 * import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
 * import { definePolicy } from 'retry-table';
 * import { policyRetryStrategy } from 'retry-table/aws';
 * const dynamoPolicy = definePolicy({
 *   name: 'dynamodb', maxAttempts: 4, schedule: { type: 'exponential', baseMs: 50, capMs: 5000 }, jitter: 'full',
 *   rules: [
 *     { match: { code: ['ThrottlingException', 'ProvisionedThroughputExceededException'] }, retry: true },
 *     { match: { status: '5xx' }, retry: true },
 *     { match: { kind: ['network', 'timeout'] }, retry: true },
 *     { match: {}, retry: false },
 *   ],
 * });
 * const client = new DynamoDBClient({ maxAttempts: dynamoPolicy.maxAttempts, retryStrategy: policyRetryStrategy(dynamoPolicy) });
 * await client.send(new GetItemCommand({ TableName: 'orders', Key: { id: { S: '42' } } }));
 * ```
 */
export function policyRetryStrategy(policy: Policy, options?: PolicyRetryStrategyOptions): RetryStrategyV2 {
  const valid = validateAdapterOptions('policyRetryStrategy', policy, options);
  const clock = valid.clock ?? systemClock;

  return {
    async acquireInitialRetryToken(): Promise<RetryToken> {
      const run = new CallRun(policy, valid, clock, clock.now());
      // Refused, the RetryError is the command's rejection: no attempt was made, so no SDK error exists.
      const waitedMs = await run.passGate();
      run.attemptStarted();
      return new PolicyRetryToken(run, waitedMs);
    },

    async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
      // A token from another strategy: nothing to step from, so no retry.
      if (!(token instanceof PolicyRetryToken)) throw errorInfo.error;
      const { run } = token;
      try {
        const delayMs = await run.failed(errorInfo.error, false);
        if (delayMs > 0) await clock.sleep(delayMs);
        const waitedMs = delayMs + (await run.passGate());
        run.attemptStarted();
        return new PolicyRetryToken(run, waitedMs);
      } catch (error) {
        // The SDK rethrows its own error whatever we throw: keep the RetryError findable from it.
        if (isRetryError(error) && typeof errorInfo.error === 'object' && errorInfo.error !== null) giveUps.set(errorInfo.error, error);
        throw error;
      }
    },

    recordSuccess(token: RetryToken): void {
      if (token instanceof PolicyRetryToken) token.run.succeeded();
    },
  };
}

/**
 * The `RetryError` a command gave up with under {@link policyRetryStrategy}, found from the
 * service error the command rejected with: its reason and the journal of every attempt (status,
 * code, request id, the delays); the error itself when the command rejected with the `RetryError`
 * (a rate limiter refused its first attempt). Undefined for an error the strategy did not stop on (a
 * non-retried streaming request, an abort, another client's error).
 *
 * @param error - what `client.send` rejected with
 * @example
 * ```ts
 * try {
 *   await client.send(new GetItemCommand(input));
 * } catch (error) {
 *   const gaveUp = retryErrorOf(error);
 *   if (gaveUp !== undefined) console.error(gaveUp.reason, gaveUp.attempts.map((a) => a.requestId));
 *   throw error;
 * }
 * ```
 */
export function retryErrorOf(error: unknown): RetryError | undefined {
  // A command refused a token before its first attempt rejects with the RetryError itself.
  if (isRetryError(error)) return error;
  return typeof error === 'object' && error !== null ? giveUps.get(error) : undefined;
}
