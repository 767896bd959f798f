import { giveUpBeforeAttempt, type CallContext } from './failure-handler.js';
import { sleepUnlessAborted } from './sleep.js';
import { admitWait, type CallState } from './step.js';

/**
 * Takes the call's rate-limiter token for its next attempt (first or retry), waiting for it on
 * the call's clock in arrival order (FIFO: the limiter hands out waits, never overtaking), and
 * returns how long it waited (0 at once, or without a `rateLimiter` in `call.options`). The one
 * token wait every runner that starts attempts itself uses (the axios, AWS SDK and undici
 * adapters), so the core's rules hold alike:
 *
 * - a wait the call cannot afford ({@link admitWait}: past `maxElapsedMs`, `deadline`; longer than
 *   the policy's `maxDelayMs`, `rate-limited`) gives the token back and throws the
 *   `RetryError` of {@link giveUpBeforeAttempt} (with the journal in `state`; `onGiveUp` and
 *   `retry-table:giveup` hear of it);
 * - `signal` aborting while it waits gives the token back and rejects with `signal.reason`.
 *
 * What the limiter learns (`observeFailure`, `observeSuccess`) is left to the runner: failures
 * through `handleFailure`, successes where the runner sees them.
 *
 * @param call - the call: its policy, options (`rateLimiter`, `maxElapsedMs`, `onGiveUp`), clock and start
 * @param state - its state so far, for the journal of a give-up
 * @param signal - ends the wait; defaults to `call.options.signal`
 * @returns the ms waited
 * @example
 * ```ts
 * const call: CallContext = { policy, options: { rateLimiter: limiter, maxElapsedMs: 30_000 }, clock, startedAt };
 * const waitedMs = await waitForToken(call, state, request.signal); // throws a RetryError (deadline) past the deadline
 * send(request);
 * ```
 */
export async function waitForToken(call: CallContext, state: CallState, signal: AbortSignal | undefined = call.options.signal): Promise<number> {
  const limiter = call.options.rateLimiter;
  if (limiter === undefined) return 0;
  const { clock } = call;
  const nowMs = clock.now();
  const { waitMs } = await limiter.acquire(nowMs);
  if (waitMs <= 0) return 0;
  const refused = admitWait(waitMs, nowMs - call.startedAt, call.options.maxElapsedMs, call.policy.maxDelayMs);
  if (refused !== undefined) {
    await limiter.release(clock.now());
    throw giveUpBeforeAttempt(call, state, refused, waitMs);
  }
  try {
    await sleepUnlessAborted(clock, waitMs, signal);
  } catch (error) {
    await limiter.release(clock.now());
    throw error;
  }
  return waitMs;
}
