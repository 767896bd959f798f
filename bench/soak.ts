// `npm run soak [-- --calls N]`: N wrapped calls (default 1,000,000) with a seeded mix of
// successes, retryable and non-retryable failures and aborts, a fifth of them sharing a retry
// budget, on the test clock, thousands at a time. Reports calls, attempts, retries, outcomes;
// checks every call settled exactly once, no rejection went unhandled, the heap after gc grew
// less than 5%, and no handle is left behind. Exits 1 if any check fails. CI runs 50,000 calls.
// Writes bench/results/soak.json and soak.md (untracked); `-- --write` writes the tracked
// bench/soak.json and soak.md instead, whose figures `npm run docs` puts in the README.
import { parseArgs } from 'node:util';
import { definePolicy, isRetryError, retryBudget, TestClock, withRetry } from '../src/index.js';
import { seededRandom } from './sim/prng.js';
import { resultJson, runInfo, runLine, writeResultFiles, writtenLine } from './report.js';

const { values } = parseArgs({ options: { write: { type: 'boolean', default: false }, calls: { type: 'string', default: '1000000' }, concurrency: { type: 'string', default: '5000' }, seed: { type: 'string', default: '7' } } });
const TOTAL = Number(values.calls);
const CONCURRENCY = Math.min(Number(values.concurrency), TOTAL);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

const policy = definePolicy({
  name: 'soak',
  maxAttempts: 4,
  rules: [
    { match: { status: 503 }, retry: true, schedule: { type: 'list', delaysMs: [1000, 4000, 10_000] }, jitter: 'full' },
    { match: { kind: ['network', 'timeout'] }, retry: true, schedule: { type: 'exponential', baseMs: 500, capMs: 8000 }, jitter: 'equal' },
    { match: {}, retry: false },
  ],
});
const clock = new TestClock(0, { recordSleeps: false });
const random = seededRandom(Number(values.seed));
const busy = Object.assign(new Error('busy'), { status: 503 });
const reset = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
const invalid = Object.assign(new Error('invalid'), { status: 400 });

const settledCount = new Uint8Array(TOTAL);
const outcomes = { ok: 0, 'not-retryable': 0, 'attempts-exhausted': 0, deadline: 0, 'budget-exhausted': 0, aborted: 0, other: 0 } as Record<string, number>;
let attempts = 0;
let retries = 0;
let unhandled = 0;
process.on('unhandledRejection', () => void unhandled++);

/** One attempt: a virtual latency, then a seeded outcome. */
async function attempt(): Promise<string> {
  attempts++;
  await clock.sleep(Math.floor(random() * 50));
  const roll = random();
  if (roll < 0.7) return 'ok';
  if (roll < 0.85) throw busy;
  if (roll < 0.92) throw reset;
  throw invalid;
}

const onRetry = (): void => void retries++;
const plain = withRetry(policy, { clock, random, onRetry })(attempt);
// A fifth of the calls share a retry budget (gRPC throttling, 10% of failures), as a fleet would.
const budget = retryBudget({ type: 'grpc', maxTokens: 10, tokenRatio: 0.1 });
const budgeted = withRetry(policy, { clock, random, onRetry, budget })(attempt);

async function oneCall(index: number): Promise<void> {
  let call: Promise<string>;
  let controller: AbortController | undefined;
  if (random() < 0.05) {
    // 5% of calls are aborted by their caller at a random moment: before, during or between attempts.
    controller = new AbortController();
    const abortAt = Math.floor(random() * 6000);
    const signal = controller.signal;
    call = withRetry(policy, { clock, random, onRetry, signal, maxElapsedMs: 60_000 })(attempt)();
    void clock.sleep(abortAt, signal).then(
      () => controller!.abort(new Error('caller gave up')),
      () => undefined,
    );
  } else {
    call = random() < 0.2 ? budgeted() : plain();
  }
  try {
    await call;
    outcomes['ok']!++;
  } catch (error) {
    if (isRetryError(error)) outcomes[error.reason]!++;
    else if (controller?.signal.aborted) outcomes['aborted']!++;
    else outcomes['other']!++;
  } finally {
    settledCount[index]!++;
    // Release the abort timer of a call that ended first, like a caller cleaning up.
    if (controller !== undefined && !controller.signal.aborted) controller.abort(new Error('done'));
  }
}

function heapAfterGc(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

/** Runs `count` calls, `CONCURRENCY` at a time, driving the test clock until all have settled. */
async function runCalls(first: number, count: number, onHalfway?: () => void): Promise<void> {
  let next = first;
  const end = first + count;
  let finished = 0;
  const lanes = Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
    while (next < end) {
      await oneCall(next++);
      if (++finished === Math.floor(count / 2)) onHalfway?.();
    }
  });
  let settledAll = false;
  const done = Promise.all(lanes).then(() => (settledAll = true));
  while (!settledAll) {
    if (!(await clock.next())) await new Promise((resolve) => setImmediate(resolve));
  }
  await done;
  await clock.runAll();
}

// A warm-up round first, so code caches, the clock's heap and the lanes reach their steady size
// before the heap is measured: what must stay flat is what the calls themselves leave behind.
const WARMUP = Math.min(Math.max(Math.floor(TOTAL / 5), 10_000), 50_000, Math.floor(TOTAL / 2));
await runCalls(0, WARMUP);
const handlesBefore = process.getActiveResourcesInfo().length;
const heapStart = heapAfterGc();
const startedAt = performance.now();
let heapMid = 0;
await runCalls(WARMUP, TOTAL - WARMUP, () => {
  heapMid = process.memoryUsage().heapUsed;
});
const seconds = (performance.now() - startedAt) / 1000;
const heapEnd = heapAfterGc();
const handlesAfter = process.getActiveResourcesInfo().length;

const neverSettled = settledCount.filter((n) => n === 0).length;
const settledTwice = settledCount.filter((n) => n > 1).length;
const heapChange = (heapEnd - heapStart) / heapStart;
const checks = {
  'every call settled exactly once': neverSettled === 0 && settledTwice === 0,
  'no unhandled rejection': unhandled === 0,
  // A shrinking heap is no leak (V8 flushes unused bytecode over time); growth is what must stay under 5%.
  'heap after gc grows less than 5% (after warm-up vs end)': heapChange <= 0.05,
  'active handles back to baseline': handlesAfter <= handlesBefore,
  'no sleep left on the clock': clock.pending === 0,
};
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const n = (value: number): string => value.toLocaleString('en-US');
const lines = [
  `soak: ${n(TOTAL)} calls (the first ${n(WARMUP)} to warm up), ${n(CONCURRENCY)} at a time, seed ${values.seed}, ${seconds.toFixed(1)} s real, ${(clock.now() / 60_000).toFixed(1)} min of virtual time`,
  `  attempts ${n(attempts)}, retries ${n(retries)}`,
  `  outcomes ${Object.entries(outcomes).map(([k, v]) => `${k} ${n(v)}`).join(', ')}`,
  `  settled: never ${neverSettled}, more than once ${settledTwice}; unhandled rejections ${unhandled}`,
  `  heap: after warm-up ${mb(heapStart)} (after gc), halfway ${mb(heapMid)} (calls in flight), end ${mb(heapEnd)} (after gc, ${(heapChange * 100).toFixed(1)}%)`,
  `  active handles: before ${handlesBefore}, after ${handlesAfter}`,
  ...Object.entries(checks).map(([check, ok]) => `  ${ok ? '✓' : '✗'} ${check}`),
];
for (const line of lines) console.log(line);
const results = {
  run: runInfo('soak'),
  calls: TOTAL,
  warmupCalls: WARMUP,
  concurrency: CONCURRENCY,
  seed: Number(values.seed),
  seconds: Number(seconds.toFixed(2)),
  virtualMinutes: Number((clock.now() / 60_000).toFixed(1)),
  attempts,
  retries,
  outcomes,
  neverSettled,
  settledTwice,
  unhandled,
  heap: { afterWarmupBytes: heapStart, halfwayBytes: heapMid, endBytes: heapEnd, change: Number(heapChange.toFixed(4)) },
  handles: { before: handlesBefore, after: handlesAfter },
  checks,
  passed: Object.values(checks).every(Boolean),
};
const markdown = `# Soak run

${runLine(results.run)}

Wrapped calls with a seeded mix of successes, retryable and non-retryable failures and caller aborts, a fifth
of them sharing a retry budget, on the test clock (bench/soak.ts). \`npm run docs\` puts these figures in the
README from soak.json.

\`\`\`
${lines.join('\n')}
\`\`\`
`;
console.log(writtenLine(writeResultFiles([
  { tracked: new URL('./soak.json', import.meta.url), content: resultJson(results) },
  { tracked: new URL('./soak.md', import.meta.url), content: markdown },
])));
process.exitCode = results.passed ? 0 : 1;
