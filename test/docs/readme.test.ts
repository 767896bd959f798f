import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mwsPolicy, scraperPolicy, spApiPolicy } from '../../src/index.js';
import { policyTableMarkdown, policyTimelineSvg } from '../../src/tooling.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README.md', () => {
  it.each([mwsPolicy, scraperPolicy, spApiPolicy])('shows the $name policy table as generated from the policy data (run `npm run docs` to refresh)', (policy) => {
    const start = `<!-- policy-table:${policy.name} -->\n`;
    const end = `\n<!-- /policy-table:${policy.name} -->`;
    const from = readme.indexOf(start);
    const to = readme.indexOf(end);
    expect(from).toBeGreaterThan(-1);
    expect(readme.slice(from + start.length, to)).toBe(policyTableMarkdown(policy));
  });

  it.each([mwsPolicy, scraperPolicy, spApiPolicy])('shows the $name schedule timeline as generated from the policy data', (policy) => {
    const svg = readFileSync(new URL(`../../docs/${policy.name}-timeline.svg`, import.meta.url), 'utf8');
    expect(svg).toBe(policyTimelineSvg(policy));
    expect(readme).toContain(`docs/${policy.name}-timeline.svg`);
  });
});
