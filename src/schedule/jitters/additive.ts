import { MAX_TIMER_DELAY_MS } from '../../shared/limits.js';
import { isFiniteNumber } from '../../shared/validate.js';
import { formatMs } from '../format-ms.js';
import { additiveJitter } from '../jitter.js';
import type { JitterCheck, JitterDescription, JitterKind, JitterOf } from '../jitter-kind.js';

/**
 * `{ type: 'additive', maxMs }`: `d + r · maxMs` ({@link additiveJitter}), as in the scraper
 * API's `+ Math.random() * 1000`. Described as `+ U(0, 1 s)`.
 *
 * @example
 * ```ts
 * additiveJitterKind.compile({ type: 'additive', maxMs: 1000 })(2000, 100, 100, 0.5); // 2500
 * ```
 */
export const additiveJitterKind: JitterKind<JitterOf<'additive'>> = {
  form: {
    fields: { type: true, maxMs: true },
    validate(spec, { field, fail }: JitterCheck) {
      const maxMs = spec['maxMs'];
      if (!isFiniteNumber(maxMs) || maxMs < 0 || maxMs > MAX_TIMER_DELAY_MS)
        fail(`${field}.maxMs`, maxMs, 'must be a finite number of milliseconds, 0 or more');
    },
  },
  // The one closure per row: it holds the row's maxMs, so deciding reads no spec.
  compile: ({ maxMs }) => (delayMs, _baseMs, _previousMs, random) => additiveJitter(delayMs, maxMs, random),
};

/**
 * An additive jitter in words: `+ U(0, 1 s)`.
 *
 * @example
 * ```ts
 * describeAdditive({ type: 'additive', maxMs: 1000 }); // '+ U(0, 1 s)'
 * ```
 */
export const describeAdditive: JitterDescription<JitterOf<'additive'>> = ({ maxMs }) => `+ U(0, ${formatMs(maxMs)})`;
