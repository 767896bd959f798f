import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';

/** The policy file of docs/policy-files.md, with its `$schema` line as a user would write it. */
const EXAMPLE_POLICY_FILE = readFileSync(new URL('./fixtures/my-policy.json', import.meta.url), 'utf8');

function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  if (typeof code !== 'number') throw new Error('only demo is asynchronous');
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** `line:column` (1-based) of the first `needle` in `text`. */
function placeOf(text: string, needle: string): string {
  const before = text.slice(0, text.indexOf(needle)).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

describe('retry-table check with a "$schema" line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retry-table-schema-'));
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('accepts the docs example file, $schema included, and prints its table', () => {
    const path = write('my-policy.json', EXAMPLE_POLICY_FILE);
    const { code, out, err } = cli('check', path);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/^my-api: at most 4 attempts/);
    expect(out).toMatch(/throttled\s+status 429\s+yes\s+Retry-After, else 1 s/);
    expect(out).toContain(`${path}: a valid policy.`);
  });

  it('reads the same file for explain and plan', () => {
    const path = write('plan.json', EXAMPLE_POLICY_FILE);
    expect(cli('explain', path, '--json').code).toBe(0);
    expect(cli('plan', path, '--fail', '429@retry-after=2').out).toContain('retry in 2 s');
  });

  it('still names the file, line and column of a bad value after the $schema line', () => {
    const text = EXAMPLE_POLICY_FILE.replace('"capMs": 5000', '"capMs": -5000');
    const path = write('bad.json', text);
    const { code, err } = cli('check', path);
    expect(code).toBe(2);
    expect(err).toContain(`${path}:${placeOf(text, '-5000')}: policy "my-api", rule "server-errors": rules[1].schedule.capMs must be a finite number`);
  });

  it('rejects a $schema that is not a string, at its line and column', () => {
    const text = EXAMPLE_POLICY_FILE.replace(/"\$schema": "[^"]*"/, '"$schema": 7');
    const path = write('bad-schema.json', text);
    const { code, err } = cli('check', path);
    expect(code).toBe(2);
    expect(err).toContain(`${path}:${placeOf(text, '7,')}: policy "my-api": $schema must be a string: the path or URL of policy.schema.json (got 7)`);
  });

  it('takes $schema at the top only: inside a row it is an unknown field, as definePolicy says', () => {
    const text = JSON.stringify({ name: 'mine', rules: [{ $schema: 'x', match: {}, retry: false }] }, null, 2);
    const path = write('nested.json', text);
    const { code, err } = cli('check', path);
    expect(code).toBe(2);
    expect(err).toContain(`${path}:${placeOf(text, '"x"')}: policy "mine", rule "rules[0]": rules[0].$schema is not a known field`);
  });
});
