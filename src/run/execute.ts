import type { Failure } from '../failure/failure.js';
import { normalizeFailure } from '../failure/normalize.js';
import { isFailedResponse } from '../failure/response-like.js';
import { RetryError, type AttemptRecord } from '../errors/retry-error.js';
import type { Decision, StopReason } from '../policy/decision.js';
import type { Policy } from '../policy/define-policy.js';
import { FIRST_ATTEMPT, runAbortableAttempt, runUnabortableAttempt, type AttemptContext, type AttemptOutcome } from './attempt.js';
import { systemClock } from './clock.js';
import { callHook } from './hooks.js';
import type { RetryOptions } from './retry-options.js';
import { sleepUnlessAborted } from './sleep.js';

/**
 * The engine behind {@link withRetry} and {@link retry}: call, normalize, decide, record, sleep,
 * repeat. Options must already be validated.
 *
 * Each attempt calls `fn` with `args` (withRetry: the caller's arguments, the same each time) or,
 * when `args` is undefined, with the attempt's context (retry). Taking `fn`, `thisArg` and
 * `args` apart, rather than a closure, keeps the success path free of allocations.
 *
 * Most calls succeed and the wrapper sits on every one of them, so a call that cannot be aborted
 * and has no deadline runs its first attempt on a fast path: no AbortController, no journal, and
 * no clock reading (a clock read costs more than the rest of the path on these machines). The
 * journal's first record then has no `durationMs`, and its `startedAt` is when the failure was seen.
 */
export function execute<R>(
  policy: Policy,
  options: RetryOptions,
  fn: (...args: any[]) => R,
  thisArg: unknown,
  args: unknown[] | undefined,
): Promise<Awaited<R>> {
  if (options.signal !== undefined || options.attemptTimeoutMs !== undefined || options.maxElapsedMs !== undefined) {
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    return retryLoop(policy, attemptsOf(fn, thisArg, args), options, undefined);
  }
  let pending: R;
  try {
    pending = args === undefined ? fn(FIRST_ATTEMPT) : fn.apply(thisArg, args);
  } catch (error) {
    return retryLoop(policy, attemptsOf(fn, thisArg, args), options, { ok: false, error });
  }
  // One `then` on the attempt's own promise: cheaper than an async function's promise and await.
  return Promise.resolve(pending).then(
    (value) => (isFailedResponse(value) ? retryLoop(policy, attemptsOf(fn, thisArg, args), options, { ok: true, value }) : value),
    (error: unknown) => retryLoop(policy, attemptsOf(fn, thisArg, args), options, { ok: false, error }),
  ) as Promise<Awaited<R>>;
}

function attemptsOf<R>(fn: (...args: any[]) => R, thisArg: unknown, args: unknown[] | undefined): (ctx: AttemptContext) => R {
  return args === undefined ? (ctx) => fn.call(thisArg, ctx) : () => fn.apply(thisArg, args);
}

async function retryLoop<T>(
  policy: Policy,
  attemptFn: (ctx: AttemptContext) => T,
  options: RetryOptions,
  firstOutcome: AttemptOutcome | undefined,
): Promise<Awaited<T>> {
  const { signal, maxElapsedMs, attemptTimeoutMs } = options;
  const clock = options.clock ?? systemClock;
  // On the fast path the first attempt is over: its failure is the earliest moment we know of.
  const callStartedAt = clock.now();
  const random = options.random ?? Math.random;
  // Compact entries while the call runs; the flat records are built only if it gives up.
  const journal: JournalEntry[] = [];
  let previousDelayMs: number | undefined;

  for (let attempt = 1; ; attempt++) {
    const startedAt = attempt === 1 ? callStartedAt : clock.now();
    const timed = attempt > 1 || firstOutcome === undefined;
    const outcome =
      attempt === 1 && firstOutcome !== undefined
        ? firstOutcome
        : signal === undefined && attemptTimeoutMs === undefined
          ? await runUnabortableAttempt(attemptFn, attempt)
          : await runAbortableAttempt(attemptFn, attempt, signal, attemptTimeoutMs, clock);
    const endedAt = clock.now();
    signal?.throwIfAborted();
    if (outcome.ok && !isFailedResponse(outcome.value)) return outcome.value as Awaited<T>;

    const failed = outcome.ok ? outcome.value : outcome.error;
    const failure = await normalizeFailure(failed, { now: endedAt, signal });
    signal?.throwIfAborted();
    const elapsedMs = clock.now() - callStartedAt;
    const decision = policy.decide(failure, { attempt, elapsedMs, maxElapsedMs, random: random(), previousDelayMs });
    journal.push({ failure, decision, startedAt, durationMs: timed ? endedAt - startedAt : undefined });

    if (decision.action === 'stop') {
      const error = new RetryError({
        reason: decision.reason,
        policy: policy.name,
        failure,
        attempts: journal.map(toRecord),
        cause: failed,
        resetsAt: decision.resetsAt,
        refusedDelayMs: decision.refusedDelayMs,
      });
      callHook('onGiveUp', options.onGiveUp, error);
      throw error;
    }
    callHook('onRetry', options.onRetry, { attempt, delayMs: decision.delayMs, failure, decision, error: failed, elapsedMs });
    if (outcome.ok) discardBody(outcome.value);
    // A zero delay means "retry now" (MWS: "you can immediately retry after the first error").
    if (decision.delayMs > 0) await sleepUnlessAborted(clock, decision.delayMs, signal);
    previousDelayMs = decision.delayMs;
  }
}

/** What the loop keeps per attempt while it runs. */
interface JournalEntry {
  readonly failure: Failure;
  readonly decision: Decision;
  readonly startedAt: number;
  readonly durationMs: number | undefined;
}

function toRecord({ failure, decision, startedAt, durationMs }: JournalEntry, index: number): AttemptRecord {
  // One literal with every field, not a spread of the failure: a fixed shape is several times
  // cheaper to build, and undefined fields vanish in JSON anyway.
  const entry = {
    attempt: index + 1,
    startedAt,
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
    action: decision.action,
    delayMs: undefined as number | undefined,
    reason: undefined as StopReason | undefined,
    rule: decision.rule?.id,
  };
  switch (decision.action) {
    case 'retry':
      entry.delayMs = decision.delayMs;
      return entry;
    case 'stop':
      entry.reason = decision.reason;
      return entry;
    default:
      return unreachable(decision);
  }
}

/** Exhaustiveness: a new Decision variant fails to compile here until it is handled. */
function unreachable(value: never): never {
  throw new Error(`unhandled decision ${JSON.stringify(value)}`);
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
