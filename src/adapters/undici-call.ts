import type { Dispatcher } from 'undici';
import type { RetryBudget } from '../budget/retry-budget.js';
import type { RateLimiter } from '../pacing/rate-limiter.js';
import type { Policy } from '../policy/define-policy.js';
import type { Clock } from '../run/clock.js';
import type { AttemptEvent } from '../run/diagnostics.js';
import { handleFailure, type CallContext, type FailureOptions } from '../run/failure-handler.js';
import { isRetryError } from '../run/retry-error.js';
import { sleepUnlessAborted } from '../run/sleep.js';
import { START, type CallState, type RetryStep } from '../run/step.js';
import { waitForToken } from '../run/token-wait.js';
import { channels } from '../shared/channels.js';
import { waitForCoolDown } from './cool-down.js';
import { optionsForMethod } from './idempotent-method.js';
import { AttemptHandler, type AttemptOwner } from './undici-attempt.js';
import { StableController } from './undici-controller.js';

/** What every request through one interceptor shares: made once, when the interceptor is. */
export interface InterceptorSetup {
  readonly policy: Policy;
  readonly clock: Clock;
  readonly budget: RetryBudget | undefined;
  readonly rateLimiter: RateLimiter | undefined;
  readonly byMethod: { readonly given: FailureOptions; readonly unsafe: FailureOptions };
}

/**
 * One request through the interceptor: dispatches attempts, hands each failure to the same
 * step as `withRetry` (handleFailure), waits on the clock, and gives the caller exactly one
 * outcome: the answer that is no failure, the answer the policy stopped on (as the server sent
 * it), the `RetryError` when the policy stopped on a failure without an answer, or the caller's
 * own abort.
 *
 * @example
 * ```ts
 * return new PolicyRetryCall(setup, dispatch, opts, handler).start();
 * ```
 */
export class PolicyRetryCall implements AttemptOwner {
  readonly controller: StableController;
  private readonly startedAt: number;
  private readonly options: FailureOptions;
  private attempt = 0;
  private attemptStartedAt = 0;
  private state: CallState = START;
  /** Aborts the wait between attempts when the caller aborts. */
  private wait: AbortController | undefined;
  private toldStart = false;
  private settled = false;

  constructor(
    private readonly setup: InterceptorSetup,
    private readonly dispatch: Dispatcher.Dispatch,
    private readonly opts: Dispatcher.DispatchOptions,
    readonly downstream: Dispatcher.DispatchHandler,
  ) {
    this.controller = new StableController((reason) => this.wait?.abort(reason));
    this.startedAt = setup.clock.now();
    this.options = optionsForMethod(opts.method, setup.byMethod);
  }

  /** Sends the first attempt: at once, or after the budget's shared cool-down and the rate limiter's token. */
  start(): boolean {
    if (this.setup.budget === undefined && this.setup.rateLimiter === undefined) return this.send();
    void this.waitThenSend(0);
    // The request is taken; undici reads `false` as "busy, wait for drain", which it is not.
    return true;
  }

  attemptStarted(controller: Dispatcher.DispatchController, context: unknown): void {
    this.controller.target = controller;
    this.tellStart(context);
  }

  /** Gives the caller the stable controller, once. */
  private tellStart(context: unknown): void {
    if (this.toldStart) return;
    this.toldStart = true;
    this.downstream.onRequestStart?.(this.controller, context);
  }

  /** The request as the shared failure handler and token wait see it. */
  private context(): CallContext {
    return { policy: this.setup.policy, options: this.options, clock: this.setup.clock, startedAt: this.startedAt };
  }

  answered(): void {
    // A store that fails is the store's to report, not the request's.
    this.setup.budget?.recordSuccess(this.state.budgetTaken).catch(() => undefined);
    this.setup.rateLimiter?.observeSuccess(this.setup.clock.now());
    if (channels.attempt.hasSubscribers) channels.attempt.publish({ policy: this.setup.policy.name, attempt: this.attempt, ok: true } satisfies AttemptEvent);
  }

  failedAnswer(attempt: AttemptHandler): void {
    void this.decide(attempt, attempt.failedAnswer(), true);
  }

  failedError(attempt: AttemptHandler, error: Error): void {
    // The caller's abort is the outcome, not a failure to retry.
    if (this.controller.abortReason !== undefined) return this.fail(error);
    void this.decide(attempt, error, false);
  }

  private send(): boolean {
    this.attempt++;
    this.attemptStartedAt = this.setup.clock.now() - this.startedAt;
    return this.dispatch(this.opts, new AttemptHandler(this));
  }

  private async decide(attempt: AttemptHandler, failed: unknown, answered: boolean): Promise<void> {
    const { clock } = this.setup;
    let retry: RetryStep;
    try {
      const endedAt = clock.now() - this.startedAt;
      retry = await handleFailure(this.context(), this.state, {
        failed,
        returned: answered,
        attempt: this.attempt,
        startedAt: this.attemptStartedAt,
        endedAt,
        timed: true,
      });
    } catch (error) {
      if (this.controller.abortReason !== undefined) {
        attempt.abandon();
        return this.fail(this.controller.abortReason);
      }
      // Stopped: an answer reaches the caller as the server sent it, a failure as the RetryError.
      // (Anything else, a budget store that threw, leaves the attempt's own outcome.)
      if (answered) return attempt.deliver();
      return this.fail(isRetryError(error) ? error : (failed as Error));
    }
    attempt.abandon();
    this.state = retry.state;
    await this.waitThenSend(retry.delayMs);
  }

  /**
   * Waits `delayMs`, any shared cool-down and the rate limiter's token, then sends the next
   * attempt; the caller's abort ends the wait (and gives the token back), a token the call
   * cannot wait for ends it with the `RetryError` (`deadline`, `rate-limited`).
   */
  private async waitThenSend(delayMs: number): Promise<void> {
    const { clock, budget, rateLimiter } = this.setup;
    this.wait = new AbortController();
    // Before the first attempt the caller has no controller yet, so its abort could not reach
    // this wait: hand it the stable one now (the connection's context is undefined anyway).
    this.tellStart(undefined);
    try {
      if (this.controller.abortReason !== undefined) throw this.controller.abortReason;
      if (delayMs > 0) await sleepUnlessAborted(clock, delayMs, this.wait.signal);
      await waitForCoolDown(budget, clock, this.wait.signal);
      if (rateLimiter !== undefined) await waitForToken(this.context(), this.state, this.wait.signal);
    } catch (error) {
      return this.fail(this.controller.abortReason ?? (error as Error));
    } finally {
      this.wait = undefined;
    }
    try {
      this.send();
    } catch (error) {
      this.fail(error as Error);
    }
  }

  private fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.downstream.onResponseError?.(this.controller, error);
  }
}
