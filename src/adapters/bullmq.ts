import { UnrecoverableError, type BackoffStrategy, type Job } from 'bullmq';
import { OptionsError } from '../shared/options-error.js';
import { normalizeFailure } from '../failure/normalize.js';
import { isFailedResponse } from '../failure/response-like.js';
import type { Policy } from '../policy/define-policy.js';
import type { StopReason } from '../policy/decision.js';

/** One attempt of a job, as kept in the job's data (plain JSON, so BullMQ can store it). */
export interface JobAttemptRecord {
  readonly attempt: number;
  /** When the attempt failed, epoch ms. */
  readonly at: number;
  readonly kind: string;
  readonly status?: number;
  readonly code?: string;
  readonly requestId?: string;
  readonly action: 'retry' | 'stop';
  readonly delayMs?: number;
  readonly reason?: StopReason;
  readonly rule?: string;
}

/** Options of {@link bullmqRetry}. */
export interface BullmqRetryOptions {
  /** Random numbers in [0, 1) for jitter. @defaultValue `Math.random` */
  readonly random?: () => number;
  /** The key of the journal in the job's data. @defaultValue 'retryJournal' */
  readonly journalKey?: string;
}

/** The error a wrapped processor throws when the policy retries: it carries the delay to BullMQ. */
class RetryScheduled extends Error {
  override readonly name = 'RetryScheduled';
  constructor(
    readonly delayMs: number,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : `retry in ${delayMs} ms`, { cause });
  }
}

/**
 * Lets a policy drive BullMQ jobs, so long waits (a 60 s block, an hour until an MWS quota
 * resets) park in Redis instead of holding a process. Wrap the processor, give the worker the
 * backoff strategy, and add jobs with the job options:
 *
 * - a failed attempt is normalized and decided by the policy, and recorded in the job's data
 *   (`job.data.retryJournal`: status, code, request id, decision, delay);
 * - a retry becomes the job's backoff (BullMQ custom `backoffStrategy`);
 * - a stop becomes `UnrecoverableError`, so BullMQ fails the job at once.
 *
 * Job data must be an object (the journal is added to it). For waits longer than the policy's
 * `maxDelayMs` (5 minutes for the prebuilt ones), derive one: `mwsPolicy.with({ maxDelayMs: 3_600_000 })`.
 *
 * @param policy - the policy deciding every job's retries
 * @param options - jitter source and journal key
 * @example
 * ```ts
 * import { Queue, Worker } from 'bullmq';
 * import { bullmqRetry } from 'retry-table/bullmq';
 * const jobs = bullmqRetry(scraperPolicy);
 * const queue = new Queue('scrape', { connection });
 * await queue.add('product', { asin: 'B000000001' }, jobs.jobOptions);
 * new Worker('scrape', jobs.processor(async (job) => fetchProduct(job.data.asin)), { connection, settings: jobs.settings });
 * ```
 */
export function bullmqRetry(policy: Policy, options: BullmqRetryOptions = {}) {
  if (typeof policy?.decide !== 'function') throw new OptionsError('policy', policy, 'must be a policy from definePolicy()');
  const journalKey = options.journalKey ?? 'retryJournal';
  const backoffStrategy: BackoffStrategy = (_attemptsMade, _type, error, job) => {
    if (error instanceof RetryScheduled) return error.delayMs;
    // Not our error (a stalled job, say): fall back to the last delay the policy chose, if any.
    const journal = (job?.data as Record<string, unknown> | undefined)?.[journalKey];
    const last = Array.isArray(journal) ? (journal[journal.length - 1] as JobAttemptRecord | undefined) : undefined;
    return last?.delayMs ?? 0;
  };

  return {
    /** Add jobs with these: BullMQ must allow the policy's attempts and call the custom strategy. */
    jobOptions: { attempts: policy.maxAttempts, backoff: { type: 'retry-table' } },
    /** Give the worker these settings. */
    settings: { backoffStrategy },
    /** Wraps a processor so its failures are decided by the policy. */
    processor<D extends object, R>(fn: (job: Job<D>, token?: string) => Promise<R>): (job: Job<D>, token?: string) => Promise<R> {
      return async (job, token) => {
        let failed: unknown;
        try {
          const value = await fn(job, token);
          if (!isFailedResponse(value)) return value;
          failed = value;
        } catch (error) {
          failed = error;
        }
        const attempt = job.attemptsMade + 1;
        const failure = await normalizeFailure(failed);
        const journal = [...(((job.data as Record<string, unknown>)[journalKey] as JobAttemptRecord[] | undefined) ?? [])];
        const decision = policy.decide(failure, {
          attempt,
          elapsedMs: Date.now() - job.timestamp,
          random: (options.random ?? Math.random)(),
          previousDelayMs: journal[journal.length - 1]?.delayMs,
        });
        const record: JobAttemptRecord = {
          attempt,
          at: Date.now(),
          kind: failure.kind,
          ...(failure.status === undefined ? {} : { status: failure.status }),
          ...(failure.code === undefined ? {} : { code: failure.code }),
          ...(failure.requestId === undefined ? {} : { requestId: failure.requestId }),
          action: decision.action,
          ...(decision.action === 'retry' ? { delayMs: decision.delayMs } : { reason: decision.reason }),
          ...(decision.rule === undefined ? {} : { rule: decision.rule.id }),
        };
        await job.updateData({ ...job.data, [journalKey]: [...journal, record] });
        if (decision.action === 'stop') {
          const what = [failure.status, failure.code].filter((part) => part !== undefined).join(' ');
          throw Object.assign(new UnrecoverableError(`${policy.name}: gave up after ${attempt} attempt${attempt === 1 ? '' : 's'} (${decision.reason}): ${failure.kind} ${what}`.trim()), {
            cause: failed,
          });
        }
        throw new RetryScheduled(decision.delayMs, failed);
      };
    },
  };
}
