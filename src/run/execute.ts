import type { Failure } from '../failure/failure.js';
import { normalizeFailure } from '../failure/normalize.js';
import { isFailedResponse } from '../failure/response-like.js';
import { RetryError, type AttemptRecord } from './retry-error.js';
import type { StopReason } from '../policy/decision.js';
import type { Policy } from '../policy/define-policy.js';
import { FIRST_ATTEMPT, runAbortableAttempt, runUnabortableAttempt, type AttemptOutcome } from './attempt.js';
import { systemClock, type Clock } from './clock.js';
import { MAX_TIMER_DELAY_MS } from '../shared/limits.js';
import { channels, type AttemptEvent, type GiveUpEvent, type RetryEvent } from './diagnostics.js';
import { callHook } from './hooks.js';
import type { RetryOptions } from './retry-options.js';
import { sleepUnlessAborted } from './sleep.js';

/**
 * The engine behind {@link withRetry} and {@link retry}: call, normalize, decide, record, sleep,
 * repeat. Options must already be validated.
 *
 * Each attempt calls `fn` with `args` (withRetry: the caller's arguments, the same each time) or,
 * when `args` is undefined, with the attempt's context (retry). Taking `fn`, `thisArg` and
 * `args` apart, rather than a closure made per call, keeps the success path lean.
 *
 * Most calls succeed and the wrapper sits on every one of them, so a call without a signal, an
 * attempt timeout, a deadline or a budget runs its first attempt on a fast path: no AbortController, no journal, and
 * no clock reading (a clock read costs more than the rest of the path on these machines). The
 * journal's first record then has no `durationMs`, and its `startedAt` is when the failure was seen.
 */
export function execute<R>(
  policy: Policy,
  options: RetryOptions,
  fn: (...args: any[]) => R,
  thisArg: unknown,
  args: readonly unknown[] | undefined,
): Promise<Awaited<R>> {
  if (options.signal !== undefined || options.attemptTimeoutMs !== undefined || options.maxElapsedMs !== undefined || options.budget !== undefined) {
    return failurePath(policy, options, fn, thisArg, args, undefined);
  }
  let pending: R;
  try {
    pending = args === undefined ? fn(FIRST_ATTEMPT) : Reflect.apply(fn, thisArg, args);
  } catch (error) {
    return failurePath(policy, options, fn, thisArg, args, { ok: false, error });
  }
  // One `then` on the attempt's own promise: cheaper than an async function's promise and await.
  return Promise.resolve(pending).then(
    (value) => {
      if (isFailedResponse(value)) return failurePath(policy, options, fn, thisArg, args, { ok: true, value });
      if (channels.attempt.hasSubscribers) channels.attempt.publish({ policy: policy.name, attempt: 1, ok: true } satisfies AttemptEvent);
      return value;
    },
    (error: unknown) => failurePath(policy, options, fn, thisArg, args, { ok: false, error }),
  ) as Promise<Awaited<R>>;
}

/**
 * The loop once the fast path is left (or never taken): attempt, and after each failure let
 * {@link FailurePath} normalize, decide and record, then sleep. Its state lives in one small
 * object so the suspended frame of every sleeping call stays small.
 */
async function failurePath<R>(
  policy: Policy,
  options: RetryOptions,
  fn: (...args: any[]) => R,
  thisArg: unknown,
  args: readonly unknown[] | undefined,
  firstOutcome: AttemptOutcome | undefined,
): Promise<Awaited<R>> {
  const { signal, attemptTimeoutMs } = options;
  signal?.throwIfAborted();
  let outcome = firstOutcome;
  const run = new FailurePath(policy, options, outcome === undefined);
  for (let attempt = 1; ; attempt++) {
    // Times are kept as offsets from the call's start: small integers, not boxed doubles.
    let startedAt = 0;
    if (outcome === undefined) {
      await run.waitForCoolDown();
      startedAt = run.sinceStart();
      outcome =
        signal === undefined && attemptTimeoutMs === undefined
          ? await runUnabortableAttempt(fn, thisArg, args, attempt)
          : await runAbortableAttempt(fn, thisArg, args, attempt, signal, attemptTimeoutMs, run.clock);
    }
    const endedAt = run.sinceStart();
    signal?.throwIfAborted();
    if (outcome.ok && !isFailedResponse(outcome.value)) {
      run.recordSuccess();
      if (channels.attempt.hasSubscribers) channels.attempt.publish({ policy: policy.name, attempt, ok: true } satisfies AttemptEvent);
      return outcome.value as Awaited<R>;
    }
    const delayMs = await run.afterFailure(outcome, attempt, startedAt, endedAt);
    outcome = undefined;
    // A zero delay means "retry now" (MWS: "you can immediately retry after the first error").
    if (delayMs > 0) await sleepUnlessAborted(run.clock, delayMs, signal);
  }
}

/** The state of one call once an attempt has failed, and what to do after each failure. */
class FailurePath {
  readonly clock: Clock;
  /** When the call started; on the fast path, when its first failure was seen. */
  readonly startedAt: number;
  /** The newest journal entry; entries link to the previous one, so no array is kept. */
  private newest: JournalEntry | undefined;
  private previousDelayMs: number | undefined;
  /** What the budget took for the last retry, refunded by a success (AWS quota). */
  private lastTaken = 0;

  constructor(
    private readonly policy: Policy,
    private readonly options: RetryOptions,
    /** Whether the first attempt was timed (false when it ran on the fast path). */
    private readonly firstTimed: boolean,
  ) {
    this.clock = options.clock ?? systemClock;
    this.startedAt = this.clock.now();
  }

  /** Waits out a cool-down set through the budget by any call sharing it. */
  async waitForCoolDown(): Promise<void> {
    const { budget, signal } = this.options;
    if (budget === undefined) return;
    const waitMs = (await budget.coolDownUntil()) - this.clock.now();
    if (waitMs > 0) await sleepUnlessAborted(this.clock, Math.min(waitMs, MAX_TIMER_DELAY_MS), signal);
  }

  /** Credits the budget for a success; a store that fails is the store's to report, not the call's. */
  recordSuccess(): void {
    this.options.budget?.recordSuccess(this.lastTaken).catch(() => undefined);
  }

  /** Milliseconds since the call started, by its clock. */
  sinceStart(): number {
    return this.clock.now() - this.startedAt;
  }

  /**
   * Normalizes, decides and records a failed attempt; returns the wait before the next one, or
   * throws the RetryError. `startedAt` and `endedAt` are offsets from the call's start.
   */
  async afterFailure(outcome: AttemptOutcome, attempt: number, startedAt: number, endedAt: number): Promise<number> {
    const { policy, options } = this;
    const { signal } = options;
    const failed = outcome.ok ? outcome.value : outcome.error;
    const failure = await normalizeFailure(failed, { now: this.startedAt + endedAt, signal });
    signal?.throwIfAborted();
    const elapsedMs = this.sinceStart();
    const random = (options.random ?? Math.random)();
    const decision = policy.decide(failure, { attempt, elapsedMs, maxElapsedMs: options.maxElapsedMs, random, previousDelayMs: this.previousDelayMs });
    if (channels.attempt.hasSubscribers) channels.attempt.publish({ policy: policy.name, attempt, ok: false, failure } satisfies AttemptEvent);
    // The policy's verdict, then the budget's: a retry it refuses stops the call.
    let stop: { reason: StopReason; resetsAt?: number; refusedDelayMs?: number } | undefined =
      decision.action === 'stop' ? { reason: decision.reason, resetsAt: decision.resetsAt, refusedDelayMs: decision.refusedDelayMs } : undefined;
    if (decision.action === 'retry' && options.budget !== undefined) {
      const grant = await options.budget.requestRetry(failure);
      if (grant.allowed) this.lastTaken = grant.taken;
      else stop = { reason: 'budget-exhausted' };
    }
    const timed = attempt > 1 || this.firstTimed;
    this.newest = {
      failure,
      // The decision's parts, not the decision: a retry decision is a fresh object per attempt.
      rule: decision.rule?.id,
      delayMs: stop === undefined && decision.action === 'retry' ? decision.delayMs : undefined,
      reason: stop?.reason,
      startedAt,
      durationMs: timed ? endedAt - startedAt : undefined,
      previous: this.newest,
    };

    if (stop !== undefined || decision.action !== 'retry') {
      const { reason, resetsAt, refusedDelayMs } = stop ?? { reason: 'not-retryable' as const };
      const error = new RetryError({ reason, policy: policy.name, failure, attempts: this.records(), cause: failed, resetsAt, refusedDelayMs });
      callHook('onGiveUp', options.onGiveUp, error);
      if (channels.giveup.hasSubscribers) channels.giveup.publish({ policy: policy.name, error } satisfies GiveUpEvent);
      throw error;
    }
    if (decision.rule.coolDown && options.budget !== undefined && decision.source !== 'schedule') {
      // Every call sharing the budget waits out the server's hint, not only this one.
      const hintMs = decision.source === 'retry-after' ? failure.retryAfterMs : failure.quota?.resetsInMs;
      if (hintMs !== undefined) await options.budget.coolDown(this.clock.now() + hintMs);
    }
    callHook('onRetry', options.onRetry, { attempt, delayMs: decision.delayMs, failure, decision, error: failed, elapsedMs });
    if (channels.retry.hasSubscribers) {
      const event: RetryEvent = { policy: policy.name, attempt, failure, delayMs: decision.delayMs, rule: decision.rule.id, source: decision.source };
      channels.retry.publish(event);
    }
    if (outcome.ok) discardBody(outcome.value);
    this.previousDelayMs = decision.delayMs;
    return decision.delayMs;
  }

  /** The journal as flat records, oldest first. */
  private records(): AttemptRecord[] {
    const entries: JournalEntry[] = [];
    for (let entry = this.newest; entry !== undefined; entry = entry.previous) entries.unshift(entry);
    return entries.map((entry, index) => toRecord(entry, index + 1, this.startedAt));
  }
}

/** What the loop keeps per attempt while it runs. */
interface JournalEntry {
  readonly failure: Failure;
  readonly rule: string | undefined;
  /** Set for a retry. */
  readonly delayMs: number | undefined;
  /** Set for a stop. */
  readonly reason: StopReason | undefined;
  /** Offset from the call's start. */
  readonly startedAt: number;
  readonly durationMs: number | undefined;
  readonly previous: JournalEntry | undefined;
}

function toRecord(entry: JournalEntry, attempt: number, callStartedAt: number): AttemptRecord {
  const { failure, durationMs } = entry;
  // One literal with every field, not a spread of the failure: a fixed shape is several times
  // cheaper to build, and undefined fields vanish in JSON anyway.
  return {
    attempt,
    startedAt: callStartedAt + entry.startedAt,
    // A clock that went backwards must not produce a negative duration.
    durationMs: durationMs === undefined ? undefined : durationMs > 0 ? durationMs : 0,
    kind: failure.kind,
    status: failure.status,
    code: failure.code,
    message: failure.message,
    requestId: failure.requestId,
    timestamp: failure.timestamp,
    retryAfterMs: failure.retryAfterMs,
    quota: failure.quota,
    action: entry.reason === undefined ? 'retry' : 'stop',
    delayMs: entry.delayMs,
    reason: entry.reason,
    rule: entry.rule,
  };
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
