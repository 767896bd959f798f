import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The CUBIC limiter's files promise to be pure (the caller passes the time) and to sit low in
 * the layers (src/pacing imports only src/shared and src/failure): checked on the text, so a
 * later edit that reaches for a clock or for src/run fails here, not in production.
 */
const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/pacing');
const files = readdirSync(dir).filter((name) => /^(cubic|adaptive)-.*\.ts$/.test(name));

describe.each(files)('src/pacing/%s', (name) => {
  const text = readFileSync(join(dir, name), 'utf8');
  const code = text.replace(/\/\*\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, ''); // examples may sleep; code may not

  it('reads no clock, sets no timer, draws no random number', () => {
    expect(code).not.toMatch(/\b(Date|performance|setTimeout|setInterval|setImmediate|Math\.random|process\.hrtime|crypto)\b/);
  });

  it('imports only src/shared, src/failure and its own folder', () => {
    const targets = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]!);
    expect(targets.filter((t) => !/^\.\.\/(shared|failure)\/|^\.\/(cubic|adaptive)-/.test(t))).toEqual([]);
  });

  it('documents every export with an @example', () => {
    const exports = [...text.matchAll(/^export (?:function|const|interface|type|class) (\w+)/gm)].map((m) => m[1]!);
    expect(exports.length).toBeGreaterThan(0);
    for (const exported of exports) {
      const declaration = `export (?:function|const|interface|type|class) ${exported}\\b`;
      const doc = new RegExp(`\\/\\*\\*((?:(?!\\*\\/)[\\s\\S])*)\\*\\/\\s*${declaration}`).exec(text);
      expect(doc?.[1], `${exported} has TSDoc`).toBeDefined();
      expect(doc![1], `${exported} has an @example`).toContain('@example');
    }
  });
});

it('finds the files', () => {
  expect(files.length).toBeGreaterThanOrEqual(5);
});
