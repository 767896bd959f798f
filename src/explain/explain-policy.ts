import type { Policy } from '../policy/define-policy.js';
import { toList } from '../policy/match-fields.js';
import { describeJitter, describeSchedule, formatMs } from './describe-schedule.js';

/**
 * One row of a policy, in words: what {@link explainPolicy} returns and the README shows.
 *
 * @example
 * ```ts
 * const row: ExplainedRule | undefined = explainPolicy(scraperPolicy).find((r) => r.rule === 'rate_limited');
 * // { rule: 'rate_limited', matches: 'code rate_limited', retry: true,
 * //   schedule: 'Retry-After, else 1 s · 2^attempt (cap 30 s)', jitter: '+ U(0, 1 s)', limit: '4 attempts',
 * //   coolDown: true, note: '429: Yes - respect Retry-After (else the canonical backoff).' }
 * ```
 */
export interface ExplainedRule {
  /** The row's id. */
  readonly rule: string;
  /** What the row matches, in words. */
  readonly matches: string;
  /** Whether the row retries. */
  readonly retry: boolean;
  /** The schedule in words, or '' for rows that stop. */
  readonly schedule: string;
  /** The jitter in words, or '' for rows that stop or have none. */
  readonly jitter: string;
  /** The attempt limit in words, or '' for rows that stop. */
  readonly limit: string;
  /** Whether a retry on a server hint makes every call sharing a budget wait (a throttling row). */
  readonly coolDown: boolean;
  /** The row's note. */
  readonly note: string;
}

/**
 * A policy's table in words, one entry per row, straight from the policy data.
 *
 * @example
 * ```ts
 * explainPolicy(mwsPolicy).find((row) => row.rule === 'RequestThrottled')?.schedule; // '1 s, 4 s, 10 s, 30 s'
 * ```
 */
export function explainPolicy(policy: Policy): ExplainedRule[] {
  return policy.rules.map((rule) => {
    const { code, status, kind } = rule.match;
    const matches = [
      code !== undefined && `code ${toList(code).join(' / ')}`,
      status !== undefined && `status ${toList(status).join(' / ')}`,
      kind !== undefined && `kind ${toList(kind).join(' / ')}`,
    ].filter(Boolean);
    const attempts = rule.maxRetries === undefined ? policy.maxAttempts : Math.min(policy.maxAttempts, rule.maxRetries + 1);
    return {
      rule: rule.id,
      matches: matches.length === 0 ? 'anything else' : matches.join(', '),
      retry: rule.retry,
      schedule: rule.retry ? describeSchedule(rule.schedule) : '',
      jitter: rule.retry && rule.jitter !== 'none' ? describeJitter(rule.jitter) : '',
      limit: rule.retry ? `${attempts} attempts` : '',
      coolDown: rule.coolDown,
      note: rule.note,
    };
  });
}

/**
 * A policy's table as Markdown: the README's tables are generated with this, so the docs
 * cannot drift from the code.
 *
 * @example
 * ```ts
 * console.log(policyTableMarkdown(scraperPolicy));
 * ```
 */
export function policyTableMarkdown(policy: Policy): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const lines = [
    `**\`${policy.name}\`**: at most ${policy.maxAttempts} attempts; a single wait above ${formatMs(policy.maxDelayMs)} stops the call. First matching row wins.`,
    '',
    '| Rule | Matches | Retry? | Schedule | Jitter | Limit | Shared cool-down | Note |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...explainPolicy(policy).map((row) =>
      `| \`${row.rule}\` | ${cell(row.matches)} | ${row.retry ? 'yes' : 'no'} | ${cell(row.schedule)} | ${cell(row.jitter)} | ${row.limit} | ${row.coolDown ? 'yes' : ''} | ${cell(row.note)} |`,
    ),
  ];
  return lines.join('\n');
}
