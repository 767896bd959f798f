import type { JitterSpec } from './schedule-spec.js';
import { additiveJitter, decorrelatedJitter, equalJitter, fullJitter } from './jitter.js';

/**
 * Applies a {@link JitterSpec} to a delay. When the delay is a server's hint, jitter may only add
 * to it: retrying before the server's `Retry-After` would break the server's contract.
 *
 * @param jitter - the row's jitter
 * @param delayMs - the scheduled delay
 * @param fromServer - whether `delayMs` is a server hint (Retry-After, quota reset)
 * @param baseMs - the schedule's smallest step, for decorrelated jitter
 * @param previousMs - the call's previous delay, for decorrelated jitter
 * @param random - a number in [0, 1)
 */
export function applyJitter(
  jitter: JitterSpec,
  delayMs: number,
  fromServer: boolean,
  baseMs: number,
  previousMs: number,
  random: number,
): number {
  let jittered: number;
  if (jitter === 'none') return delayMs;
  else if (jitter === 'full') jittered = fullJitter(delayMs, random);
  else if (jitter === 'equal') jittered = equalJitter(delayMs, random);
  else if (jitter === 'decorrelated') jittered = decorrelatedJitter(baseMs, previousMs, random);
  else jittered = additiveJitter(delayMs, jitter.maxMs, random);
  return fromServer ? Math.max(delayMs, jittered) : jittered;
}
