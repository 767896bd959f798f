import type { Failure } from '../failure/failure.js';
import { normalizeFailureEager } from '../failure/normalize.js';
import type { Policy } from '../policy/define-policy.js';
import type { StopReason } from '../policy/decision.js';
import { channels } from '../shared/channels.js';
import { MAX_TIMER_DELAY_MS } from '../shared/limits.js';
import { OptionsError } from '../shared/options-error.js';
import type { Clock } from './clock.js';
import type { AttemptEvent, GiveUpEvent, RetryEvent } from './diagnostics.js';
import { journalRecords, type AttemptRecord, type JournalEntry } from './journal.js';
import { RetryError } from './retry-error.js';
import { sleepUnlessAborted } from './sleep.js';
import type { CallInfo, RetryOptions } from './retry-options.js';
import { admitWait, START, step, type CallState, type RetryStep, type StopStep } from './step.js';

/** The options the driver reads: every runner's, whatever the client adds of its own. */
export type DriverOptions = Pick<
  RetryOptions,
  'random' | 'signal' | 'maxElapsedMs' | 'attemptTimeoutMs' | 'budget' | 'rateLimiter' | 'idempotent' | 'onAttempt' | 'onRetry' | 'onSuccess' | 'onGiveUp'
>;

/** What the gate before an attempt checks next: the shared cool-down, the limiter's token, or nothing (the token is held). */
const COOL_DOWN = 0;
const TOKEN = 1;
const HOLDING_TOKEN = 2;
type Gate = typeof COOL_DOWN | typeof TOKEN | typeof HOLDING_TOKEN;

/**
 * One call, from "the caller asked" to "the call settled", for every runner alike (withRetry and
 * retry, axios, undici, the AWS SDK strategy, BullMQ): the shared cool-down and the rate
 * limiter's token before each attempt, the attempt's time limit (clipped to the deadline), the
 * decision after a failure (normalize, the limiter learns, {@link step}, the budget, the
 * cool-down, the journal), success bookkeeping, and the observer (hooks and diagnostics
 * channels, with the call's id on every event). A runner only translates its client's shape:
 *
 * ```
 * loop: wait = await run.beforeAttempt()   // > 0: sleep it, then ask again; 0: go
 *       limit = run.attemptStarted()       // the attempt's time limit, if any
 *       ok  → run.succeeded(response)      // settle with the value
 *       err → delay = await run.failed(e)  // throws the RetryError on a stop; else sleep delay
 * abort while waiting → await run.abandon()
 * ```
 *
 * Modelled on the AWS SDK's `RetryStrategyV2` token, which every client drives the same way.
 * Nothing here sleeps: each runner sleeps its own way (the engine on its clock's timer heap,
 * BullMQ by parking the job), so the driver holds no timer and no promise between attempts.
 *
 * @example
 * ```ts
 * const run = new CallRun(policy, options, clock, clock.now(), 'req-1');
 * for (;;) {
 *   for (let waitMs = await run.beforeAttempt(); waitMs > 0; waitMs = await run.beforeAttempt()) await clock.sleep(waitMs);
 *   run.attemptStarted();
 *   try {
 *     const value = await send();
 *     run.succeeded(value);
 *     return value;
 *   } catch (error) {
 *     await clock.sleep(await run.failed(error, false)); // a stop throws the RetryError
 *   }
 * }
 * ```
 */
export class CallRun implements CallState {
  previousDelayMs: number | undefined = START.previousDelayMs;
  budgetTaken: number = START.budgetTaken;
  earlier: readonly AttemptRecord[] = START.earlier;
  newest: JournalEntry | undefined = START.newest;
  /** The number of the attempt running, or of the last one (0 before the first). */
  attempt = 0;
  /** When that attempt started, as an offset from the call's start. */
  attemptStartedAt = 0;
  /** Whether that attempt was timed (the engine's fast path runs its first attempt untimed). */
  timed = true;
  private gate: Gate = COOL_DOWN;

  constructor(
    readonly policy: Policy,
    readonly options: DriverOptions,
    readonly clock: Clock,
    /** When the call started, by its clock (a BullMQ job: when it was added). */
    readonly startedAt: number,
    /** Names the call on every hook and event. */
    readonly callId: number | string = nextCallId(),
    state: CallState = START,
  ) {
    if (state !== START) {
      this.previousDelayMs = state.previousDelayMs;
      this.budgetTaken = state.budgetTaken;
      this.earlier = state.earlier;
      this.newest = state.newest;
    }
  }

  /** The call as hooks see it. */
  get info(): CallInfo {
    return { callId: this.callId, policy: this.policy.name, attempt: this.attempt, elapsedMs: this.clock.now() - this.startedAt };
  }

  /**
   * What must happen before the next attempt: 0 to send it now, or a wait in ms (a shared
   * cool-down, then the rate limiter's token), after which the runner asks again. A token the
   * call cannot wait for (past `maxElapsedMs`: `deadline`; longer than the policy's `maxDelayMs`:
   * `rate-limited`) is given back, and the RetryError is thrown (or the promise rejects with it).
   */
  beforeAttempt(): number | Promise<number> {
    const { budget, rateLimiter } = this.options;
    if (this.gate === COOL_DOWN) {
      this.gate = TOKEN;
      if (budget !== undefined) {
        return budget.coolDownUntil(this.clock.now()).then((untilMs) => {
          const waitMs = untilMs - this.clock.now();
          return waitMs > 0 ? Math.min(waitMs, MAX_TIMER_DELAY_MS) : this.beforeAttempt();
        });
      }
    }
    if (this.gate === TOKEN && rateLimiter !== undefined) {
      const nowMs = this.clock.now();
      return rateLimiter.acquire(nowMs).then(({ waitMs }) => {
        if (waitMs <= 0) return (this.gate = COOL_DOWN);
        const refused = admitWait(waitMs, nowMs - this.startedAt, this.options.maxElapsedMs, this.policy.maxDelayMs);
        if (refused === undefined) {
          this.gate = HOLDING_TOKEN;
          return waitMs;
        }
        this.gate = COOL_DOWN;
        return rateLimiter.release(this.clock.now()).then(() => {
          throw this.giveUpBeforeAttempt(refused, waitMs);
        });
      });
    }
    return (this.gate = COOL_DOWN);
  }

  /**
   * {@link beforeAttempt} for runners that await: sleeps each wait on the call's clock until the
   * gate says go, and returns the ms waited. `signal` aborting ends the wait, gives a token taken
   * back, and rejects with its reason.
   */
  async passGate(signal?: AbortSignal): Promise<number> {
    let waitedMs = 0;
    for (let waitMs = await this.beforeAttempt(); waitMs > 0; waitMs = await this.beforeAttempt()) {
      try {
        await sleepUnlessAborted(this.clock, waitMs, signal);
      } catch (error) {
        await this.abandon();
        throw error;
      }
      waitedMs += waitMs;
    }
    return waitedMs;
  }

  /** Whether the wait {@link beforeAttempt} returned is for a token the call now holds (not a cool-down). */
  get holdsToken(): boolean {
    return this.gate === HOLDING_TOKEN;
  }

  /** The call stops while it waits before an attempt (an abort): a token taken for it goes back to the callers behind. */
  abandon(): Promise<void> | undefined {
    if (this.gate !== HOLDING_TOKEN) return undefined;
    this.gate = COOL_DOWN;
    return this.options.rateLimiter!.release(this.clock.now());
  }

  /**
   * An attempt is on its way: numbers it, tells `onAttempt`, and returns its time limit in ms,
   * `attemptTimeoutMs` clipped to what the deadline leaves (undefined: none). {@link cutByDeadline}
   * says which of the two it is.
   */
  attemptStarted(timed = true): number | undefined {
    this.attempt++;
    this.timed = timed;
    const { options } = this;
    const { attemptTimeoutMs, maxElapsedMs, onAttempt } = options;
    let limitMs = attemptTimeoutMs;
    if (timed) {
      const elapsedMs = this.clock.now() - this.startedAt;
      this.attemptStartedAt = elapsedMs;
      if (maxElapsedMs !== undefined) {
        const leftMs = Math.max(0, maxElapsedMs - elapsedMs);
        this.cutByDeadline = limitMs === undefined || leftMs < limitMs;
        if (this.cutByDeadline) limitMs = leftMs;
      }
    }
    if (onAttempt !== undefined) callHook('onAttempt', onAttempt, this.info);
    return limitMs;
  }

  /** Whether the running attempt's time limit is the call's deadline rather than `attemptTimeoutMs`. */
  cutByDeadline = false;

  /**
   * The attempt succeeded: the budget is refunded what the last retry took, the limiter learns
   * (from the response's rate-limit headers, when it reads them), and the observer hears of it.
   */
  succeeded(response?: unknown): void {
    const { budget, rateLimiter, onSuccess } = this.options;
    // A store that fails is the store's to report, not the call's.
    budget?.recordSuccess(this.budgetTaken).catch(() => undefined);
    rateLimiter?.observeSuccess(this.clock.now(), response);
    publishSuccess(this.policy, this.callId, this.attempt);
    if (onSuccess !== undefined) callHook('onSuccess', onSuccess, this.info);
  }

  /**
   * The attempt failed (`returned`: a failed Response came back rather than an error thrown):
   * normalize, let the limiter learn, step, ask the budget, set the cool-down, tell the observer
   * (an async `onRetry` is awaited). Returns the wait before the next attempt, or throws the
   * RetryError. Synchronous when nothing needs waiting for: a thrown error under a policy without
   * budget, limiter or async hook is decided without a promise.
   */
  failed(failed: unknown, returned: boolean): number | Promise<number> {
    const endedAt = this.clock.now() - this.startedAt;
    const found = normalizeFailureEager(failed, { now: this.startedAt + endedAt, signal: this.options.signal, readers: this.policy.readers });
    if (found instanceof Promise) return found.then((failure) => this.observe(failed, returned, failure, endedAt));
    return this.observe(failed, returned, found, endedAt);
  }

  /** The limiter learns from every failure, retried or not: the next call is paced by it too. */
  private observe(failed: unknown, returned: boolean, failure: Failure, endedAt: number): number | Promise<number> {
    const { options, clock } = this;
    options.signal?.throwIfAborted();
    const nowMs = clock.now();
    if (options.rateLimiter === undefined) return this.decide(failed, returned, failure, endedAt, nowMs);
    return options.rateLimiter.observeFailure(failure, nowMs).then(() => this.decide(failed, returned, failure, endedAt, nowMs));
  }

  private decide(failed: unknown, returned: boolean, failure: Failure, endedAt: number, nowMs: number): number | Promise<number> {
    const { policy, options } = this;
    const { budget } = options;
    const random = (options.random ?? Math.random)();
    if (!(random >= 0 && random < 1)) {
      // The user's random() is at fault, not the call: say so, and keep the failure it hid.
      throw Object.assign(new OptionsError('random', random, 'must return a number in [0, 1)'), { cause: failed });
    }
    if (channels.attempt.hasSubscribers) channels.attempt.publish({ policy: policy.name, callId: this.callId, attempt: this.attempt, ok: false, failure } satisfies AttemptEvent);
    const elapsedMs = nowMs - this.startedAt;
    const result = step(policy, this, {
      failure,
      attempt: this.attempt,
      startedAt: this.attemptStartedAt,
      durationMs: this.timed ? endedAt - this.attemptStartedAt : undefined,
      elapsedMs,
      maxElapsedMs: options.maxElapsedMs,
      random,
      nowMs,
      hasBudget: budget !== undefined,
      idempotent: options.idempotent,
      cutByDeadline: this.cutByDeadline,
    });
    if (result.action === 'ask-budget') return budget!.requestRetry(failure).then((grant) => this.conclude(failed, returned, failure, nowMs, result.resume(grant)));
    return this.conclude(failed, returned, failure, nowMs, result);
  }

  private conclude(failed: unknown, returned: boolean, failure: Failure, nowMs: number, result: RetryStep | StopStep): number | Promise<number> {
    if (result.action === 'stop') {
      const { reason, resetsAt, refusedDelayMs } = result;
      throw this.giveUp(new RetryError({ reason, policy: this.policy.name, failure, attempts: journalRecords(result.state, this.startedAt), cause: failed, resetsAt, refusedDelayMs }));
    }
    if (result.coolDownUntil !== undefined) {
      return this.options.budget!.coolDown(result.coolDownUntil, nowMs).then(() => this.retry(failed, returned, failure, nowMs, result));
    }
    return this.retry(failed, returned, failure, nowMs, result);
  }

  /** Keeps the step's state (only that: the step and its decision would be held by every sleeping call) and announces the retry. */
  private retry(failed: unknown, returned: boolean, failure: Failure, nowMs: number, result: RetryStep): number | Promise<number> {
    const { state, decision, delayMs } = result;
    this.previousDelayMs = state.previousDelayMs;
    this.budgetTaken = state.budgetTaken;
    this.newest = state.newest;
    if (returned) discardBody(failed);
    if (channels.retry.hasSubscribers) {
      const event: RetryEvent = { policy: this.policy.name, callId: this.callId, attempt: this.attempt, failure, delayMs, rule: decision.rule.id, source: decision.source };
      channels.retry.publish(event);
    }
    const { onRetry } = this.options;
    if (onRetry === undefined) return delayMs;
    const pending = callHook('onRetry', onRetry, {
      attempt: this.attempt,
      delayMs,
      failure,
      decision,
      error: failed,
      elapsedMs: nowMs - this.startedAt,
      callId: this.callId,
      policy: this.policy.name,
    });
    // An async hook is awaited before the wait begins; it cannot change the outcome (callHook catches it).
    return pending === undefined ? delayMs : pending.then(() => delayMs);
  }

  /**
   * Ends the call before an attempt it could not make in time: the RetryError carries the journal
   * so far and, as its failure, the last attempt's (or, before any attempt, a failure saying none
   * was made). The observer hears of it as of any give-up.
   */
  giveUpBeforeAttempt(reason: StopReason, refusedDelayMs: number): RetryError {
    const attempts = journalRecords(this, this.startedAt);
    const failure: Failure = this.newest?.failure ?? attempts.at(-1) ?? { kind: 'unknown', message: 'no attempt was made: the rate limiter had no token in time' };
    return this.giveUp(new RetryError({ reason, policy: this.policy.name, failure, attempts, cause: undefined, refusedDelayMs }));
  }

  /** Tells `onGiveUp` and the `retry-table:giveup` channel, in the one way every runner does; returns the error to throw. */
  giveUp(error: RetryError): RetryError {
    const { onGiveUp } = this.options;
    if (onGiveUp !== undefined) callHook('onGiveUp', onGiveUp, error, this.info);
    if (channels.giveup.hasSubscribers) channels.giveup.publish({ policy: this.policy.name, callId: this.callId, error } satisfies GiveUpEvent);
    return error;
  }
}

/**
 * The `retry-table:attempt` event of a success: from {@link CallRun.succeeded}, and from the
 * engine's fast path, which has no run (no budget, limiter or hook to tell) and no call id.
 */
export function publishSuccess(policy: Policy, callId: number | string | undefined, attempt: number): void {
  if (channels.attempt.hasSubscribers) channels.attempt.publish({ policy: policy.name, callId, attempt, ok: true } satisfies AttemptEvent);
}

/**
 * Calls a user hook without letting it change the call: a hook that throws, or returns a promise
 * that rejects, is reported as a process warning (never an unhandled rejection), and the call goes
 * on as it would have. Returns the hook's promise, settled either way, when it returned one.
 */
function callHook<A, B>(name: string, hook: (arg: A, second: B) => unknown, arg: A, second?: B): Promise<void> | undefined {
  try {
    const result = hook(arg, second as B);
    if (typeof (result as PromiseLike<unknown> | undefined)?.then !== 'function') return undefined;
    return Promise.resolve(result).then(
      () => undefined,
      (error: unknown) => warnHook(name, error),
    );
  } catch (error) {
    warnHook(name, error);
    return undefined;
  }
}

function warnHook(name: string, error: unknown): void {
  const detail = error instanceof Error ? error.message : String(error);
  globalThis.process?.emitWarning?.(`retry-table: the ${name} hook threw and was ignored: ${detail}`, 'RetryTableHookWarning');
}

/**
 * Frees the connection behind a failed `Response` we are about to retry: undici keeps a socket
 * busy until its body is read or cancelled. The last failed Response is kept unread for the caller.
 */
function discardBody(value: unknown): void {
  try {
    const body = (value as { body?: { cancel?: () => Promise<void> } | null }).body;
    body?.cancel?.().catch(() => undefined);
  } catch {
    // A body that cannot be cancelled is left to the garbage collector.
  }
}

let lastCallId = 0;
/** Call ids in this process: small integers, unique per process. */
function nextCallId(): number {
  return ++lastCallId;
}
