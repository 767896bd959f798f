import type { Context } from '@opentelemetry/api';
import type { Failure } from '../failure/failure.js';
import type { DelaySource, StopReason } from '../policy/decision.js';

/** One attempt of a call as the instrumentation saw it, completed by the decision that followed. */
export interface AttemptNote {
  /** 1-based attempt number. */
  readonly attempt: number;
  /** When it was seen to end (epoch ms, fractional): when its event was published. */
  readonly time: number;
  /** The normalized failure; absent for the attempt that succeeded. */
  readonly failure: Failure | undefined;
  decision?: 'retry' | 'stop';
  rule?: string | undefined;
  delayMs?: number | undefined;
  source?: DelaySource;
  reason?: StopReason | undefined;
}

/**
 * One call being traced: its attempts so far and the context its span will have as parent (the
 * context active where the call runs, which every event of the call is published in).
 *
 * @example
 * ```ts
 * const trace = new CallTrace('mws', context.active(), performance.timeOrigin + performance.now());
 * ```
 */
export class CallTrace {
  readonly notes: AttemptNote[] = [];
  /** The attempt the call sleeps before, once a retry was decided. */
  nextAttempt = 0;
  /** When that attempt should begin, by the subscriber's clock: to match it when calls are alike. */
  wakeAt = 0;

  constructor(
    readonly policy: string,
    readonly parent: Context,
    /** When the first event of the call was seen. */
    readonly startTime: number,
  ) {}
}

/** A per-call id in an event, once the runners publish one (see docs/recipes.md, OpenTelemetry). */
export function callIdOf(event: unknown): string | number | undefined {
  const id = (event as { readonly callId?: unknown }).callId;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/**
 * Calls sleeping between attempts are forgotten beyond these many: a call that is aborted while
 * it sleeps publishes nothing more, so without a bound its trace would be kept forever.
 */
const MAX_SLEEPING_BY_ID = 10_000;
const MAX_SLEEPING_PER_CONTEXT = 1_000;

/**
 * Ties each event to its call. A failed attempt's retry or give-up carries the same `Failure`
 * object as its attempt event, so those are tied exactly. The next attempt is tied by the call id
 * when the event has one; else (today's payloads) to a call of the same policy, in the same
 * context, sleeping before that attempt number, the one due to wake first: exact unless several
 * such calls sleep at once in one context (`Promise.all` of alike calls), where two of them may
 * swap attempts. Give-ups are rebuilt from the RetryError's journal, so they are exact anyway.
 *
 * @example
 * ```ts
 * const calls = new CallCorrelator();
 * const trace = calls.attempted('mws', 1, failure, context.active(), now, undefined);
 * calls.byFailure(failure) === trace; // true
 * ```
 */
export class CallCorrelator {
  private readonly failures = new WeakMap<Failure, CallTrace>();
  private readonly sleepingById = new Map<string | number, CallTrace>();
  private readonly sleepingByContext = new WeakMap<Context, Map<string, CallTrace[]>>();

  /**
   * The call an attempt event belongs to, with the attempt noted: a new call for a first attempt
   * (or one whose earlier attempts this subscriber never saw, as a BullMQ job's earlier runs).
   */
  attempted(
    policy: string,
    attempt: number,
    failure: Failure | undefined,
    parent: Context,
    now: number,
    callId: string | number | undefined,
    /** False for a call first seen after its attempt event: it is not one of the sleeping calls. */
    wake = true,
  ): CallTrace {
    const trace = (wake && attempt > 1 ? this.wake(policy, attempt, parent, callId) : undefined) ?? new CallTrace(policy, parent, now);
    trace.notes.push({ attempt, time: now, failure });
    if (failure !== undefined) this.failures.set(failure, trace);
    return trace;
  }

  /** The call a failure was seen in, if it was. */
  byFailure(failure: Failure): CallTrace | undefined {
    return this.failures.get(failure);
  }

  /** Keeps a call that will retry until its next attempt is published. */
  sleep(trace: CallTrace, nextAttempt: number, wakeAt: number, callId: string | number | undefined): void {
    trace.nextAttempt = nextAttempt;
    trace.wakeAt = wakeAt;
    if (callId !== undefined) {
      this.sleepingById.set(callId, trace);
      if (this.sleepingById.size > MAX_SLEEPING_BY_ID) this.sleepingById.delete(this.sleepingById.keys().next().value!);
      return;
    }
    let byPolicy = this.sleepingByContext.get(trace.parent);
    if (byPolicy === undefined) this.sleepingByContext.set(trace.parent, (byPolicy = new Map()));
    const sleeping = byPolicy.get(trace.policy);
    if (sleeping === undefined) byPolicy.set(trace.policy, [trace]);
    else if (sleeping.push(trace) > MAX_SLEEPING_PER_CONTEXT) sleeping.shift();
  }

  /** Forgets a call that ended while sleeping (a give-up decided before its next attempt). */
  forget(trace: CallTrace, callId: string | number | undefined): void {
    if (callId !== undefined) {
      if (this.sleepingById.get(callId) === trace) this.sleepingById.delete(callId);
      return;
    }
    const sleeping = this.sleepingByContext.get(trace.parent)?.get(trace.policy);
    const index = sleeping?.indexOf(trace) ?? -1;
    if (index !== -1) sleeping!.splice(index, 1);
  }

  private wake(policy: string, attempt: number, parent: Context, callId: string | number | undefined): CallTrace | undefined {
    if (callId !== undefined) {
      const trace = this.sleepingById.get(callId);
      if (trace !== undefined) this.sleepingById.delete(callId);
      return trace;
    }
    const byPolicy = this.sleepingByContext.get(parent);
    const sleeping = byPolicy?.get(policy);
    if (sleeping === undefined) return undefined;
    let best = -1;
    for (let i = 0; i < sleeping.length; i++) {
      const candidate = sleeping[i]!;
      if (candidate.nextAttempt === attempt && (best === -1 || candidate.wakeAt < sleeping[best]!.wakeAt)) best = i;
    }
    if (best === -1) return undefined;
    const [trace] = sleeping.splice(best, 1);
    if (sleeping.length === 0) byPolicy!.delete(policy);
    return trace;
  }
}
