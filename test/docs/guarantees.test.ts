import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const page = readFileSync(new URL('docs/guarantees.md', root), 'utf8');
/** Lines such as: - `test/x.test.ts` › "title" */
const references = [...page.matchAll(/^- `([^`]+\.test\.ts)` › "(.+)"$/gm)].map((m) => ({ file: m[1]!, title: m[2]! }));

describe('docs/guarantees.md', () => {
  it('names at least one test for every guarantee', () => {
    const sections = page.split(/^## /m).slice(1);
    expect(sections.length).toBeGreaterThanOrEqual(10);
    for (const section of sections) expect(section, section.split('\n')[0]).toMatch(/^- `[^`]+` › "/m);
  });

  it.each(references)('$file has the test "$title"', ({ file, title }) => {
    const path = new URL(file, root);
    expect(existsSync(path)).toBe(true);
    const source = readFileSync(path, 'utf8');
    // Titles are quoted with ', " or ` in the source; %s-style titles appear as written.
    const quoted = [`'${title}'`, `"${title}"`, `\`${title}`].some((q) => source.includes(q)) || source.includes(title.replace(/'/g, "\\'"));
    expect(quoted, `${title} in ${file}`).toBe(true);
  });
});
