import type { Failure } from '../failure/failure.js';
import type { CompiledRule } from '../policy/compiled-rule.js';
import type { Policy } from '../policy/define-policy.js';
import { toList } from '../policy/match-fields.js';
import { plan } from '../plan/plan.js';
import { formatMs } from './describe-schedule.js';

/** A failure that the row matches, for drawing its schedule. */
function sampleFailure(rule: CompiledRule): Failure {
  const code = toList(rule.match.code)[0];
  const status = toList(rule.match.status)[0];
  const kind = toList(rule.match.kind)[0] ?? 'http';
  const numericStatus = typeof status === 'number' ? status : typeof status === 'string' ? Number(status[0]) * 100 : undefined;
  return { kind: numericStatus === undefined && code === undefined ? kind : 'http', ...(numericStatus === undefined ? {} : { status: numericStatus }), ...(code === undefined ? {} : { code }) };
}

interface Lane {
  readonly label: string;
  /** Attempt start times (ms from the call's start) at the mean jitter, and their jitter ranges. */
  readonly attempts: readonly { readonly at: number; readonly min: number; readonly max: number }[];
  readonly gaveUp: boolean;
}

/** One lane per distinct schedule among the retried rows, each labelled with its rows' ids. */
function lanes(policy: Policy): Lane[] {
  const byShape = new Map<string, { rules: string[]; failure: Failure }>();
  for (const rule of policy.rules) {
    if (!rule.retry) continue;
    const shape = JSON.stringify([rule.schedule, rule.jitter, rule.maxRetries]);
    const lane = byShape.get(shape);
    if (lane === undefined) byShape.set(shape, { rules: [rule.id], failure: sampleFailure(rule) });
    else lane.rules.push(rule.id);
  }
  return [...byShape.values()].map(({ rules, failure }) => {
    const failures = Array<Failure>(policy.maxAttempts).fill(failure);
    const at = (random: number) => plan(policy, failures, { random }).steps;
    const [mean, low, high] = [at(0.5), at(0), at(0.999)];
    const times = (steps: typeof mean) => [0, ...steps.filter((s) => s.delayMs !== undefined).map((s) => s.cumulativeMs)];
    const [t, tLow, tHigh] = [times(mean), times(low), times(high)];
    const label = rules.length > 2 ? `${rules.slice(0, 2).join(', ')} and ${rules.length - 2} more` : rules.join(', ');
    return {
      label,
      attempts: t.map((ms, i) => ({ at: ms, min: tLow[i] ?? ms, max: tHigh[i] ?? ms })),
      gaveUp: mean[mean.length - 1]?.decision.action === 'stop',
    };
  });
}

/**
 * An SVG timeline of a policy's schedules, drawn from the policy data: one lane per distinct
 * schedule among the retried rows, one dot per attempt at its start time (jitter at its mean,
 * with a bar over its range), and a cross where the call gives up.
 *
 * @example
 * ```ts
 * writeFileSync('mws.svg', policyTimelineSvg(mwsPolicy));
 * ```
 */
export function policyTimelineSvg(policy: Policy): string {
  const all = lanes(policy);
  const width = 860;
  const labelWidth = 330;
  const laneHeight = 34;
  const top = 40;
  const height = top + all.length * laneHeight + 36;
  const maxMs = Math.max(...all.flatMap((lane) => lane.attempts.map((a) => a.max)), 1000);
  const x = (ms: number): number => labelWidth + (ms / maxMs) * (width - labelWidth - 90);
  const ticks = niceTicks(maxMs);
  const grid = ticks
    .map((ms) => `<line x1="${x(ms)}" x2="${x(ms)}" y1="${top - 8}" y2="${height - 30}" stroke="#e5e5e5"/><text x="${x(ms)}" y="${height - 14}" text-anchor="middle">${ms === 0 ? '0' : formatMs(ms)}</text>`)
    .join('');
  const rows = all
    .map((lane, i) => {
      const y = top + i * laneHeight + laneHeight / 2;
      const marks = lane.attempts
        .map((a, n) => {
          const last = n === lane.attempts.length - 1;
          const bar = a.max > a.min ? `<line x1="${x(a.min)}" x2="${x(a.max)}" y1="${y}" y2="${y}" stroke="#9ecae1" stroke-width="8"/>` : '';
          const dot = `<circle cx="${x(a.at)}" cy="${y}" r="5" fill="${n === 0 ? '#555' : '#1f77b4'}"><title>attempt ${n + 1} at ${formatMs(a.at)}</title></circle>`;
          const cross = last && lane.gaveUp ? `<text x="${x(a.at) + 9}" y="${y + 4}" fill="#d62728">✗ gives up</text>` : '';
          return bar + dot + cross;
        })
        .join('');
      return `<text x="8" y="${y + 4}">${escape(lane.label)}</text><line x1="${labelWidth}" x2="${x(lane.attempts[lane.attempts.length - 1]!.at)}" y1="${y}" y2="${y}" stroke="#bbb"/>${marks}`;
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="8" y="20" font-size="14" font-weight="bold">${escape(policy.name)}: attempt start times when every attempt fails (dot: mean jitter, bar: jitter range)</text>
${grid}
${rows}
</svg>
`;
}

function niceTicks(maxMs: number): number[] {
  const step = [1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000].find((s) => maxMs / s <= 8) ?? 300_000;
  return Array.from({ length: Math.floor(maxMs / step) + 1 }, (_, i) => i * step);
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
