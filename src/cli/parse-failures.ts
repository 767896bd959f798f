import type { Failure } from '../failure/failure.js';
import { CliError } from './cli-error.js';

/**
 * Parses the CLI's failure specs into failures, in order:
 * - `503` or `503:RequestThrottled`: an HTTP failure with a status and an optional code;
 * - `network` or `network:ECONNRESET`, `timeout`, `abort`, `unknown`: a failure of that kind;
 * - a hint belongs to its failure: `429:rate_limited@retry-after=7` (seconds),
 *   `503:QuotaExceeded@quota-reset=1800` (seconds until the quota resets);
 * - `x5` after a spec: that spec five times in all.
 *
 * @example
 * ```ts
 * parseFailureSpecs(['503:RequestThrottled', 'x2', '429@retry-after=7']);
 * // [{ kind: 'http', status: 503, code: 'RequestThrottled' }, (the same), { kind: 'http', status: 429, retryAfterMs: 7000 }]
 * ```
 */
export function parseFailureSpecs(specs: readonly string[]): Failure[] {
  const failures: Failure[] = [];
  for (const spec of specs) {
    const repeat = /^x(\d+)$/.exec(spec);
    if (repeat) {
      const last = failures[failures.length - 1];
      const times = Number(repeat[1]);
      if (last === undefined) throw new CliError(`"${spec}" must follow a failure, as in 503:RequestThrottled ${spec}`);
      if (times < 1 || times > 1000) throw new CliError(`"${spec}": the count must be from 1 to 1000`);
      for (let i = 1; i < times; i++) failures.push(last);
      continue;
    }
    failures.push(parseOne(spec));
  }
  if (failures.length === 0) throw new CliError('give at least one failure after --fail, such as 503:RequestThrottled');
  return failures;
}

function parseOne(spec: string): Failure {
  const [failurePart = '', ...hintParts] = spec.split('@');
  const failure = parseFailure(failurePart, spec);
  let hinted: Failure = failure;
  for (const hint of hintParts) hinted = withHint(hinted, hint, spec);
  return hinted;
}

/** `retry-after=7` or `quota-reset=1800` on an HTTP failure: the server's hints, in seconds. */
function withHint(failure: Failure, hint: string, spec: string): Failure {
  const [name, value, ...rest] = hint.split('=');
  const seconds = Number(value);
  if (rest.length > 0 || value === undefined || value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new CliError(`malformed hint "@${hint}" in "${spec}": expected @retry-after=<seconds> or @quota-reset=<seconds>`);
  }
  if (failure.kind !== 'http') throw new CliError(`"${spec}": only an HTTP failure carries a server hint`);
  if (name === 'retry-after') return { ...failure, retryAfterMs: Math.ceil(seconds * 1000) };
  if (name === 'quota-reset') return { ...failure, quota: { remaining: 0, resetsInMs: Math.ceil(seconds * 1000) } };
  throw new CliError(`unknown hint "@${name}" in "${spec}": expected retry-after or quota-reset`);
}

function parseFailure(text: string, spec: string): Failure {
  const [head = '', code, ...rest] = text.split(':');
  if (rest.length > 0 || code === '') throw new CliError(`malformed failure "${spec}": expected status[:code] or kind[:code]`);
  if (/^\d{3}$/.test(head)) {
    const status = Number(head);
    if (status < 400 || status > 599) throw new CliError(`malformed failure "${spec}": an HTTP failure needs a status from 400 to 599`);
    return { kind: 'http', status, ...(code === undefined ? {} : { code }) };
  }
  if (head === 'network' || head === 'timeout' || head === 'abort' || head === 'unknown') {
    return code === undefined ? { kind: head } : { kind: head, code };
  }
  throw new CliError(`malformed failure "${spec}": expected an HTTP status (503, 503:RequestThrottled) or network, timeout, abort, unknown`);
}
