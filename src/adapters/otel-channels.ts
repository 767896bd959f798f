import { channels } from '../shared/channels.js';

/**
 * The subscribing half of `node:diagnostics_channel`, typed here rather than imported so the
 * `retry-table/otel` entry bundles for browsers and edge runtimes too (where nothing is published,
 * so there is nothing to hear).
 */
interface SubscribingModule {
  subscribe(name: string, listener: (message: unknown, name: string | symbol) => void): void;
  unsubscribe(name: string, listener: (message: unknown, name: string | symbol) => void): boolean;
}

/** What to do with each channel's messages; absent handlers are not subscribed. */
export interface ChannelHandlers {
  readonly attempt?: (message: unknown) => void;
  readonly retry?: (message: unknown) => void;
  readonly giveup?: (message: unknown) => void;
  readonly budgetFallback?: (message: unknown) => void;
}

/** The names the core publishes on, keyed like {@link ChannelHandlers}: one list, the core's. */
const NAMES: { readonly [K in keyof ChannelHandlers]-?: string } = {
  attempt: channels.attempt.name,
  retry: channels.retry.name,
  giveup: channels.giveup.name,
  budgetFallback: channels.budgetFallback.name,
};

/**
 * Found the way the core finds it (`process.getBuiltinModule`), so this entry has no `node:`
 * import either; undefined where the platform has no diagnostics channels.
 */
function diagnosticsModule(): SubscribingModule | undefined {
  try {
    const getBuiltinModule = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
    const found = typeof getBuiltinModule === 'function' ? (getBuiltinModule('node:diagnostics_channel') as Partial<SubscribingModule> | undefined) : undefined;
    return typeof found?.subscribe === 'function' && typeof found.unsubscribe === 'function' ? (found as SubscribingModule) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Subscribes the handlers to retry-table's diagnostics channels and returns the function that
 * unsubscribes them all (calling it twice is harmless). Subscribing by name reaches every copy of
 * retry-table in the process (its ESM and CommonJS builds publish on the same named channels).
 * On a platform without diagnostics channels, subscribes nothing.
 *
 * @example
 * ```ts
 * const stop = subscribeChannels({ retry: (event) => console.log('retrying', event) });
 * await withRetry(mwsPolicy)(callMws)();
 * stop();
 * ```
 */
export function subscribeChannels(handlers: ChannelHandlers): () => void {
  const module = diagnosticsModule();
  if (module === undefined) return () => undefined;
  const subscribed: [string, (message: unknown) => void][] = [];
  for (const key of Object.keys(NAMES) as (keyof ChannelHandlers)[]) {
    const handler = handlers[key];
    if (handler === undefined) continue;
    // A fresh function per subscription: unsubscribing one instrumentation leaves another alone
    // even when both were given the same handler.
    const listener = (message: unknown): void => handler(message);
    module.subscribe(NAMES[key], listener);
    subscribed.push([NAMES[key], listener]);
  }
  return () => {
    for (const [name, listener] of subscribed.splice(0)) module.unsubscribe(name, listener);
  };
}
