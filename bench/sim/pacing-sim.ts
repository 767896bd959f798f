import { MemoryRateLimiterStore, normalizeFailure, rateLimiter, SP_API_USAGE_PLANS, spApiPolicy, type Failure, type StopReason, type UsagePlan } from '../../src/index.js';
import { admitWait } from '../../src/run/step.js';
import { AsyncEventQueue } from './pacing-queue.js';
import { PlanServer } from './pacing-server.js';
import { normal, seededRandom } from './prng.js';

/**
 * N clients against one SP-API usage plan, each making calls back to back, every call decided by
 * `spApiPolicy.decide()`. `retry-only`: a 429 waits the policy's delay. `paced`: as withRetry does
 * with a `rateLimiter`, every attempt first takes a token from one limiter shared by all clients
 * (the library's own, on a MemoryRateLimiterStore, on the simulation's virtual clock), a 429 is
 * reported to it (`observeFailure`) before the policy's delay, a success too (`observeSuccess`).
 */
export type Mode = 'paced' | 'retry-only';
export const MODES: readonly Mode[] = ['paced', 'retry-only'];

/**
 * getOrderItems' documented plan (0.5/s, burst 30): the plan spApiPolicy's 429 backoff (2 s, 4 s,
 * 8 s, 16 s) was chosen for. Its slowness costs nothing here, since virtual time is free.
 */
export const PLAN: UsagePlan = { ratePerSecond: SP_API_USAGE_PLANS.getOrderItems.ratePerSecond, burst: SP_API_USAGE_PLANS.getOrderItems.burst };
/** One way across the network: |normal(100 ms, sd 20 ms)| unless told otherwise. */
export const HOP_MEAN_MS = 100;
const HOP_SD_MS = 20;

export interface PacingOptions {
  readonly clients: number;
  readonly mode: Mode;
  /**
   * Virtual seconds simulated, all measured: from the full bucket at t = 0 on, so the moment the
   * burst runs out (where a limiter can first be wrong) is in the figures. @defaultValue 3600
   */
  readonly durationS?: number;
  /** The spread of one network hop, ms: 0 for a network that never varies. @defaultValue 20 */
  readonly hopSdMs?: number;
  readonly seed?: number;
}

/** What happened in the simulated window [0, duration]. */
export interface PacingResult {
  /** Attempts sent. */
  readonly requests: number;
  /** Attempts answered 429. */
  readonly throttled: number;
  readonly succeeded: number;
  /** Calls that stopped without success, by reason (attempts-exhausted, rate-limited). */
  readonly gaveUp: Partial<Record<StopReason, number>>;
  /** When each 429 reached its client, ms. */
  readonly throttledAtMs: readonly number[];
  /** Durations of successful calls, start to answer, ms, sorted. */
  readonly latenciesMs: readonly number[];
  /**
   * Successful calls over the most the plan allows in the window, burst + rate · duration: the
   * plan's rate with the full bucket it starts with counted, so 1 is the ceiling.
   */
  readonly goodput: number;
  /** The limiter's rate at the end (paced only): where learning from 429s left it. */
  readonly finalRatePerSecond?: number;
}

/**
 * The 429 SP-API sends (its documented body; no `x-amzn-RateLimit-Limit`, which Amazon says not
 * to depend on), normalized once by the library as withRetry would normalize it.
 */
const quotaExceeded: Promise<Failure> = normalizeFailure(
  new Response(JSON.stringify({ errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.', details: '' }] }), {
    status: 429,
    headers: { 'content-type': 'application/json', 'x-amzn-RequestId': 'sim' },
  }),
  { now: 0, readers: spApiPolicy.readers },
);

/** One seeded run of `clients` clients in `mode`; the same seed gives the same figures. */
export async function simulatePacing(options: PacingOptions): Promise<PacingResult> {
  const { clients, mode, durationS = 3600, hopSdMs = HOP_SD_MS, seed = 1 } = options;
  const failure = await quotaExceeded;
  const endMs = durationS * 1000;
  const random = seededRandom(seed * 1_000_003 + clients);
  const hop = (): number => Math.abs(normal(random, HOP_MEAN_MS, hopSdMs));
  const queue = new AsyncEventQueue();
  const server = new PlanServer(PLAN);
  const limiter = mode === 'paced' ? rateLimiter(PLAN, { key: 'getOrderItems:seller', store: new MemoryRateLimiterStore() }) : undefined;
  let requests = 0;
  const throttledAtMs: number[] = [];
  const gaveUp: Partial<Record<StopReason, number>> = {};
  const latenciesMs: number[] = [];

  const startCall = (): void => {
    const startedAt = queue.now;
    let attempt = 0;
    let previousDelayMs: number | undefined;

    const stop = (reason: StopReason): void => {
      gaveUp[reason] = (gaveUp[reason] ?? 0) + 1;
      startCall();
    };
    const send = (): void => {
      attempt++;
      requests++;
      queue.at(queue.now + hop(), () => {
        const served = server.admit(queue.now);
        queue.at(queue.now + hop(), served ? succeed : onThrottled);
      });
    };
    // Before every attempt, first or retry: withRetry's waitForToken.
    const beginAttempt = async (): Promise<void> => {
      if (limiter === undefined) return send();
      const { waitMs } = await limiter.acquire(queue.now);
      const refused = waitMs > 0 ? admitWait(waitMs, queue.now - startedAt, undefined, spApiPolicy.maxDelayMs) : undefined;
      if (refused !== undefined) {
        await limiter.release(queue.now);
        return stop(refused);
      }
      queue.at(queue.now + waitMs, send);
    };
    const succeed = (): void => {
      limiter?.observeSuccess(queue.now);
      latenciesMs.push(queue.now - startedAt);
      startCall();
    };
    // withRetry's handleFailure: the limiter learns first, then the policy decides.
    const onThrottled = async (): Promise<void> => {
      throttledAtMs.push(queue.now);
      await limiter?.observeFailure(failure, queue.now);
      const decision = spApiPolicy.decide(failure, { attempt, random: random(), previousDelayMs, elapsedMs: queue.now - startedAt });
      if (decision.action === 'stop') return stop(decision.reason);
      previousDelayMs = decision.delayMs;
      queue.at(queue.now + decision.delayMs, beginAttempt);
    };
    // An event of its own, so the queue awaits the limiter's answer before anything else runs.
    queue.at(queue.now, beginAttempt);
  };
  for (let i = 0; i < clients; i++) startCall();
  // Nothing after the end is counted: calls under way then are cut off, as a measurement would.
  await queue.run(endMs);

  latenciesMs.sort((a, b) => a - b);
  return {
    requests,
    throttled: throttledAtMs.length,
    throttledAtMs,
    succeeded: latenciesMs.length,
    gaveUp,
    latenciesMs,
    goodput: latenciesMs.length / (PLAN.burst + durationS * PLAN.ratePerSecond),
    ...(limiter === undefined ? {} : { finalRatePerSecond: limiter.plan.ratePerSecond }),
  };
}

/** The q-quantile (0 < q ≤ 1) of sorted values, nearest rank; NaN when there are none. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}
