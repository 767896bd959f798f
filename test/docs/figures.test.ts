import { existsSync, readFileSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIGURES, figureBlock, fillFigures, readResults, runNote } from '../../docs/figures.mjs';
import { benchMarkdown, runLine, WRITE, writeResultFiles, type BenchResults } from '../../bench/report.js';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
/** The Markdown page each tracked JSON file sits beside. */
const sources = [...new Set(FIGURES.map((f) => f.source))];
const page = (source: string): string => readFileSync(new URL(source.replace(/\.json$/, '.md'), root), 'utf8');

describe('README figures (npm run docs fills them from the tracked result files)', () => {
  it.each(FIGURES)('$name is what $source gives (run `npm run docs` to refresh)', ({ name, source, render }) => {
    expect(figureBlock(readme, name), `<!-- figures:${name} --> markers`).toBeDefined();
    expect(figureBlock(readme, name)).toBe(render(readResults(source)));
  });

  it.each(sources)('from %s name the command, date, machine and commit of its run', (source) => {
    const { run } = readResults(source);
    expect(run.command).toMatch(/^npm run [\w:]+/);
    expect(run.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(run.machine).toMatch(/cores/);
    expect(run.commit).toMatch(/^[0-9a-f]{7,}$/);
    // A setup sentence may come before the figures; the figures themselves carry the run.
    expect(FIGURES.filter((f) => f.source === source).some((f) => figureBlock(readme, f.name)?.includes(runNote(run)))).toBe(true);
  });

  it('are filled again to the same README: npm run docs changes nothing twice', () => {
    expect(fillFigures(readme)).toBe(readme);
  });

  it('include the package size that npm pack --dry-run gave at the last npm run docs', () => {
    expect(figureBlock(readme, 'package')).toMatch(/^\d+ files, a \d+ kB tarball$/);
  });
});

describe('the tracked result files', () => {
  it('bench/RESULTS.md is the table of bench/RESULTS.json', () => {
    expect(readFileSync(new URL('bench/RESULTS.md', root), 'utf8')).toBe(benchMarkdown(readResults('bench/RESULTS.json') as BenchResults));
  });

  it.each(sources.filter((source) => source !== 'bench/RESULTS.json'))('%s has its Markdown page, from the same run', (source) => {
    expect(page(source)).toContain(runLine(readResults(source).run));
  });

  it('change only with --write: a run writes bench/results/, which git ignores', () => {
    expect(WRITE).toBe(false);
    const tracked = new URL('bench/zz-figures-test.json', root);
    const [written] = writeResultFiles([{ tracked, content: '{}\n' }]);
    try {
      expect(written).toBe(new URL('bench/results/zz-figures-test.json', root).pathname);
      expect(existsSync(tracked)).toBe(false);
    } finally {
      rmSync(written!, { force: true });
    }
    expect(readFileSync(new URL('.gitignore', root), 'utf8').split('\n')).toContain('bench/results/');
  });
});
