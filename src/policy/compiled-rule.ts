import type { JitterSpec } from '../schedule/jitter.js';
import type { ScheduleSpec } from '../schedule/schedules.js';
import type { RuleMatch } from './policy-spec.js';

/**
 * A row of a compiled policy: the row's data with every default filled in. Decisions point at
 * these, so a decision tells which row made it and why (`note`).
 *
 * @example
 * ```ts
 * const rule: CompiledRule | undefined = mwsPolicy.match({ kind: 'http', status: 503, code: 'RequestThrottled' });
 * rule?.schedule; // { type: 'list', delaysMs: [1000, 4000, 10000, 30000] }: the row's own
 * rule?.jitter; // 'none': the policy's, filled in
 * ```
 */
export interface CompiledRule {
  /** The row's id: given, or derived from its match (`code:RequestThrottled`, `status:5xx`, `*`). */
  readonly id: string;
  /** The row's position in the table, 0-based. */
  readonly index: number;
  /** What the row matches, as given. */
  readonly match: RuleMatch;
  /** Whether a matching failure is retried. */
  readonly retry: boolean;
  /** The row's schedule, or the policy's when the row gave none. */
  readonly schedule: ScheduleSpec;
  /** The row's jitter, or the policy's when the row gave none. */
  readonly jitter: JitterSpec;
  /** The row's own retry limit, if any. */
  readonly maxRetries: number | undefined;
  /** The human reason for the row ('' when none was given). */
  readonly note: string;
  /** Whether a retry on a server hint sets the shared cool-down of a {@link RetryBudget}. */
  readonly coolDown: boolean;
  /** Whether the row's requests may be repeated safely: `false` retries only failures proven unprocessed. */
  readonly idempotent: boolean;
}
