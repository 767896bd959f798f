import { fullJitter } from '../jitter.js';
import type { JitterFunction, JitterKind } from '../jitter-kind.js';

const full: JitterFunction = (delayMs, _baseMs, _previousMs, random) => fullJitter(delayMs, random);

/**
 * `'full'`: `r · d`, AWS "Full Jitter" ({@link fullJitter}).
 *
 * @example
 * ```ts
 * fullJitterKind.compile('full')(1000, 100, 100, 0.25); // 250
 * ```
 */
export const fullJitterKind: JitterKind<'full'> = {
  form: 'name',
  compile: () => full,
};
