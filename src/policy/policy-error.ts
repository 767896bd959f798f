import { hasBrand } from '../shared/brand.js';
import { show } from '../shared/show.js';

const POLICY_ERROR = Symbol.for('retry-table.PolicyError');

/**
 * A policy table that cannot be compiled, thrown by {@link definePolicy} when the policy is
 * defined, never later at decision time. It names the policy, the row and the field.
 *
 * @example
 * ```ts
 * try {
 *   definePolicy({ name: 'p', rules: [{ match: {}, retry: true, schedule: { type: 'constant', delayMs: -1 } }] });
 * } catch (error) {
 *   if (isPolicyError(error)) console.log(error.field); // 'rules[0].schedule.delayMs'
 * }
 * ```
 */
export class PolicyError extends Error {
  override readonly name = 'PolicyError' as const;
  /** The policy's name, when it had a readable one. */
  readonly policy: string | undefined;
  /** The row's id (or `rules[i]`), when the problem is in a row. */
  readonly rule: string | undefined;
  /** A path to the bad field, such as `rules[2].schedule.delaysMs[1]`. */
  readonly field: string;
  /** The bad value. */
  readonly value: unknown;

  constructor(details: { policy?: string; rule?: string; field: string; value: unknown; problem: string }) {
    const where = [details.policy && `policy "${details.policy}"`, details.rule && `rule "${details.rule}"`]
      .filter(Boolean)
      .join(', ');
    super(`${where ? `${where}: ` : ''}${details.field} ${details.problem} (got ${show(details.value)})`);
    this.policy = details.policy;
    this.rule = details.rule;
    this.field = details.field;
    this.value = details.value;
    Object.defineProperty(this, POLICY_ERROR, { value: true });
  }
}

/**
 * True when `value` is a {@link PolicyError}, from this or any other copy of retry-table.
 * @example
 * ```ts
 * if (isPolicyError(error)) console.error(error.field, error.value);
 * ```
 */
export function isPolicyError(value: unknown): value is PolicyError {
  return hasBrand(value, POLICY_ERROR);
}
