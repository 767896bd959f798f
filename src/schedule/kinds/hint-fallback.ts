import type { ScheduleCheck } from '../schedule-kind.js';

/**
 * The check both hint kinds share: their fallback is itself a schedule, but not another hint
 * schedule. One level of hint wrapping is enough; deeper nesting is almost certainly a mistake,
 * and forbidding it lets decide read a compiled schedule without recursing.
 *
 * @example
 * ```ts
 * checkHintFallback({ type: 'retry-after', fallback: { type: 'constant', delayMs: 1000 } }, check);
 * ```
 */
export function checkHintFallback(spec: Record<string, unknown>, { field, fail, isFallback, checkFallback }: ScheduleCheck): void {
  if (isFallback) fail(`${field}.type`, spec['type'], 'cannot be nested inside another hint schedule');
  checkFallback(spec['fallback'], `${field}.fallback`);
}
