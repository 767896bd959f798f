import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layers of docs/architecture.md, lowest first. A module may import its own folder and any
 * folder of a lower layer, never one of its own layer or above: so the core can be read (and
 * changed) bottom up, and nothing below `run/` knows that calls, clocks or budgets exist.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['shared'],
  ['failure'],
  ['schedule'],
  ['policy'],
  ['budget', 'policies'],
  ['pacing'],
  ['run'],
  ['plan', 'adapters'],
  ['explain'],
  ['demo'],
  ['cli'],
  ['.'], // the entries: index.ts, tooling.ts, redis.ts
];

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function layerOf(folder: string): number {
  const index = LAYERS.findIndex((layer) => layer.includes(folder));
  if (index === -1) throw new Error(`src/${folder}/ is in no layer: add it to LAYERS and to docs/architecture.md`);
  return index;
}

/** The top folder of a path under src/ ('.' for the entries). */
function folderOf(path: string): string {
  const parts = relative(src, path).split(/[\\/]/);
  return parts.length === 1 ? '.' : parts[0]!;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Every relative import and export-from of a file, type-only ones included. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)].map((m) => resolve(dirname(file), m[1]!));
}

describe('layers import downward only (docs/architecture.md)', () => {
  const files = sourceFiles(src);

  it('finds the source files and their imports', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(files.flatMap(importsOf).length).toBeGreaterThan(100);
  });

  it.each(files.map((file) => [relative(src, file), file] as const))('src/%s', (_name, file) => {
    const from = folderOf(file);
    const wrong = importsOf(file)
      // The package's data files (policy.schema.json, bundled into the tooling entry) are in no layer.
      .filter((target) => !(relative(src, target).startsWith('..') && target.endsWith('.json')))
      .map((target) => folderOf(target))
      .filter((to) => to !== from && layerOf(to) >= layerOf(from));
    expect(wrong, `src/${from}/ (layer ${layerOf(from)}) may only import lower layers`).toEqual([]);
  });
});
