import type { JitterSpec, ScheduleSpec } from '../schedule/schedule-spec.js';
import type { RuleMatch } from './policy-spec.js';

/**
 * A row of a compiled policy: the row's data with every default filled in. Decisions point at
 * these, so a decision tells which row made it and why (`note`).
 */
export interface CompiledRule {
  /** The row's id: given, or derived from its match (`code:RequestThrottled`, `status:5xx`, `*`). */
  readonly id: string;
  /** The row's position in the table, 0-based. */
  readonly index: number;
  readonly match: RuleMatch;
  readonly retry: boolean;
  readonly schedule: ScheduleSpec;
  readonly jitter: JitterSpec;
  readonly maxRetries: number | undefined;
  readonly note: string;
}
