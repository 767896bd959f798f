import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import type { AttemptEvent, BudgetFallbackEvent, GiveUpEvent, RetryEvent } from '../run/diagnostics.js';
import { ATTRIBUTE_NAMES, errorType, metricFailureAttributes } from './otel-attributes.js';

/**
 * The metric names `retry-table/otel` records. Durations are in seconds, as the OpenTelemetry
 * conventions ask of every duration instrument.
 *
 * @example
 * ```ts
 * exporter.getMetrics()[0]?.scopeMetrics[0]?.metrics.find((m) => m.descriptor.name === METRIC_NAMES.retries);
 * ```
 */
export const METRIC_NAMES = Object.freeze({
  /** Every attempt; `error.type` set on failed ones. */
  attempts: 'retry_table.attempts',
  /** Every retry the policy decided, by rule and delay source. */
  retries: 'retry_table.retries',
  /** Every call that gave up, by `retry_table.stop_reason`. */
  giveUps: 'retry_table.give_ups',
  /** The wait before each retry, in seconds. */
  retryDelay: 'retry_table.retry.delay',
  /** Every answer a Redis budget store gave from its local fallback, by operation. */
  budgetFallbacks: 'retry_table.budget.fallbacks',
});

/**
 * Bucket boundaries for the retry delay, in seconds: the prebuilt policies wait from a few
 * milliseconds to `maxDelayMs` (5 minutes); the SDK's default buckets (0 to 10 000) would put
 * nearly every wait in the first few.
 */
const DELAY_BUCKETS_S = [0, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 10, 30, 60, 120, 300];

/**
 * The instruments, made once per instrumentation, and what each event adds to them. Every
 * attribute is bounded (policy, rule, status, code, reason): request ids go to spans only.
 *
 * @example
 * ```ts
 * const metrics = new RetryTableMetrics(meterProvider.getMeter('retry-table'));
 * metrics.retry({ policy: 'mws', attempt: 1, failure, delayMs: 1000, rule: 'RequestThrottled', source: 'schedule' });
 * ```
 */
export class RetryTableMetrics {
  private readonly attempts: Counter;
  private readonly retries: Counter;
  private readonly giveUps: Counter;
  private readonly delay: Histogram;
  private readonly fallbacks: Counter;

  constructor(meter: Meter) {
    this.attempts = meter.createCounter(METRIC_NAMES.attempts, { unit: '{attempt}', description: 'Attempts made by calls under a retry-table policy.' });
    this.retries = meter.createCounter(METRIC_NAMES.retries, { unit: '{retry}', description: 'Retries a retry-table policy decided.' });
    this.giveUps = meter.createCounter(METRIC_NAMES.giveUps, { unit: '{call}', description: 'Calls that gave up, by stop reason.' });
    this.delay = meter.createHistogram(METRIC_NAMES.retryDelay, {
      unit: 's',
      description: 'The wait before each retry.',
      advice: { explicitBucketBoundaries: DELAY_BUCKETS_S },
    });
    this.fallbacks = meter.createCounter(METRIC_NAMES.budgetFallbacks, {
      unit: '{answer}',
      description: 'Answers a Redis budget store gave from its local fallback.',
    });
  }

  /** Counts one attempt. */
  attempt(event: AttemptEvent): void {
    const attributes = event.failure === undefined ? { [ATTRIBUTE_NAMES.policy]: event.policy } : { [ATTRIBUTE_NAMES.policy]: event.policy, ...metricFailureAttributes(event.failure) };
    this.attempts.add(1, attributes);
  }

  /** Counts one retry and records its delay. */
  retry(event: RetryEvent): void {
    const decided = { [ATTRIBUTE_NAMES.policy]: event.policy, [ATTRIBUTE_NAMES.rule]: event.rule, [ATTRIBUTE_NAMES.delaySource]: event.source };
    this.retries.add(1, { ...decided, ...metricFailureAttributes(event.failure) });
    this.delay.record(event.delayMs / 1000, decided);
  }

  /** Counts one give-up. */
  giveUp(event: GiveUpEvent): void {
    const { error } = event;
    this.giveUps.add(1, { [ATTRIBUTE_NAMES.policy]: event.policy, [ATTRIBUTE_NAMES.stopReason]: error.reason, [ATTRIBUTE_NAMES.errorType]: errorType(error.failure) });
  }

  /** Counts one fallback answer. The budget's key is left out: it can be one per seller. */
  budgetFallback(event: BudgetFallbackEvent): void {
    this.fallbacks.add(1, { [ATTRIBUTE_NAMES.budgetOperation]: event.operation });
  }
}
