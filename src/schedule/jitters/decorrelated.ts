import { decorrelatedJitter } from '../jitter.js';
import type { JitterFunction, JitterKind } from '../jitter-kind.js';

const decorrelated: JitterFunction = (_delayMs, baseMs, previousMs, random) => decorrelatedJitter(baseMs, previousMs, random);

/**
 * `'decorrelated'`: `base + r · (3 · previous − base)`, AWS "Decorrelated Jitter"
 * ({@link decorrelatedJitter}); it ignores the scheduled delay and grows from the previous one.
 *
 * @example
 * ```ts
 * decorrelatedJitterKind.compile('decorrelated')(5000, 100, 100, 0.5); // 200
 * ```
 */
export const decorrelatedJitterKind: JitterKind<'decorrelated'> = {
  form: 'name',
  compile: () => decorrelated,
};
