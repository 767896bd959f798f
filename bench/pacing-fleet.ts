// `npm run pacing:fleet`: the issue's acceptance run. A fake SP-API server on 127.0.0.1 enforcing
// a token bucket per (seller, operation), 2/s burst 5 for one operation and 10/s burst 20 for
// another, hammered for 20 s of real time by 4 worker processes × 25 concurrent callers sharing
// a Redis-backed limiter; then the same run retrying only (spApiPolicy, no limiter). Bounds, for
// the paced run: at most 1% of requests get 429, and goodput (accepted beyond the initial burst,
// per second, over the server's rate) at least 90%. Writes bench/results/pacing-fleet.json and
// pacing-fleet.md (untracked); `-- --write` writes the tracked bench/pacing-fleet.* instead, whose
// figures `npm run docs` puts in the README. Exits 1 when a bound is broken. Uses REDIS_URL when
// set, else starts its own redis-server on a free port.
import { startOwnRedis } from '../test/fleet/redis-process.js';
import { runFleet, type FleetBucket, type FleetResult } from '../test/fleet/redis-limiter-fleet-run.js';
import { resultJson, runInfo, runLine, writeResultFiles, writtenLine } from './report.js';

const BUCKETS: readonly FleetBucket[] = [
  { sellerId: 'A1SELLER', operation: 'getItemOffers', ratePerSecond: 2, burst: 5 },
  { sellerId: 'A1SELLER', operation: 'getCatalogItem', ratePerSecond: 10, burst: 20 },
];
const RUN = { workers: 4, callers: 25, durationMs: 20_000, share: 0.95, buckets: BUCKETS } as const;
const MAX_THROTTLED = 0.01;
const MIN_GOODPUT = 0.9;

const own = process.env['REDIS_URL'] === undefined ? await startOwnRedis() : undefined;
const redisUrl = process.env['REDIS_URL'] ?? own!.url;
let paced: FleetResult;
let retryOnly: FleetResult;
try {
  paced = await runFleet({ ...RUN, redisUrl, paced: true });
  retryOnly = await runFleet({ ...RUN, redisUrl, paced: false });
} finally {
  await own?.stop();
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
const row = (name: string, r: FleetResult): string =>
  `| ${name} | ${r.requests} | ${r.throttled} (${pct(r.throttledShare)}) | ${r.buckets.map((b) => `${b.bucket.operation} ${b.accepted} (${pct(b.goodput)})`).join('; ')} | ${r.callsOk} | ${r.callsGaveUp} | ${r.fallbacks} |`;
const broken = [
  ...(paced.throttledShare > MAX_THROTTLED ? [`429s ${pct(paced.throttledShare)} > ${pct(MAX_THROTTLED)}`] : []),
  ...(paced.goodput < MIN_GOODPUT ? [`goodput ${pct(paced.goodput)} < ${pct(MIN_GOODPUT)}`] : []),
];
const results = {
  run: runInfo('pacing:fleet'),
  workers: RUN.workers,
  callers: RUN.callers,
  durationMs: RUN.durationMs,
  share: RUN.share,
  buckets: BUCKETS,
  bounds: { maxThrottled: MAX_THROTTLED, minGoodput: MIN_GOODPUT },
  paced,
  retryOnly,
  broken,
};
const md = `# Pacing a fleet through Redis

${runLine(results.run)}

A fake SP-API server on 127.0.0.1 enforces a token bucket per (seller, operation):
${BUCKETS.map((b) => `\`${b.operation}\` ${b.ratePerSecond}/s burst ${b.burst}`).join(', ')}; it answers 429
\`{"errors":[{"code":"QuotaExceeded",...}]}\` with \`x-amzn-RequestId\`, after ${10} ms. ${RUN.workers} worker processes ×
${RUN.callers} concurrent callers call it with real \`fetch\` for ${RUN.durationMs / 1000} s, through
\`withRetry(spApiPolicy, { rateLimiter })\`: one limiter per (seller, operation), keyed as spApiLimiter keys
them, on a \`RedisRateLimiterStore\`, planning with ${RUN.share * 100}% of the server's rate and one token less of burst (a margin for
latency jitter). The retry-only run is the same without a limiter. The server counts every request.
Goodput: requests accepted beyond the initial burst, per second, over the server's rate (the lower
of the two operations is the bound's).

| run | requests | 429s | accepted per operation (goodput) | calls ok | calls gave up | store fallbacks |
| --- | ---: | ---: | --- | ---: | ---: | ---: |
${row('paced (Redis limiter)', paced)}
${row('retry-only (spApiPolicy)', retryOnly)}

Bounds (paced run): at most ${pct(MAX_THROTTLED)} 429s, goodput at least ${pct(MIN_GOODPUT)}: ${broken.length === 0 ? '**met**' : `**broken**: ${broken.join(', ')}`}.
`;
console.log(md);
console.log(writtenLine(writeResultFiles([
  { tracked: new URL('./pacing-fleet.json', import.meta.url), content: resultJson(results) },
  { tracked: new URL('./pacing-fleet.md', import.meta.url), content: md },
])));
console.log('429s at (s):', JSON.stringify(paced.buckets.map((b) => [b.bucket.operation, b.throttledAt])));
if (broken.length > 0) process.exitCode = 1;
