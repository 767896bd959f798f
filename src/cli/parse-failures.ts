import type { Failure } from '../failure/failure.js';
import { CliError } from './cli-error.js';

/**
 * Parses the CLI's failure specs into failures, in order:
 * - `503` or `503:RequestThrottled`: an HTTP failure with a status and an optional code;
 * - `network` or `network:ECONNRESET`, `timeout`, `abort`, `unknown`: a failure of that kind;
 * - `x5` after a spec: that spec five times in all.
 * `retryAfterSeconds`, when given, is put on every HTTP failure as its Retry-After hint.
 *
 * @example
 * ```ts
 * parseFailureSpecs(['503:RequestThrottled', 'x2', 'network']);
 * // [{ kind: 'http', status: 503, code: 'RequestThrottled' }, (the same), { kind: 'network' }]
 * ```
 */
export function parseFailureSpecs(specs: readonly string[], retryAfterSeconds?: number): Failure[] {
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
    failures.push(parseOne(spec, retryAfterSeconds));
  }
  if (failures.length === 0) throw new CliError('give at least one failure after --fail, such as 503:RequestThrottled');
  return failures;
}

function parseOne(spec: string, retryAfterSeconds: number | undefined): Failure {
  const [head = '', code, ...rest] = spec.split(':');
  if (rest.length > 0 || code === '') throw new CliError(`malformed failure "${spec}": expected status[:code] or kind[:code]`);
  if (/^\d{3}$/.test(head)) {
    const status = Number(head);
    if (status < 400 || status > 599) throw new CliError(`malformed failure "${spec}": an HTTP failure needs a status from 400 to 599`);
    return {
      kind: 'http',
      status,
      ...(code === undefined ? {} : { code }),
      ...(retryAfterSeconds === undefined ? {} : { retryAfterMs: retryAfterSeconds * 1000 }),
    };
  }
  if (head === 'network' || head === 'timeout' || head === 'abort' || head === 'unknown') {
    return code === undefined ? { kind: head } : { kind: head, code };
  }
  throw new CliError(`malformed failure "${spec}": expected an HTTP status (503, 503:RequestThrottled) or network, timeout, abort, unknown`);
}
