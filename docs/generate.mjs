// `npm run docs` (after a build): rewrites the policy tables in README.md and the schedule
// timelines docs/<policy>-timeline.svg from the built package's policy data, so the docs cannot
// drift from the code. test/docs/readme.test.ts fails when they are out of date. Then fills the
// README's figures from the runs' tracked result files (docs/figures.mjs; test/docs/figures.test.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { mwsPolicy, scraperPolicy, spApiPolicy } from '../dist/index.js';
import { policyTableMarkdown, policyTimelineSvg } from '../dist/tooling.js';
import { fillFigures } from './figures.mjs';

const readmePath = new URL('../README.md', import.meta.url);
let readme = readFileSync(readmePath, 'utf8');
for (const policy of [mwsPolicy, scraperPolicy, spApiPolicy]) {
  const start = `<!-- policy-table:${policy.name} -->`;
  const end = `<!-- /policy-table:${policy.name} -->`;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from === -1 || to === -1) throw new Error(`README.md lacks the ${start} ... ${end} markers`);
  readme = `${readme.slice(0, from + start.length)}\n${policyTableMarkdown(policy)}\n${readme.slice(to)}`;
  writeFileSync(new URL(`./${policy.name}-timeline.svg`, import.meta.url), policyTimelineSvg(policy));
}
readme = fillFigures(readme, { withPackage: true });
writeFileSync(readmePath, readme);
console.log('README.md policy tables and figures, docs/*-timeline.svg regenerated');
