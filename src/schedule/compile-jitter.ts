import type { JitterFunction } from './jitter-kind.js';
import { jitterKey, jitterKindOf } from './jitter-kinds.js';
import type { JitterSpec } from './schedule-spec.js';

/**
 * The algorithm of a validated jitter, built once per row so deciding reads no spec.
 *
 * @example
 * ```ts
 * compileJitter({ type: 'additive', maxMs: 1000 })(2000, 100, 100, 0.5); // 2500
 * ```
 */
export function compileJitter(spec: JitterSpec): JitterFunction {
  return jitterKindOf(jitterKey(spec)).compile(spec);
}
