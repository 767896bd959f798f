import type { JitterFunction, JitterKind } from '../jitter-kind.js';

/** Shared by every row without jitter: the compiled form holds no state. */
const unchanged: JitterFunction = (delayMs) => delayMs;

/**
 * `'none'`: the scheduled delay, unchanged.
 *
 * @example
 * ```ts
 * noJitterKind.compile('none')(1000, 100, 100, 0.9); // 1000
 * ```
 */
export const noJitterKind: JitterKind<'none'> = {
  form: 'name',
  compile: () => unchanged,
};
