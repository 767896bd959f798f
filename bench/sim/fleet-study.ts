// `npm run sim` (second part): retry amplification and metastability, with and without a retry
// budget. Writes fleet-study.json (every figure), fleet-study.md and metastability.svg to
// bench/results/ (untracked); with `--write`, to bench/sim/ (tracked), from where `npm run docs`
// puts the figures in the README.
import { resultJson, runInfo, runLine, writeResultFiles, writtenLine } from '../report.js';
import { amplification } from './amplification.js';
import { metastability, OUTAGE_START_S } from './metastability.js';
import { lineChartsSvg } from './plot-svg.js';

const CALLS = 100_000;
const grpc10 = { type: 'grpc', maxTokens: 10, tokenRatio: 0.1 } as const;
const aws = { type: 'aws-quota' } as const;

const ampRows: string[] = [];
const amplificationTable: { p: number; theory: number; noBudget: number; grpc: number; awsQuota: number; awsQuotaRetries: number }[] = [];
for (const p of [0.1, 0.25, 0.5, 0.75, 0.9, 1]) {
  const none = await amplification(p, CALLS);
  const g = await amplification(p, CALLS, grpc10);
  const a = await amplification(p, CALLS, aws);
  const theory = p === 1 ? 4 : (1 - p ** 4) / (1 - p);
  amplificationTable.push({ p, theory, noBudget: none.attemptsPerCall, grpc: g.attemptsPerCall, awsQuota: a.attemptsPerCall, awsQuotaRetries: a.retries });
  ampRows.push(`| ${p} | ${theory.toFixed(3)} | ${none.attemptsPerCall.toFixed(3)} | ${g.attemptsPerCall.toFixed(3)} | ${a.attemptsPerCall.toFixed(3)} (${a.retries} retries) |`);
}
const awsTimeouts = await amplification(1, CALLS, aws, { failure: { kind: 'timeout' } });
const awsThrottled = await amplification(1, CALLS, aws, { failure: { kind: 'http', status: 429 } });
process.stdout.write('amplification done; ');

// Δ*: the shortest outage after which goodput without a budget never comes back (≤ 10% over the
// window 60 s to 180 s after the outage), searched in steps of 0.25 s.
const late = (goodput: number[], outageS: number): number => {
  const from = Math.ceil(OUTAGE_START_S + outageS + 60);
  const window = goodput.slice(from, from + 120);
  return window.reduce((a, b) => a + b, 0) / window.length;
};
let deltaStar = Number.NaN;
for (let outageS = 0.25; outageS <= 10; outageS += 0.25) {
  if (late(metastability({ outageS, budget: false, afterS: 200 }).goodput, outageS) <= 0.1) {
    deltaStar = outageS;
    break;
  }
}
const metaRows: string[] = [];
/** Seconds until goodput is back to 95% (null: never), and the goodput 60-180 s after the outage. */
const metastabilityTable: { outageS: number; noBudget: { recoveredAfterS: number | null; lateGoodput: number }; budget: { recoveredAfterS: number | null; lateGoodput: number } }[] = [];
for (const outageS of [1, deltaStar, 2, 5, 10, 15, 20]) {
  const none = metastability({ outageS, budget: false, afterS: 200 });
  const budgeted = metastability({ outageS, budget: true, afterS: 200 });
  const show = (r: { recoveredAt: number }) => (Number.isFinite(r.recoveredAt) ? `${r.recoveredAt} s` : 'never');
  const figures = (r: { recoveredAt: number; goodput: number[] }) => ({ recoveredAfterS: Number.isFinite(r.recoveredAt) ? r.recoveredAt : null, lateGoodput: Number(late(r.goodput, outageS).toFixed(4)) });
  metastabilityTable.push({ outageS, noBudget: figures(none), budget: figures(budgeted) });
  metaRows.push(`| ${outageS} s | ${show(none)} | ${(late(none.goodput, outageS) * 100).toFixed(1)}% | ${show(budgeted)} | ${(late(budgeted.goodput, outageS) * 100).toFixed(1)}% |`);
}
const curves = (outageS: number) => {
  const none = metastability({ outageS, budget: false, afterS: 120 }).goodput;
  const budgeted = metastability({ outageS, budget: true, afterS: 120 }).goodput;
  const points = (g: number[]) => g.map((v, s) => [s, Math.min(v, 1.2)] as const);
  return [
    { name: 'no budget', color: '#d62728', points: points(none) },
    { name: '10% budget (gRPC, 10 tokens, ratio 0.1)', color: '#2ca02c', points: points(budgeted) },
  ];
};
const svg = lineChartsSvg([
    { title: `Goodput, outage of ${deltaStar} s (Δ*) at t = 10 s`, xLabel: 'time (s)', yLabel: 'goodput / offered', series: curves(deltaStar) },
    { title: 'Goodput, outage of 10 s at t = 10 s', xLabel: 'time (s)', yLabel: 'goodput / offered', series: curves(10) },
]);
// serverPerSecond and callsPerSecond: metastability.ts's model (CAPACITY, RATE), as the page below states it.
const results = {
  run: runInfo('sim'),
  calls: CALLS,
  amplification: amplificationTable,
  awsQuotaRetriesAtP1: { timeouts: awsTimeouts.retries, throttled: awsThrottled.retries },
  metastability: { serverPerSecond: 300, callsPerSecond: 250, outageStartS: OUTAGE_START_S, deltaStarS: deltaStar, table: metastabilityTable },
};
const markdown = `# Retry amplification and metastability, with and without a retry budget

${runLine(results.run)}

Seeded, so every run gives these figures. The budgets are
retry-table's own (\`retryBudget\`), the retries are decided by \`policy.decide()\`.

## Amplification

A server failing each attempt with probability p; every call retried up to 3 times (4 attempts);
attempts per logical call over ${CALLS.toLocaleString('en-US')} calls. Theory without a budget: (1 − p⁴)/(1 − p).

| p | theory | no budget | gRPC budget (10 tokens, ratio 0.1) | AWS retry quota |
| --- | --- | --- | --- | --- |
${ampRows.join('\n')}

The failing server answers 503, which the AWS SDK counts as transient: each retry costs 10 of the
quota's 500 units. At p = 1 that is ${awsTimeouts.retries} retries after timeouts (also transient), and
${awsThrottled.retries} after throttling answers (429, cost 5), before the first refusal.

## Metastability

A FIFO server of 300 req/s; clients at 250 calls/s (Poisson) with a 1 s timeout, retrying timed-out
attempts at once (up to 3 retries); the server keeps serving requests whose client has gone. Its
capacity drops to 0 for Δ seconds at t = 10 s.

**Δ* = ${deltaStar} s**: from that outage on, without a budget, goodput never comes back (≤ 10% of the
offered load from 60 s to 180 s after the outage): the backlog makes every attempt time out, every
timeout adds a retry, and 4 × 250 attempts/s exceed the 300/s the server can do. With the 10% budget
the retries stop while most attempts fail, the backlog drains, and goodput returns.

| outage Δ | no budget: back to ≥ 95% after | no budget: goodput 60–180 s after | 10% budget: back to ≥ 95% after | 10% budget: goodput 60–180 s after |
| --- | --- | --- | --- | --- |
${metaRows.join('\n')}

("Back to ≥ 95%": from then on, goodput averaged over 10 s stays at or above 95% of the offered load.)

![goodput over time](metastability.svg)
`;
console.log(`Δ* = ${deltaStar} s; ${writtenLine(writeResultFiles([
  { tracked: new URL('./fleet-study.json', import.meta.url), content: resultJson(results) },
  { tracked: new URL('./fleet-study.md', import.meta.url), content: markdown },
  { tracked: new URL('./metastability.svg', import.meta.url), content: svg },
]))}`);
