import { readFileSync } from 'node:fs';
import { definePolicy, type Policy } from '../policy/define-policy.js';
import type { PolicySpec } from '../policy/policy-spec.js';
import { mwsPolicy } from '../policies/mws.js';
import { scraperPolicy } from '../policies/scraper.js';
import { spApiPolicy } from '../policies/sp-api.js';
import { isPolicyError, type PolicyError } from '../policy/policy-error.js';
import { CliError } from './cli-error.js';
import { lineColumn, parseErrorOffset, valueOffset } from './json-position.js';

const BUILT_IN: Readonly<Record<string, Policy>> = { mws: mwsPolicy, scraper: scraperPolicy, spapi: spApiPolicy };

/**
 * A policy by name (`mws`, `scraper`, `spapi`) or from a JSON file holding a {@link PolicySpec},
 * with an optional `"$schema"` line for editors. A bad file is reported by `definePolicy`'s own
 * {@link PolicyError}, naming the rule and field, at its `file:line:column`.
 *
 * @example
 * ```ts
 * loadPolicy('mws').maxAttempts; // 5
 * loadPolicy('my-policy.json'); // throws CliError 'my-policy.json:7:23: policy "mine", rule "busy": rules[0].retry must be true or false (got "yes")'
 * ```
 */
export function loadPolicy(nameOrPath: string | undefined): Policy {
  if (nameOrPath === undefined) throw new CliError('name a policy: mws, scraper, spapi, or a path to a JSON policy file');
  const builtIn = BUILT_IN[nameOrPath];
  if (builtIn !== undefined) return builtIn;
  if (!nameOrPath.endsWith('.json')) throw new CliError(`unknown policy "${nameOrPath}": use mws, scraper, spapi, or a path to a .json policy file`);
  let text: string;
  try {
    text = readFileSync(nameOrPath, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${nameOrPath}: ${(error as Error).message}`);
  }
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = parseErrorOffset(text, message);
    throw new CliError(`${where(nameOrPath, text, offset)} is not valid JSON: ${message}`);
  }
  try {
    // definePolicy takes the file's `"$schema"` line itself, so the CLI reads files as code does.
    return definePolicy(spec as PolicySpec);
  } catch (error) {
    if (!isPolicyError(error)) throw error;
    // Point at the bad value in the file, as a compiler would: path:line:column.
    throw new CliError(`${where(nameOrPath, text, valueOffset(text, error.field))}: ${error.message}`);
  }
}

/** `file:line:column`, or just the file when the place is unknown. */
function where(path: string, text: string, offset: number | undefined): string {
  if (offset === undefined) return path;
  const { line, column } = lineColumn(text, offset);
  return `${path}:${line}:${column}`;
}
