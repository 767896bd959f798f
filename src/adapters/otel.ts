// The OpenTelemetry entry, `retry-table/otel`: spans and metrics for every call, built on the
// diagnostics channels the core publishes on, so the core knows nothing of OpenTelemetry and
// costs nothing until this is switched on. `@opentelemetry/api` is an optional peer dependency.
import { context, diag, metrics, trace, type MeterProvider, type TracerProvider } from '@opentelemetry/api';
import type { AttemptEvent, BudgetFallbackEvent, GiveUpEvent, RetryEvent } from '../run/diagnostics.js';
import { checkOptionKeys } from '../shared/option-keys.js';
import { OptionsError } from '../shared/options-error.js';
import { CallCorrelator, CallTrace, callIdOf } from './otel-calls.js';
import { subscribeChannels } from './otel-channels.js';
import { RetryTableMetrics } from './otel-metrics.js';
import { journalNotes, recordCallSpan } from './otel-spans.js';

export { ATTRIBUTE_NAMES, errorType } from './otel-attributes.js';
export { METRIC_NAMES } from './otel-metrics.js';
export { ATTEMPT_EVENT_NAME } from './otel-spans.js';

/**
 * Options of {@link instrumentRetryTable}. An unknown key throws an `OptionsError`.
 *
 * @example
 * ```ts
 * const options: InstrumentRetryTableOptions = { tracerProvider: provider, meterProvider, spanEveryCall: false };
 * ```
 */
export interface InstrumentRetryTableOptions {
  /** Where spans go. @defaultValue the global tracer provider (`trace.getTracerProvider()`) */
  readonly tracerProvider?: TracerProvider;
  /** Where metrics go. @defaultValue the global meter provider (`metrics.getMeterProvider()`) */
  readonly meterProvider?: MeterProvider;
  /**
   * Also record a span for calls whose first attempt succeeded. They are most calls, and their
   * span is instantaneous (an attempt's event is published when it ends, and no event marks a
   * call's start), saying nothing the HTTP client's own span does not; they are counted in
   * `retry_table.attempts` either way. @defaultValue false
   */
  readonly spanEveryCall?: boolean;
}

const OPTION_KEYS = ['tracerProvider', 'meterProvider', 'spanEveryCall'] as const satisfies readonly (keyof InstrumentRetryTableOptions)[];

/** The instrumentation scope's name: what a backend shows as the spans' and metrics' origin. */
const SCOPE = 'retry-table';

/** Epoch ms with a fraction: what OpenTelemetry takes as a time, and finer than Date.now(). */
function now(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Turns retry-table's diagnostics channels into OpenTelemetry spans and metrics, for every call
 * of every policy in the process (`withRetry`, `retry`, the BullMQ adapter), until the returned
 * function is called. Nothing is published, and nothing costs, before this subscribes or after it
 * unsubscribes.
 *
 * **Spans.** One span per call that failed at least once (every call with `spanEveryCall`),
 * named `retry <policy>`, a child of the span active where the call runs, with one
 * `retry_table.attempt` event per attempt: `error.type`, `http.response.status_code`,
 * `http.request.resend_count` (from the second attempt on), `retry_table.request_id`,
 * `retry_table.decision`, `retry_table.rule`, `retry_table.delay_ms`,
 * `retry_table.stop_reason` ({@link ATTRIBUTE_NAMES}). A call that gives up ends in error status
 * with its RetryError's message, and its attempts are its journal's.
 *
 * **Metrics** ({@link METRIC_NAMES}): `retry_table.attempts`, `retry_table.retries`,
 * `retry_table.give_ups` (by `retry_table.stop_reason`), `retry_table.retry.delay` (seconds)
 * and `retry_table.budget.fallbacks`.
 *
 * Where the platform has no diagnostics channels (browsers), nothing is published and this
 * records nothing.
 *
 * @param options - tracer and meter providers (the global ones by default)
 * @returns a function that unsubscribes (calling it again does nothing)
 * @example
 * ```ts
 * import { NodeSDK } from '@opentelemetry/sdk-node';
 * import { instrumentRetryTable } from 'retry-table/otel';
 * import { withRetry, scraperPolicy } from 'retry-table';
 *
 * new NodeSDK({ serviceName: 'scraper' }).start();
 * const stop = instrumentRetryTable();
 * const product = await withRetry(scraperPolicy)(fetch)('https://api.example.com/products/B000000001');
 * stop();
 * ```
 */
export function instrumentRetryTable(options: InstrumentRetryTableOptions = {}): () => void {
  checkOptionKeys('instrumentRetryTable', options, OPTION_KEYS);
  const { tracerProvider = trace.getTracerProvider(), meterProvider = metrics.getMeterProvider(), spanEveryCall = false } = options;
  if (typeof tracerProvider?.getTracer !== 'function') throw new OptionsError('tracerProvider', tracerProvider, 'must be a TracerProvider (with getTracer)');
  if (typeof meterProvider?.getMeter !== 'function') throw new OptionsError('meterProvider', meterProvider, 'must be a MeterProvider (with getMeter)');
  if (typeof spanEveryCall !== 'boolean') throw new OptionsError('spanEveryCall', spanEveryCall, 'must be a boolean');

  const tracer = tracerProvider.getTracer(SCOPE);
  const recorder = new RetryTableMetrics(meterProvider.getMeter(SCOPE));
  const calls = new CallCorrelator();

  const onAttempt = (event: AttemptEvent): void => {
    recorder.attempt(event);
    // Most calls: one successful attempt, and no span asked for. Nothing more to do.
    if (event.ok && event.attempt === 1 && !spanEveryCall) return;
    const time = now();
    const call = calls.attempted(event.policy, event.attempt, event.failure, context.active(), time, callIdOf(event));
    if (event.ok) recordCallSpan(tracer, call, call.notes, time, undefined);
  };

  const onRetry = (event: RetryEvent): void => {
    recorder.retry(event);
    const time = now();
    const id = callIdOf(event);
    // The same Failure object as its attempt event's; a call seen only from here on gets a trace now.
    const call = calls.byFailure(event.failure) ?? calls.attempted(event.policy, event.attempt, event.failure, context.active(), time, id, false);
    const note = call.notes.at(-1);
    if (note?.failure === event.failure) Object.assign(note, { decision: 'retry', rule: event.rule, delayMs: event.delayMs, source: event.source });
    calls.sleep(call, event.attempt + 1, time + event.delayMs, id);
  };

  const onGiveUp = (event: GiveUpEvent): void => {
    recorder.giveUp(event);
    const { error } = event;
    const time = now();
    const seen = calls.byFailure(error.failure);
    // A give-up decided before the next attempt (no rate-limiter token in time) finds the call asleep.
    if (seen !== undefined) calls.forget(seen, callIdOf(event));
    const call = seen ?? new CallTrace(event.policy, context.active(), time);
    recordCallSpan(tracer, call, journalNotes(call.notes, error.attempts, time), time, error);
  };

  return subscribeChannels({
    attempt: guarded('attempt', onAttempt),
    retry: guarded('retry', onRetry),
    giveup: guarded('giveup', onGiveUp),
    budgetFallback: guarded('budget-fallback', (event: BudgetFallbackEvent) => recorder.budgetFallback(event)),
  });
}

/**
 * A diagnostics channel re-throws a subscriber's error on the next tick, where it crashes the
 * process: instrumentation must never do that, so errors go to OpenTelemetry's own diagnostic log.
 */
function guarded<E>(channel: string, handler: (event: E) => void): (message: unknown) => void {
  return (message) => {
    try {
      handler(message as E);
    } catch (error) {
      diag.error(`retry-table/otel: handling a retry-table:${channel} event failed`, error);
    }
  };
}
