import diagnostics_channel from 'node:diagnostics_channel';

/**
 * The `node:diagnostics_channel` channels retry-table publishes on, so APM tools and loggers can
 * observe every call without options. Publishing is skipped when nobody subscribes, so they cost
 * nothing until used. The payloads are documented with their types (`AttemptEvent`,
 * `RetryEvent`, `GiveUpEvent`, `BudgetFallbackEvent`).
 *
 * - `retry-table:attempt`: after every attempt of every call, success or failure;
 * - `retry-table:retry`: before each wait;
 * - `retry-table:giveup`: once when a call gives up;
 * - `retry-table:budget-fallback`: when a Redis store answers from its local fallback.
 *
 * @example
 * ```ts
 * import diagnostics_channel from 'node:diagnostics_channel';
 * diagnostics_channel.subscribe('retry-table:retry', (event) => {
 *   const { policy, attempt, delayMs, failure } = event as RetryEvent;
 *   logger.warn({ policy, attempt, delayMs, requestId: failure.requestId }, 'retrying');
 * });
 * ```
 */
export const channels = {
  attempt: diagnostics_channel.channel('retry-table:attempt'),
  retry: diagnostics_channel.channel('retry-table:retry'),
  giveup: diagnostics_channel.channel('retry-table:giveup'),
  budgetFallback: diagnostics_channel.channel('retry-table:budget-fallback'),
} as const;
