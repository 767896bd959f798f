import { equalJitter } from '../jitter.js';
import type { JitterFunction, JitterKind } from '../jitter-kind.js';

const equal: JitterFunction = (delayMs, _baseMs, _previousMs, random) => equalJitter(delayMs, random);

/**
 * `'equal'`: `d/2 + r · d/2`, AWS "Equal Jitter" ({@link equalJitter}).
 *
 * @example
 * ```ts
 * equalJitterKind.compile('equal')(1000, 100, 100, 0.5); // 750
 * ```
 */
export const equalJitterKind: JitterKind<'equal'> = {
  form: 'name',
  compile: () => equal,
};
