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

/** The call id of an event: every runner's events carry one (the driver's), but a fast-path success's. */
export function callIdOf(event: unknown): string | number | undefined {
  const id = (event as { readonly callId?: unknown }).callId;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/**
 * Calls sleeping between attempts are forgotten beyond these many: a call that is aborted while
 * it sleeps publishes nothing more, so without a bound its trace would be kept forever.
 */
const MAX_SLEEPING = 10_000;

/**
 * Ties each event to its call: a failed attempt's retry or give-up carries the same `Failure`
 * object as its attempt event, and the next attempt carries the call's id (every runner drives
 * the one call driver, which puts its id on every event), so spans are correlated exactly, for
 * every runner, however many alike calls sleep at once.
 *
 * @example
 * ```ts
 * const calls = new CallCorrelator();
 * const trace = calls.attempted('mws', 1, failure, context.active(), now, 7);
 * calls.byFailure(failure) === trace; // true
 * ```
 */
export class CallCorrelator {
  private readonly failures = new WeakMap<Failure, CallTrace>();
  private readonly sleeping = new Map<string | number, CallTrace>();

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
    const trace = (wake && attempt > 1 && callId !== undefined ? this.wake(callId) : undefined) ?? new CallTrace(policy, parent, now);
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
    if (callId === undefined) return;
    this.sleeping.set(callId, trace);
    if (this.sleeping.size > MAX_SLEEPING) this.sleeping.delete(this.sleeping.keys().next().value!);
  }

  /** Forgets a call that ended while sleeping (a give-up decided before its next attempt). */
  forget(trace: CallTrace, callId: string | number | undefined): void {
    if (callId !== undefined && this.sleeping.get(callId) === trace) this.sleeping.delete(callId);
  }

  private wake(callId: string | number): CallTrace | undefined {
    const trace = this.sleeping.get(callId);
    if (trace !== undefined) this.sleeping.delete(callId);
    return trace;
  }
}
