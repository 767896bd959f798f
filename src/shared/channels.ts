/**
 * The part of a `node:diagnostics_channel` channel retry-table uses. Typed here, not imported,
 * so the core entry needs neither `@types/node` nor a Node built-in.
 *
 * @example
 * ```ts
 * if (channels.retry.hasSubscribers) channels.retry.publish(event);
 * ```
 */
export interface DiagnosticsChannel {
  readonly name: string;
  /** Whether anybody listens: publishing is skipped, and costs nothing, until someone does. */
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}

interface DiagnosticsChannelModule {
  channel(name: string): DiagnosticsChannel;
}

/**
 * `node:diagnostics_channel`, found at run time (`process.getBuiltinModule`, Node ≥ 20.16, Bun,
 * Deno) rather than imported, so bundles for browsers and edge runtimes build and run; where the
 * platform has none, channels that nobody can subscribe to.
 */
function diagnosticsChannels(): DiagnosticsChannelModule | undefined {
  try {
    const getBuiltinModule = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
    const found = typeof getBuiltinModule === 'function' ? getBuiltinModule('node:diagnostics_channel') : undefined;
    return typeof (found as DiagnosticsChannelModule | undefined)?.channel === 'function' ? (found as DiagnosticsChannelModule) : undefined;
  } catch {
    return undefined;
  }
}

const builtin = /* @__PURE__ */ diagnosticsChannels();

function channel(name: string): DiagnosticsChannel {
  return builtin?.channel(name) ?? { name, hasSubscribers: false, publish: () => undefined };
}

/**
 * The `node:diagnostics_channel` channels retry-table publishes on, so APM tools and loggers can
 * observe every call without options. Publishing is skipped when nobody subscribes, so they cost
 * nothing until used. The payloads are documented with their types (`AttemptEvent`,
 * `RetryEvent`, `GiveUpEvent`, `BudgetFallbackEvent`). On platforms without diagnostics
 * channels (browsers), nothing is published.
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
export const channels: {
  readonly attempt: DiagnosticsChannel;
  readonly retry: DiagnosticsChannel;
  readonly giveup: DiagnosticsChannel;
  readonly budgetFallback: DiagnosticsChannel;
} = /* @__PURE__ */ Object.freeze({
  attempt: channel('retry-table:attempt'),
  retry: channel('retry-table:retry'),
  giveup: channel('retry-table:giveup'),
  budgetFallback: channel('retry-table:budget-fallback'),
});
