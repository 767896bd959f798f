import type { Dispatcher } from 'undici';
import type { Policy } from '../policy/define-policy.js';
import { CallRun, type DriverOptions } from '../run/call-run.js';
import type { Clock } from '../run/clock.js';
import { isRetryError } from '../run/retry-error.js';
import { sleepUnlessAborted } from '../run/sleep.js';
import { optionsForMethod } from './idempotent-method.js';
import { AttemptHandler, type AttemptOwner, type Resume } from './undici-attempt.js';
import { StableController } from './undici-controller.js';

/** What every request through one interceptor shares: made once, when the interceptor is. */
export interface InterceptorSetup {
  readonly policy: Policy;
  readonly clock: Clock;
  readonly byMethod: { readonly given: DriverOptions; readonly unsafe: DriverOptions };
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
  private readonly run: CallRun;
  /**
   * The context the caller is given, once, when its request starts: filled with each attempt's
   * (a redirect interceptor's history, say), so what the dispatchers this one wraps say reaches
   * the caller even when the first attempt waited for a token and the caller had to be told first.
   */
  private readonly context: Record<string, unknown> = {};
  /** Aborts the wait between attempts when the caller aborts. */
  private wait: AbortController | undefined;
  private toldStart = false;
  private settled = false;

  constructor(
    setup: InterceptorSetup,
    private readonly dispatch: Dispatcher.Dispatch,
    private readonly opts: Dispatcher.DispatchOptions,
    readonly downstream: Dispatcher.DispatchHandler,
  ) {
    this.controller = new StableController((reason) => this.wait?.abort(reason));
    this.run = new CallRun(setup.policy, optionsForMethod(opts.method, setup.byMethod), setup.clock, setup.clock.now());
  }

  /** Sends the first attempt: at once, or after the budget's shared cool-down and the rate limiter's token. */
  start(): boolean {
    const { budget, rateLimiter } = this.run.options;
    if (budget === undefined && rateLimiter === undefined) return this.send();
    void this.waitThenSend(0);
    // The request is taken; undici reads `false` as "busy, wait for drain", which it is not.
    return true;
  }

  attemptStarted(controller: Dispatcher.DispatchController, context: unknown): void {
    this.controller.target = controller;
    if (typeof context === 'object' && context !== null) Object.assign(this.context, context);
    this.tellStart();
  }

  /** Gives the caller the stable controller and context, once. */
  private tellStart(): void {
    if (this.toldStart) return;
    this.toldStart = true;
    this.downstream.onRequestStart?.(this.controller, this.context);
  }

  answered(): void {
    this.run.succeeded();
  }

  failedAnswer(attempt: AttemptHandler): void {
    void this.decide(attempt, attempt.failedAnswer(), true);
  }

  failedError(attempt: AttemptHandler, error: Error): void {
    // The caller's abort is the outcome, not a failure to retry.
    if (this.controller.abortReason !== undefined) return this.fail(error);
    void this.decide(attempt, error, false);
  }

  /**
   * The answer streaming to the caller broke off: when it can be resumed and the policy retries
   * the failure, the rest is fetched with a Range request; otherwise the caller gets the error.
   */
  brokeOff(_attempt: AttemptHandler, error: Error, resume: Resume | undefined): void {
    if (resume === undefined || this.controller.abortReason !== undefined) return this.fail(error);
    void this.resumeAfter(error, resume);
  }

  private async resumeAfter(error: Error, resume: Resume): Promise<void> {
    let delayMs: number;
    try {
      delayMs = await this.run.failed(error, false);
    } catch (stopped) {
      return this.fail(this.controller.abortReason ?? (isRetryError(stopped) ? stopped : error));
    }
    await this.waitThenSend(delayMs, resume);
  }

  private send(resume?: Resume): boolean {
    this.run.attemptStarted();
    if (resume === undefined) return this.dispatch(this.opts, new AttemptHandler(this));
    const range = { range: `bytes=${resume.start}-${resume.end ?? ''}`, 'if-match': resume.etag };
    const given = this.opts.headers;
    // Headers as a flat [name, value, ...] list or an object (what undici accepts besides iterables).
    const headers = Array.isArray(given) ? [...given, ...Object.entries(range).flat()] : { ...(given as Record<string, string> | undefined), ...range };
    return this.dispatch({ ...this.opts, headers }, new AttemptHandler(this, resume));
  }

  private async decide(attempt: AttemptHandler, failed: unknown, answered: boolean): Promise<void> {
    let delayMs: number;
    try {
      delayMs = await this.run.failed(failed, answered);
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
    await this.waitThenSend(delayMs);
  }

  /**
   * Waits `delayMs`, then passes the run's gate (any shared cool-down, the rate limiter's token),
   * then sends the next attempt; the caller's abort ends the wait (and gives the token back), a
   * token the call cannot wait for ends it with the `RetryError` (`deadline`, `rate-limited`).
   */
  private async waitThenSend(delayMs: number, resume?: Resume): Promise<void> {
    this.wait = new AbortController();
    // Before the first attempt the caller has no controller yet, so its abort could not reach
    // this wait: hand it the stable one now (its context is filled as attempts start).
    this.tellStart();
    try {
      if (this.controller.abortReason !== undefined) throw this.controller.abortReason;
      if (delayMs > 0) await sleepUnlessAborted(this.run.clock, delayMs, this.wait.signal);
      await this.run.passGate(this.wait.signal);
    } catch (error) {
      return this.fail(this.controller.abortReason ?? (error as Error));
    } finally {
      this.wait = undefined;
    }
    try {
      this.send(resume);
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
