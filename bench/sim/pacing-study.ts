// `npm run sim` (third part): N clients against one SP-API usage plan, paced by the library's
// rate limiter or retrying 429s only. Writes pacing-study.json (every figure), pacing-study.md and
// pacing.svg to bench/results/ (untracked); with `--write`, to bench/sim/ (tracked), from where
// `npm run docs` puts the figures in the README.
import { resultJson, runInfo, runLine, writeResultFiles, writtenLine } from '../report.js';
import { HOP_MEAN_MS, MODES, PLAN, quantile, simulatePacing, type Mode, type PacingResult } from './pacing-sim.js';
import { lineChartsSvg } from './plot-svg.js';

const CLIENTS = [1, 4, 16, 64];
const RUNS = 5;
const DURATION_S = 3600;
const COLORS: Record<Mode, string> = { paced: '#2ca02c', 'retry-only': '#d62728' };
const LABELS: Record<Mode, string> = { paced: 'paced (rateLimiter)', 'retry-only': 'retry-only' };

/** Runs pooled: counts summed, latencies of every run together, so p99 rests on ~9,000 calls. */
interface Cell {
  readonly requests: number;
  readonly throttledPer1000: number;
  readonly goodput: number;
  readonly p50S: number;
  readonly p99S: number;
  readonly maxS: number;
  readonly gaveUpPer1000: number;
  /** 429s per run, and when the first came (s; NaN for none), to show where paced ones come from. */
  readonly throttlesPerRun: readonly number[];
  readonly firstThrottleS: readonly number[];
}

async function cell(clients: number, mode: Mode): Promise<Cell> {
  const runs: PacingResult[] = [];
  for (let seed = 1; seed <= RUNS; seed++) runs.push(await simulatePacing({ clients, mode, durationS: DURATION_S, seed }));
  const sum = (f: (r: PacingResult) => number): number => runs.reduce((total, r) => total + f(r), 0);
  const requests = sum((r) => r.requests);
  const succeeded = sum((r) => r.succeeded);
  const gaveUp = sum((r) => Object.values(r.gaveUp).reduce((a, b) => a + b, 0));
  const latencies = runs.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  return {
    requests: requests / RUNS,
    throttledPer1000: (sum((r) => r.throttled) / requests) * 1000,
    goodput: sum((r) => r.goodput) / RUNS,
    p50S: quantile(latencies, 0.5) / 1000,
    p99S: quantile(latencies, 0.99) / 1000,
    maxS: quantile(latencies, 1) / 1000,
    gaveUpPer1000: (gaveUp / (gaveUp + succeeded)) * 1000,
    throttlesPerRun: runs.map((r) => r.throttled),
    firstThrottleS: runs.map((r) => (r.throttledAtMs[0] ?? Number.NaN) / 1000),
  };
}

const table = new Map<number, Record<Mode, Cell>>();
for (const clients of CLIENTS) {
  table.set(clients, { paced: await cell(clients, 'paced'), 'retry-only': await cell(clients, 'retry-only') });
  process.stdout.write(`N=${clients} `);
}
console.log();

const at = (n: number, mode: Mode): Cell => table.get(n)![mode];
const [fewest, most] = [CLIENTS[0]!, CLIENTS.at(-1)!];
const rows = CLIENTS.flatMap((n) =>
  MODES.map((mode) => {
    const c = at(n, mode);
    return `| ${n} | ${mode} | ${c.requests.toFixed(0)} | ${c.throttledPer1000.toFixed(1)} | ${c.goodput.toFixed(3)} | ${c.p50S.toFixed(1)} | ${c.p99S.toFixed(1)} | ${c.maxS.toFixed(1)} | ${c.gaveUpPer1000.toFixed(0)} |`;
  }),
);
const pacedThrottles = CLIENTS.map((n) => at(n, 'paced').throttledPer1000);
const pacedPerRun = [...new Set(CLIENTS.flatMap((n) => at(n, 'paced').throttlesPerRun))].sort((a, b) => a - b);
const firstThrottles = CLIENTS.flatMap((n) => at(n, 'paced').firstThrottleS).filter(Number.isFinite).sort((a, b) => a - b);
const firstN = (holds: (n: number) => boolean): number | undefined => CLIENTS.find(holds);
const givesUpFrom = firstN((n) => at(n, 'retry-only').gaveUpPer1000 > 0);
const fasterFrom = firstN((n) => at(n, 'retry-only').p99S < at(n, 'paced').p99S);
const offered = 1000 / (2 * HOP_MEAN_MS);
const BETA = 0.7;
const perSuccess = (n: number): string => {
  const c = at(n, 'retry-only');
  return (c.throttledPer1000 / (1000 - c.throttledPer1000)).toFixed(1);
};
const rate = PLAN.ratePerSecond;

const results = {
  run: runInfo('sim'),
  plan: PLAN,
  runs: RUNS,
  durationS: DURATION_S,
  hopMeanMs: HOP_MEAN_MS,
  cells: CLIENTS.flatMap((clients) => MODES.map((mode) => ({ clients, mode, ...at(clients, mode), firstThrottleS: at(clients, mode).firstThrottleS.map((s) => (Number.isFinite(s) ? s : null)) }))),
};
const markdown = `# Pacing: N clients against one usage plan

${runLine(results.run)}

Seeded (bench/sim/pacing-study.ts), so every run gives these figures.

**The model.** One server enforces one token bucket, SP-API getOrderItems' documented plan
(${rate} requests per second, burst ${PLAN.burst}, from \`SP_API_USAGE_PLANS\`), and answers a request that
finds it empty with 429 and SP-API's \`QuotaExceeded\` body (no \`x-amzn-RateLimit-Limit\`, which
Amazon says not to depend on), normalized by the library as withRetry would. The server's bucket is
written out in pacing-server.ts, not taken from the library, so that the library's arithmetic is
checked against an independent one. This plan rather than a faster one because spApiPolicy's 429
backoff (2 s, 4 s, 8 s, 16 s with equal jitter, 5 attempts) was chosen for SP-API's plans; on a 10/s
plan its first wait alone would be 10 to 20 tokens' worth, another regime. Its slowness costs
nothing: virtual time in a discrete-event simulation is free (the whole study runs in seconds).

N clients each make calls back to back (the next call starts when the last one ends), so even one
client offers ~${offered} requests per second, ${offered / rate}× the plan. A network hop takes |normal(${HOP_MEAN_MS} ms, sd 20 ms)| each way.
Every call is decided by \`spApiPolicy.decide()\`. **Retry-only**: a 429 waits the policy's delay.
**Paced**: what \`withRetry(spApiPolicy, { rateLimiter })\` does, step by step on the virtual clock:
every attempt, first or retry, first takes a token from one \`rateLimiter\` shared by all N clients
(the plan above, a \`MemoryRateLimiterStore\`, \`learn\` on) by \`acquire(now)\` and is sent at
now + waitMs; a 429 goes to \`observeFailure\` before the policy's delay, a success to
\`observeSuccess\`. ${RUNS} seeded runs of ${DURATION_S / 3600} virtual hour per cell, measured from t = 0 (full buckets)
to the end. Goodput is successful calls over the most the plan allows in that time,
burst + rate · duration (${PLAN.burst} + ${rate} · ${DURATION_S} = ${PLAN.burst + rate * DURATION_S}), so 1 is the ceiling. Latency is that of successful
calls, start to answer; "given up" counts calls spApiPolicy stopped (attempts exhausted) per 1,000
calls ended.

| N | mode | requests per run | 429s per 1,000 requests | goodput | p50 latency (s) | p99 latency (s) | max latency (s) | calls given up per 1,000 |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

![429s, goodput, p99 latency and calls given up against N](pacing.svg)

**What it shows.** Both modes get the plan's throughput (goodput ${at(most, 'retry-only').goodput.toFixed(3)} retry-only, ${at(most, 'paced').goodput.toFixed(3)} paced at
N = ${most}): the bucket is the bottleneck, and with calls back to back some client is always there to
take a token soon after it comes. What retrying alone costs is everything else: ${at(fewest, 'retry-only').throttledPer1000.toFixed(0)} to ${at(most, 'retry-only').throttledPer1000.toFixed(0)} of
every 1,000 requests are 429s from N = ${fewest} to ${most} (${perSuccess(fewest)} to ${perSuccess(most)} wasted requests per success), and
from N = ${givesUpFrom} on the policy gives calls up after 5 attempts (${at(most, 'retry-only').gaveUpPer1000.toFixed(0)} of 1,000 at N = ${most}). Paced,
the server says 429 ${pacedThrottles.map((t) => t.toFixed(1)).join(', ')} times per 1,000 requests at N = ${CLIENTS.join(', ')}, and no call is given up.

Paced latency is the queue: the limiter hands out waits in arrival order, so a call waits for the
N − 1 calls ahead of it, N / rate = ${(most / rate).toFixed(0)} s at N = ${most} (p50 ${at(most, 'paced').p50S.toFixed(1)} s). Retry-only's successful calls have
the lower p99 from N = ${fasterFrom} on only because the slow ones were given up and do not count. By Little's law,
N clients sharing ${rate} successes per second wait N / ${rate} s per success on average whatever they do;
pacing spends that time waiting instead of sending 429s, and loses no call.

**The 429s paced runs do see**: ${pacedPerRun.join(' or ')} per run, at ${firstThrottles.map((s) => s.toFixed(0)).join(', ')} s into the ${CLIENTS.length * RUNS} runs.
Once the burst is spent, the limiter hands out each token the moment its own bucket has it. Its
bucket began refilling at the first reservation, the server's at the first arrival, one hop later:
so the server has each token a little after the limiter thinks, by however much faster this request
travelled than the very first one did. Sooner or later one travels fast enough to arrive before the
server's token, and gets a 429. The limiter learns from it (rate × ${BETA}, its bucket emptied until the next
token) and, since the server saved the tokens the lowered rate left untaken, stays behind the server
for the rest of the run. With a network that never varies (sd 0) a paced run sees no 429 at all; the
test checks both. The paced max latency is the call that got that 429: it waits for the queue twice,
the second time at ${BETA} of the rate, because a lowered rate re-prices the whole queue ahead of a new
reservation (${at(most, 'paced').maxS.toFixed(0)} s at N = ${most}, against ${(most / rate).toFixed(0)} s for the others; calls that reserve after the rate has
recovered are sent before it).
`;

const series = (metric: (c: Cell) => number) => MODES.map((mode) => ({ name: LABELS[mode], color: COLORS[mode], points: CLIENTS.map((n) => [n, metric(at(n, mode))] as const) }));
const svg = lineChartsSvg([
  { title: '429s per 1,000 requests', xLabel: 'clients (N)', yLabel: '429s per 1,000', series: series((c) => c.throttledPer1000) },
  { title: `Goodput (of burst + ${rate}/s)`, xLabel: 'clients (N)', yLabel: 'goodput', series: series((c) => c.goodput) },
  { title: 'p99 latency of successful calls', xLabel: 'clients (N)', yLabel: 's', series: series((c) => c.p99S) },
  { title: 'Calls given up per 1,000', xLabel: 'clients (N)', yLabel: 'given up per 1,000', series: series((c) => c.gaveUpPer1000) },
]);
console.log(writtenLine(writeResultFiles([
  { tracked: new URL('./pacing-study.json', import.meta.url), content: resultJson(results) },
  { tracked: new URL('./pacing-study.md', import.meta.url), content: markdown },
  { tracked: new URL('./pacing.svg', import.meta.url), content: svg },
])));
