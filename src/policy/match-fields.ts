import type { RuleSpec, StatusClass } from './policy-spec.js';

/**
 * Small readings of a row's match that validation, compilation and the docs renderers share.
 */

/**
 * A row's id: given, or derived from its match so docs and errors can still name it.
 *
 * @example
 * ```ts
 * ruleId({ match: { status: [500, 503] }, retry: true }); // 'status:500|503'
 * ```
 */
export function ruleId(rule: RuleSpec): string {
  if (rule.id !== undefined) return rule.id;
  const parts = (['code', 'status', 'kind'] as const)
    .filter((field) => rule.match[field] !== undefined)
    .map((field) => `${field}:${toList(rule.match[field]).join('|')}`);
  return parts.length === 0 ? '*' : parts.join(' ');
}

/**
 * A match field as a list, whether it was given as one value or several.
 *
 * @example
 * ```ts
 * toList('RequestThrottled'); // ['RequestThrottled']
 * ```
 */
export function toList<T extends string | number>(value: T | readonly T[] | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

/**
 * Narrowing helper for status values in a match: a class string or an exact status.
 *
 * @example
 * ```ts
 * isStatusClass('5xx'); // true
 * ```
 */
export function isStatusClass(value: number | StatusClass): value is StatusClass {
  return typeof value === 'string';
}

