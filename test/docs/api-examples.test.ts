// Issue #13: every export of every package entry, types too, has an example in the API reference.
// The entries are typedoc's entry points (checked against package.json's exports); each exported
// name is followed through its re-exports to the declaration, whose TSDoc must hold an `@example`
// block with a fenced code block in it. Reads the sources with the TypeScript compiler: no build.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Exports allowed without an example: none now (the list held the engine's and adapters' while
 * they were rewritten). It can only shrink: the test fails when a name here has an example
 * already, is no longer exported, or is declared elsewhere. Written as `<declaring file> › <declared name>`.
 */
const PENDING_IN_RUN_AND_ADAPTERS: readonly string[] = [
];

type Export = { entry: string; name: string; declared: string; file: string; docs: string[] };

/** `retry-table/<name>` for each typedoc entry point, and the names package.json exports. */
function entries(): { list: { entry: string; file: string }[]; subpaths: string[] } {
  const typedoc = JSON.parse(readFileSync(`${root}typedoc.json`, 'utf8')) as { entryPoints: string[] };
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { name: string; exports: Record<string, unknown> };
  const list = typedoc.entryPoints.map((file) => {
    const base = file.replace(/^.*\//, '').replace(/\.ts$/, '');
    return { entry: base === 'index' ? pkg.name : `${pkg.name}/${base}`, file };
  });
  const subpaths = Object.keys(pkg.exports)
    // Data files (the policy JSON Schema) are exports without an API page.
    .filter((key) => key !== './package.json' && !key.includes('*') && !key.endsWith('.json'))
    .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));
  return { list, subpaths };
}

/**
 * The raw text of the TSDoc block of a declaration (for a variable, its statement's): the last one
 * before it, the one typedoc shows (a file's header comment may precede it).
 */
function docBlocks(declaration: ts.Declaration): string[] {
  const text = declaration.getSourceFile().text;
  return ts
    .getJSDocCommentsAndTags(declaration)
    .filter(ts.isJSDoc)
    .map((doc) => text.slice(doc.pos, doc.end))
    .slice(-1);
}

function listExports(list: { entry: string; file: string }[]): Export[] {
  const program = ts.createProgram(
    list.map((e) => `${root}${e.file}`),
    { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: true, noEmit: true, types: ['node'] },
  );
  const checker = program.getTypeChecker();
  const found: Export[] = [];
  for (const { entry, file } of list) {
    const source = program.getSourceFile(`${root}${file}`);
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`${file}: not a module`);
    for (const exported of checker.getExportsOfModule(module)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declarations = target.declarations ?? [];
      const first = declarations[0];
      if (!first) throw new Error(`${entry} › ${exported.name}: no declaration`);
      found.push({
        entry,
        name: exported.name,
        declared: target.name,
        file: relative(root, first.getSourceFile().fileName),
        docs: declarations.flatMap(docBlocks),
      });
    }
  }
  return found;
}

/**
 * The `@example` sections of a TSDoc block: from the tag to the next block tag outside a code
 * fence (an `@` inside a fence is code, as typedoc reads it).
 */
function exampleSections(block: string): string[] {
  const lines = block
    .replace(/^\/\*\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''));
  const sections: string[][] = [];
  let current: string[] | undefined;
  let inFence = false;
  for (const line of lines) {
    if (!inFence) {
      const tag = /^\s*@(\w+)/.exec(line);
      if (tag) {
        current = tag[1] === 'example' ? [] : undefined;
        if (current) sections.push(current);
        current?.push(line.replace(/^\s*@example/, ''));
        if (/^\s*```/.test(line)) inFence = !inFence;
        continue;
      }
    }
    if (/^\s*```/.test(line)) inFence = !inFence;
    current?.push(line);
  }
  return sections.map((section) => section.join('\n'));
}

/** A fenced code block with at least one line of code in it. */
const FENCED = /^\s*```[\w-]*\s*\n(?:.*\n)*?\s*\S.*\n(?:.*\n)*?\s*```\s*$/m;

const { list, subpaths } = entries();
const exported = listExports(list);
const key = (e: Export) => `${e.file} › ${e.declared}`;
const hasExample = (e: Export) => e.docs.some((doc) => exampleSections(doc).length > 0);
const pending = new Set(PENDING_IN_RUN_AND_ADAPTERS);
const where = (e: Export) => `${e.entry} › ${e.name} (${e.file})`;

describe('API reference examples (issue #13)', () => {
  it('finds the exports of every entry', () => {
    expect(list.map((e) => e.entry).sort(), 'typedoc.json entryPoints vs package.json exports').toEqual([...subpaths].sort());
    expect(new Set(exported.map((e) => e.entry)).size).toBeGreaterThanOrEqual(8);
    expect(exported.length).toBeGreaterThan(100);
  });

  it('every export has an @example in its TSDoc', () => {
    const missing = exported.filter((e) => !hasExample(e) && !pending.has(key(e))).map(where);
    expect([...new Set(missing)]).toEqual([]);
  });

  it('every @example holds a fenced code block', () => {
    const unfenced = exported
      .filter((e) => e.docs.some((doc) => exampleSections(doc).some((section) => !FENCED.test(`${section}\n`))))
      .map(where);
    expect([...new Set(unfenced)]).toEqual([]);
  });

  it('the pending allowance is exact: only src/run and src/adapters, still exported, still without an example', () => {
    const byKey = new Map(exported.map((e) => [key(e), e]));
    const wrong = PENDING_IN_RUN_AND_ADAPTERS.flatMap((name) => {
      const e = byKey.get(name);
      if (!e) return [`${name}: not an export of any entry (remove it)`];
      if (!/^src\/(run|adapters)\//.test(e.file)) return [`${name}: outside src/run and src/adapters (write its example)`];
      if (hasExample(e)) return [`${name}: has an example now (remove it from the list)`];
      return [];
    });
    expect(wrong).toEqual([]);
    expect(new Set(PENDING_IN_RUN_AND_ADAPTERS).size, 'duplicates in the list').toBe(PENDING_IN_RUN_AND_ADAPTERS.length);
  });

  it('reads @example sections as typedoc does', () => {
    const block = '/**\n * Sum.\n * @param a - one\n * @example Adding\n * ```ts\n * // @ts-expect-error not a tag\n * add(1, 2);\n * ```\n * @returns the sum\n */';
    expect(exampleSections(block)).toEqual([' Adding\n```ts\n// @ts-expect-error not a tag\nadd(1, 2);\n```']);
    expect(FENCED.test(`${exampleSections(block)[0]}\n`)).toBe(true);
    expect(FENCED.test('add(1, 2)\n')).toBe(false);
    expect(FENCED.test('```ts\n```\n')).toBe(false);
  });
});
