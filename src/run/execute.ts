import { match } from 'ts-pattern';
import type { Failure } from '../failure/failure.js';
import { normalizeFailure } from '../failure/normalize.js';
import { isFailedResponse } from '../failure/response-like.js';
import { RetryError, type AttemptRecord } from '../errors/retry-error.js';
import type { Decision } from '../policy/decision.js';
import type { Policy } from '../policy/define-policy.js';
import { runAbortableAttempt, UnabortableAttempt, type AttemptContext, type AttemptOutcome } from './attempt.js';
import { systemClock, type Clock } from './clock.js';
import { callHook } from './hooks.js';
import type { RetryOptions } from './retry-options.js';
import { sleepUnlessAborted } from './sleep.js';

/**
 * The engine behind {@link withRetry} and {@link retry}: call, normalize, decide, record, sleep,
 * repeat. Options must already be validated.
 *
 * The first attempt of a call that cannot be aborted runs on a fast path (no AbortController, no
 * journal, one `then`), because most calls succeed and the wrapper sits on every one of them.
 */
export function execute<T>(
  policy: Policy,
  attemptFn: (ctx: AttemptContext) => T | PromiseLike<T>,
  options: RetryOptions,
): Promise<Awaited<T>> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  if (signal !== undefined || options.attemptTimeoutMs !== undefined) {
    return retryLoop(policy, attemptFn, options, clock, startedAt, undefined);
  }
  let pending: T | PromiseLike<T>;
  try {
    pending = attemptFn(new UnabortableAttempt(1));
  } catch (error) {
    return retryLoop(policy, attemptFn, options, clock, startedAt, { ok: false, error });
  }
  return Promise.resolve(pending).then(
    (value) =>
      isFailedResponse(value) ? retryLoop(policy, attemptFn, options, clock, startedAt, { ok: true, value }) : value,
    (error: unknown) => retryLoop(policy, attemptFn, options, clock, startedAt, { ok: false, error }),
  ) as Promise<Awaited<T>>;
}

async function retryLoop<T>(
  policy: Policy,
  attemptFn: (ctx: AttemptContext) => T | PromiseLike<T>,
  options: RetryOptions,
  clock: Clock,
  callStartedAt: number,
  firstOutcome: AttemptOutcome | undefined,
): Promise<Awaited<T>> {
  const { signal, maxElapsedMs, attemptTimeoutMs } = options;
  const random = options.random ?? Math.random;
  const journal: AttemptRecord[] = [];
  let previousDelayMs: number | undefined;

  for (let attempt = 1; ; attempt++) {
    const startedAt = attempt === 1 ? callStartedAt : clock.now();
    const outcome =
      attempt === 1 && firstOutcome !== undefined
        ? firstOutcome
        : await runAbortableAttempt(attemptFn, attempt, signal, attemptTimeoutMs, clock);
    const endedAt = clock.now();
    signal?.throwIfAborted();
    if (outcome.ok && !isFailedResponse(outcome.value)) return outcome.value as Awaited<T>;

    const failed = outcome.ok ? outcome.value : outcome.error;
    const failure = await normalizeFailure(failed, { now: endedAt, signal });
    signal?.throwIfAborted();
    const elapsedMs = clock.now() - callStartedAt;
    const decision = policy.decide(failure, { attempt, elapsedMs, maxElapsedMs, random: random(), previousDelayMs });
    journal.push(record(attempt, startedAt, endedAt, failure, decision));

    if (decision.action === 'stop') {
      const error = new RetryError({
        reason: decision.reason,
        policy: policy.name,
        failure,
        attempts: journal,
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

function record(attempt: number, startedAt: number, endedAt: number, failure: Failure, decision: Decision): AttemptRecord {
  const durationMs = endedAt - startedAt > 0 ? endedAt - startedAt : 0;
  return match(decision)
    .returnType<AttemptRecord>()
    .with({ action: 'retry' }, (d) => ({ ...failure, attempt, startedAt, durationMs, action: 'retry', delayMs: d.delayMs, rule: d.rule.id }))
    .with({ action: 'stop' }, (d) => ({ ...failure, attempt, startedAt, durationMs, action: 'stop', reason: d.reason, rule: d.rule?.id }))
    .exhaustive();
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
