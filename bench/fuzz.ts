// `npm run fuzz [-- --runs N]`: the fuzz properties (test/fuzz) with N generated cases each
// (default FUZZ_RUNS, else 100,000; FUZZ_SEED picks the seed), timed. Writes bench/results/fuzz.json and fuzz.md
// (untracked); `-- --write` writes the tracked bench/fuzz.* instead, whose figures `npm run docs`
// puts in the README. Exits with vitest's code.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resultJson, runInfo, runLine, writeResultFiles, writtenLine } from './report.js';

const { values } = parseArgs({ options: { write: { type: 'boolean', default: false }, runs: { type: 'string', default: process.env['FUZZ_RUNS'] ?? '100000' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`);

const scratch = new URL('./results/fuzz-vitest.json', import.meta.url);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const startedAt = performance.now();
const vitest = spawnSync('npx', ['vitest', 'run', 'test/fuzz', '--reporter=default', '--reporter=json', `--outputFile.json=${fileURLToPath(scratch)}`], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: String(runs) },
});
const seconds = (performance.now() - startedAt) / 1000;

interface VitestJson {
  readonly numTotalTests: number;
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numPendingTests: number;
  readonly success: boolean;
  readonly testResults: readonly { readonly name: string; readonly assertionResults: readonly { readonly fullName: string; readonly title: string; readonly status: string; readonly duration?: number | null }[] }[];
}
const report = JSON.parse(readFileSync(scratch, 'utf8')) as VitestJson;
const root = fileURLToPath(new URL('..', import.meta.url));
const properties = report.testResults.flatMap((file) =>
  file.assertionResults.map((test) => {
    // Every property's title ends with its number of cases: "(100,000 cases, seed 20261122)".
    const cases = /\(([\d,]+) cases, seed/.exec(test.title)?.[1];
    return {
      file: file.name.startsWith(root) ? file.name.slice(root.length) : file.name,
      name: test.fullName,
      status: test.status,
      cases: cases === undefined ? null : Number(cases.replace(/,/g, '')),
      seconds: test.duration == null ? null : Number((test.duration / 1000).toFixed(2)),
    };
  }),
);
const results = {
  run: runInfo('fuzz'),
  runs,
  seed: Number(process.env['FUZZ_SEED'] ?? 20_261_122),
  seconds: Number(seconds.toFixed(1)),
  files: report.testResults.length,
  properties: report.numTotalTests,
  passed: report.numPassedTests,
  failed: report.numFailedTests,
  skipped: report.numPendingTests,
  cases: properties.reduce((total, p) => total + (p.status === 'passed' ? (p.cases ?? 0) : 0), 0),
  success: report.success && vitest.status === 0,
  tests: properties,
};
const markdown = `# Fuzz run

${runLine(results.run)}

The fast-check properties of test/fuzz, ${runs.toLocaleString('en-US')} generated cases each (a property whose cases are
slow takes fewer, as its title says), seed ${results.seed}, in ${results.seconds} s: ${results.passed} of ${results.properties} passed,
${results.failed} failed, ${results.skipped} skipped. \`npm run docs\` puts these figures in the README from fuzz.json.

| property | file | cases | time (s) | status |
| --- | --- | ---: | ---: | --- |
${properties.map((p) => `| ${p.name} | ${p.file} | ${p.cases?.toLocaleString('en-US') ?? ''} | ${p.seconds ?? ''} | ${p.status} |`).join('\n')}
`;
console.log(writtenLine(writeResultFiles([
  { tracked: new URL('./fuzz.json', import.meta.url), content: resultJson(results) },
  { tracked: new URL('./fuzz.md', import.meta.url), content: markdown },
])));
process.exitCode = vitest.status ?? 1;
