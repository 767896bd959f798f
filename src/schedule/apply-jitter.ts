import type { JitterFunction } from './jitter-kind.js';

/**
 * Applies a compiled jitter to a delay. When the delay is a server's hint, jitter may only add
 * to it: retrying before the server's `Retry-After` would break the server's contract.
 *
 * @param jitter - the row's compiled jitter (see compileJitter)
 * @param delayMs - the scheduled delay
 * @param fromServer - whether `delayMs` is a server hint (Retry-After, quota reset)
 * @param baseMs - the schedule's smallest step, for decorrelated jitter
 * @param previousMs - the call's previous delay, for decorrelated jitter
 * @param random - a number in [0, 1)
 * @example
 * ```ts
 * applyJitter(compileJitter('full'), 3000, true, 100, 100, 0); // 3000: a hint is never shortened
 * ```
 */
export function applyJitter(
  jitter: JitterFunction,
  delayMs: number,
  fromServer: boolean,
  baseMs: number,
  previousMs: number,
  random: number,
): number {
  const jittered = jitter(delayMs, baseMs, previousMs, random);
  return fromServer ? Math.max(delayMs, jittered) : jittered;
}
