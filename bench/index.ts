// `npm run bench`: every scenario, all contenders side by side in one run, as ratios to a bare
// baseline. Prints a table and writes bench/results/latest.json and latest.md (untracked), so a run
// leaves the working tree clean; `npm run bench -- --write` writes the tracked bench/RESULTS.json
// and RESULTS.md instead, from which `npm run docs` fills the README's performance table.
// `npm run bench:smoke` (CI) runs a few iterations of everything so the code cannot rot, and
// writes bench/results/smoke.json and smoke.md only: its timings mean nothing.
import { bundleSize } from './scenarios/bundle-size.js';
import { decideThroughput } from './scenarios/decide-throughput.js';
import { failTwice } from './scenarios/fail-twice.js';
import { memory } from './scenarios/memory.js';
import { normalizeResponse } from './scenarios/normalize-response.js';
import { signalStorm } from './scenarios/signal-storm.js';
import { successPath } from './scenarios/success-path.js';
import { SMOKE, type ResultRow } from './measure.js';
import { benchMarkdown, resultJson, runInfo, terminalTable, WRITE, writeResultFiles, writtenLine, type BenchResults } from './report.js';

if (SMOKE && WRITE) throw new Error('a smoke run does not replace bench/RESULTS.*: its timings mean nothing');
const rows: ResultRow[] = [];
for (const scenario of [successPath, failTwice, decideThroughput, normalizeResponse, signalStorm, bundleSize]) {
  const result = await scenario();
  console.log(terminalTable(result));
  rows.push(...result);
}
const memoryRows = memory();
console.log(terminalTable(memoryRows));
rows.push(...memoryRows);

const results: BenchResults = { run: SMOKE ? runInfo('bench:smoke', ['--smoke']) : runInfo('bench'), rounds: SMOKE ? 1 : 3, rows };
// The tracked results change only when asked to: a run for a closing note is not a commit.
const written = writeResultFiles([
  { tracked: new URL('./RESULTS.json', import.meta.url), untracked: SMOKE ? 'smoke.json' : 'latest.json', content: resultJson(results) },
  { tracked: new URL('./RESULTS.md', import.meta.url), untracked: SMOKE ? 'smoke.md' : 'latest.md', content: benchMarkdown(results) },
]);
console.log(`\n${results.run.date}, ${results.run.machine}: ${rows.length} rows${SMOKE ? ' (smoke run: timings mean nothing)' : ''}\n${writtenLine(written)}`);
