import { parseArgs } from 'node:util';
import { isPolicyError } from '../policy/policy-error.js';
import { formatMs } from '../explain/describe-schedule.js';
import { explainPolicy } from '../explain/explain-policy.js';
import { plan } from '../plan/plan.js';
import type { Failure } from '../failure/failure.js';
import { CliError } from './cli-error.js';
import { formatTable } from './format-table.js';
import { loadPolicy } from './load-policy.js';
import { parseFailureSpecs } from './parse-failures.js';
import { runDemo } from '../demo/demo.js';

const USAGE = `usage:
  retry-table demo [--speed <factor>]
  retry-table plan <policy> --fail <status[:code]|kind[:code]>[@retry-after=<s>|@quota-reset=<s>] [x<count>] ... [--random <0..1>] [--json]
  retry-table explain <policy> [--json]
  retry-table check <policy.json>

<policy> is mws, scraper, spapi, or a path to a JSON policy file.
examples:
  retry-table plan mws --fail 503:RequestThrottled x5
  retry-table plan scraper --fail 429:rate_limited@retry-after=7 --fail 500:internal_error
  retry-table plan spapi --fail 429:QuotaExceeded x3
  retry-table check my-policy.json
  retry-table explain scraper --json`;

/** Where the CLI writes: injectable so tests read what a user would see. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether `out` is a terminal (the demo then draws a live status line). */
  readonly interactive?: boolean;
}

/**
 * The `retry-table` command. Returns the exit code (a promise of it for `demo`): 0 on success,
 * 1 when the demo's expectations fail, 2 for usage errors (unknown policy, malformed failure spec,
 * invalid policy file).
 *
 * @example
 * ```ts
 * const code = await runCli(['plan', 'mws', '--fail', '503:RequestThrottled', 'x5'], { out: console.log, err: console.error });
 * ```
 */
export function runCli(argv: readonly string[], io: CliIo): number | Promise<number> {
  try {
    const { values, positionals, tokens } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      tokens: true,
      options: {
        fail: { type: 'string', multiple: true },
        random: { type: 'string' },
        json: { type: 'boolean', default: false },
        speed: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    const [command, policyName, ...extra] = positionals;
    if (values.help || command === undefined) {
      io.out(USAGE);
      return command === undefined && !values.help ? 2 : 0;
    }
    if (command === 'demo') {
      if (policyName !== undefined) throw new CliError(`unexpected arguments: ${[policyName, ...extra].join(' ')}`);
      const speed = numberOption('--speed', values.speed, { above: 0 }) ?? 20;
      return runDemo({ speed, write: io.out, interactive: io.interactive }).then((held) => (held ? 0 : 1));
    }
    if (command === 'explain') {
      if (extra.length > 0) throw new CliError(`unexpected arguments: ${extra.join(' ')}`);
      explain(policyName, values.json, io);
      return 0;
    }
    if (command === 'check') {
      if (extra.length > 0) throw new CliError(`unexpected arguments: ${extra.join(' ')}`);
      if (policyName === undefined || !policyName.endsWith('.json')) throw new CliError('check takes a path to a JSON policy file, such as my-policy.json');
      explain(policyName, values.json, io);
      if (!values.json) io.out(`\n${policyName}: a valid policy.`);
      return 0;
    }
    if (command === 'plan') {
      // `--fail 503:X x5 --fail 500`: every --fail value and every later positional, in command-line order.
      const specs = tokens.flatMap((token) =>
        token.kind === 'option' && token.name === 'fail' && token.value !== undefined
          ? [token.value]
          : token.kind === 'positional' && token.index > argv.indexOf(policyName ?? '')
            ? [token.value]
            : [],
      );
      runPlan(policyName, specs, numberOption('--random', values.random, { atLeast: 0, below: 1 }), values.json, io);
      return 0;
    }
    throw new CliError(`unknown command "${command}"`);
  } catch (error) {
    const message = error instanceof CliError || isPolicyError(error) ? error.message : isParseArgsError(error) ? parseArgsMessage(error) : undefined;
    if (message === undefined) throw error;
    io.err(`retry-table: ${message}\n\n${USAGE}`);
    return 2;
  }
}

function explain(policyName: string | undefined, json: boolean, io: CliIo): void {
  const policy = loadPolicy(policyName);
  const rows = explainPolicy(policy);
  if (json) {
    io.out(JSON.stringify({ policy: policy.name, maxAttempts: policy.maxAttempts, maxDelayMs: policy.maxDelayMs, rules: rows }, null, 2));
    return;
  }
  io.out(`${policy.name}: at most ${policy.maxAttempts} attempts; a single wait above ${formatMs(policy.maxDelayMs)} stops the call. First matching row wins.\n`);
  io.out(
    formatTable(
      ['rule', 'matches', 'retry?', 'schedule', 'jitter', 'limit', 'cool-down', 'note'],
      rows.map((r) => [r.rule, r.matches, r.retry ? 'yes' : 'no', r.schedule, r.jitter, r.limit, r.coolDown ? 'shared' : '', r.note]),
    ),
  );
}

function runPlan(policyName: string | undefined, specs: readonly string[], random: number | undefined, json: boolean, io: CliIo): void {
  const policy = loadPolicy(policyName);
  const failures = parseFailureSpecs(specs);
  const result = plan(policy, failures, { random });
  if (json) {
    io.out(
      JSON.stringify(
        {
          policy: result.policy,
          steps: result.steps.map(({ attempt, failure, decision, delayMs, cumulativeMs, rule, reason }) => ({
            attempt,
            failure,
            action: decision.action,
            delayMs,
            cumulativeMs,
            rule,
            reason,
          })),
          outcome: result.outcome,
          totalDelayMs: result.totalDelayMs,
        },
        null,
        2,
      ),
    );
    return;
  }
  const rows = result.steps.map((step) => [
    String(step.attempt),
    describeFailure(step.failure),
    step.decision.action === 'retry' ? `retry in ${formatMs(step.delayMs!)}` : `give up: ${step.reason}`,
    formatMs(step.cumulativeMs),
    step.rule ?? '(no row)',
  ]);
  io.out(formatTable(['attempt', 'failure', 'decision', 'cumulative', 'rule'], rows));
  io.out(
    result.outcome.stopped
      ? `\ngave up after ${result.steps.length} attempts (${result.outcome.reason}); waited ${formatMs(result.totalDelayMs)} in all`
      : `\nthe failures ran out while the policy would still retry; waited ${formatMs(result.totalDelayMs)} so far`,
  );
}

function describeFailure(failure: Failure): string {
  const parts = [failure.kind === 'http' ? String(failure.status) : failure.kind, failure.code].filter(Boolean);
  const hint = failure.retryAfterMs === undefined ? '' : ` (Retry-After ${formatMs(failure.retryAfterMs)})`;
  return parts.join(' ') + hint;
}

/** A numeric flag, checked with one message shape for every flag: `--speed must be a number above 0 (got "fast")`. */
function numberOption(name: string, value: string | undefined, range: { above?: number; atLeast?: number; below?: number }): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  const bounds = [
    range.above !== undefined ? `above ${range.above}` : undefined,
    range.atLeast !== undefined ? `${range.atLeast} or more` : undefined,
    range.below !== undefined ? `below ${range.below}` : undefined,
  ].filter(Boolean);
  const fits =
    value.trim() !== '' &&
    Number.isFinite(number) &&
    (range.above === undefined || number > range.above) &&
    (range.atLeast === undefined || number >= range.atLeast) &&
    (range.below === undefined || number < range.below);
  if (!fits) throw new CliError(`${name} must be a number ${bounds.join(' and ')} (got "${value}")`);
  return number;
}

/** parseArgs' own wording ("Unknown option '--bogus'. To specify a positional…") made ours. */
function parseArgsMessage(error: unknown): string {
  const text = (error as Error).message;
  const unknown = /Unknown option '([^']+)'/.exec(text);
  if (unknown !== null) return `unknown option ${unknown[1]}`;
  const missing = /Option '([^']+)'.*argument missing/.exec(text);
  if (missing !== null) return `${missing[1]} needs a value`;
  return text.split('.')[0]!;
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
