// `npm run chaos [-- --smoke] [--workers N]`: several worker processes (bench/chaos/worker.ts)
// share one AWS quota in Redis against an upstream failing 100%, while the redis-server this
// script starts on its own loopback port is stopped (SIGSTOP for 3 s), killed (SIGKILL) and
// restarted empty, and while every worker blocks its own event loop now and then. Reports calls,
// retries granted against those allowed (the shared allowance, one fallback burst per process,
// and what an empty restart resumed above the level at the kill), fallbacks (and any outside an
// outage), fenced scripts, late charges, hung calls and unhandled rejections; exits 1 when a bound
// is broken. The full run takes about 25 s, `--smoke` (CI) about 15 s. Only 127.0.0.1. Writes
// bench/results/chaos.json and chaos.md (untracked); `-- --write` writes the tracked bench/chaos.*
// instead, whose figures `npm run docs` puts in the README.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { startOwnRedis } from '../test/fleet/redis-process.js';
import { resultJson, runInfo, runLine, writeResultFiles, writtenLine } from './report.js';

const { values } = parseArgs({ options: { write: { type: 'boolean', default: false }, smoke: { type: 'boolean', default: false }, workers: { type: 'string', default: '4' } } });
const WORKERS = Number(values.workers);
const LANES = 2;
/** A retry after a 429 costs 5 units of the AWS quota. */
const COST = 5;
/** Long enough for a fallback in flight at a fault's end, a blocked event loop and a reconnection. */
const GRACE_MS = 1_500;
/**
 * The faults, by ms from the start: one kill first, while the bucket surely still holds units (so
 * the restart has something to resume), then SIGSTOPs of 3 s. Only one kill: the accounting of
 * what the restart resumed (in judge) assumes one.
 */
const SCHEDULE = values.smoke
  ? { capacity: 2_000, faults: [{ kind: 'kill', at: 1_500, until: 2_500 }, { kind: 'pause', at: 3_500, until: 6_500 }], endAt: 8_500 }
  : {
      capacity: 4_000,
      faults: [{ kind: 'kill', at: 3_000, until: 4_000 }, { kind: 'pause', at: 6_000, until: 9_000 }, { kind: 'pause', at: 12_000, until: 15_000 }],
      endAt: 17_000,
    };

interface Report {
  calls: number;
  retries: number;
  reasons: Record<string, number>;
  fallbackGranted: number;
  seeds: number[];
  stats: { fallbacks: number; fencedLate: number; lateCharges: number; lateChargesUndone: number };
  hung: number;
  unhandled: number;
  maxCallMs: number;
  fallbackTimes: number[];
  fallbackWhy: string[];
}

/** A worker process and its JSON lines, as they come. */
function startWorker(url: string, key: string, index: number): { child: ChildProcess; ready: Promise<void>; report: Promise<Report> } {
  const script = fileURLToPath(new URL('./chaos/worker.ts', import.meta.url));
  const offlineQueue = index % 2 === 1 ? '1' : '0'; // both ways ioredis can hold commands while down
  const child = spawn(process.execPath, ['--import', 'tsx', script, url, key, String(SCHEDULE.capacity), String(LANES), offlineQueue, '1', String(index + 1)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  let ready!: () => void;
  let report!: (r: Report) => void;
  let failed!: (e: Error) => void;
  const readyPromise = new Promise<void>((resolve, reject) => ((ready = resolve), (failed = reject)));
  const reportPromise = new Promise<Report>((resolve, reject) => {
    report = resolve;
    child.once('exit', (code) => reject(new Error(`worker ${index} exited with ${code} before reporting`)));
  });
  lines.on('line', (line) => {
    const message = JSON.parse(line) as { event: string } & Report;
    if (message.event === 'ready') ready();
    if (message.event === 'report') report(message);
  });
  child.once('exit', (code) => failed(new Error(`worker ${index} exited with ${code} before it was ready`)));
  reportPromise.catch(() => undefined);
  return { child, ready: readyPromise, report: reportPromise };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, sleep(ms).then(() => Promise.reject(new Error(`${what} took over ${ms} ms`)))]);
}

const server = await startOwnRedis();
const admin = new Redis(server.url, { retryStrategy: () => 50, maxRetriesPerRequest: 1 });
admin.on('error', () => undefined);
const key = `chaos-${Date.now()}`;
const bucket = `retry-table:${key}:bucket`;
const workers = Array.from({ length: WORKERS }, (_, i) => startWorker(server.url, key, i));
const outages: { from: number; to: number }[] = [];
let levelAtKill = 0;
let exitCode = 0;
/** When the workers were told to go (wall clock, shared with them: one machine). */
let startedAt = 0;

try {
  await within(Promise.all(workers.map((w) => w.ready)), 60_000, 'starting the workers');
  startedAt = Date.now();
  for (const w of workers) w.child.stdin!.write('go\n');
  const at = (ms: number): Promise<void> => sleep(Math.max(0, startedAt + ms - Date.now()));

  for (const fault of SCHEDULE.faults) {
    await at(fault.at);
    const from = Date.now();
    if (fault.kind === 'pause') {
      server.pause();
      await at(fault.until);
      server.resume();
    } else {
      // Hold every script for a moment, so the level read just before the kill is the level at it.
      await admin.call('CLIENT', 'PAUSE', '5000', 'WRITE');
      levelAtKill = Number(await admin.get(bucket));
      await server.kill();
      await at(fault.until);
      await server.restart();
    }
    outages.push({ from, to: Date.now() + GRACE_MS });
  }
  await at(SCHEDULE.endAt);
  for (const w of workers) w.child.stdin!.write('stop\n');
  const reports = await within(Promise.all(workers.map((w) => w.report)), 30_000, 'stopping the workers');
  const levelAtEnd = Number((await admin.get(bucket)) ?? SCHEDULE.capacity);
  const seconds = (Date.now() - startedAt) / 1000;
  exitCode = judge(reports, levelAtEnd, seconds);
} catch (error) {
  console.error(`chaos: ${(error as Error).message}`);
  exitCode = 1;
} finally {
  admin.disconnect();
  for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  await server.stop();
}
process.exit(exitCode);

/** Adds up the reports, checks every bound, prints the figures and a one-line summary. */
function judge(reports: Report[], levelAtEnd: number, seconds: number): number {
  const sum = (pick: (r: Report) => number): number => reports.reduce((total, r) => total + pick(r), 0);
  const granted = sum((r) => r.retries);
  const byFallback = sum((r) => r.fallbackGranted);
  const byRedis = granted - byFallback;
  const allowance = Math.floor(SCHEDULE.capacity / COST);
  // Each process's fallback grants at most its first seed (no success ever refills it here).
  const bursts = reports.map((r) => Math.floor((r.seeds[0] ?? 0) / COST));
  // What Redis granted is what it held: the capacity down to the kill, then from the level the
  // restart resumed at down to the end. So the resumed level is known, and how far above the
  // level at the kill it was.
  const resumedAt = byRedis * COST - (SCHEDULE.capacity - levelAtKill) + levelAtEnd;
  const restartExtra = Math.max(0, Math.floor((resumedAt - levelAtKill) / COST));
  const allowed = allowance + bursts.reduce((a, b) => a + b, 0) + restartExtra;
  const fallbacks = sum((r) => r.stats.fallbacks);
  const outsideWhy = reports.flatMap((r) => r.fallbackTimes.flatMap((t, i) => (outages.some((o) => t >= o.from && t <= o.to) ? [] : [`${r.fallbackWhy[i]} at ${t - startedAt} ms`])));
  const lateLeft = sum((r) => r.stats.lateCharges - r.stats.lateChargesUndone);
  const checks: [string, boolean][] = [
    [`retries granted ${granted} <= allowed ${allowed}`, granted <= allowed],
    ['every process within its one burst', reports.every((r, i) => r.fallbackGranted <= bursts[i]!)],
    [`an empty restart resumed at ${resumedAt}, near the level at the kill ${levelAtKill}, not full`, resumedAt - levelAtKill <= (SCHEDULE.capacity - levelAtKill) / 2],
    ['no late charge left standing', lateLeft === 0],
    ['no hung call', sum((r) => r.hung) === 0],
    ['no unhandled rejection', sum((r) => r.unhandled) === 0],
    [`no fallback outside an outage (${outsideWhy.length})`, outsideWhy.length === 0],
    ['the faults bit (fallbacks and fenced scripts seen)', fallbacks > 0 && sum((r) => r.stats.fencedLate) > 0],
  ];
  const lines = reports.map(
    (r, i) =>
      `  worker ${i}: ${r.calls} calls, ${r.retries} retries (${r.fallbackGranted} by its fallback, burst ${bursts[i]}), seeds ${JSON.stringify(r.seeds)}, ` +
      `${r.stats.fallbacks} fallbacks, ${r.stats.fencedLate} fenced, ${r.stats.lateCharges} late charges (${r.stats.lateChargesUndone} undone), longest call ${r.maxCallMs} ms`,
  );
  for (const [what, ok] of checks) lines.push(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  for (const why of outsideWhy.slice(0, 5)) lines.push(`  fallback outside an outage: ${why}`);
  const broken = checks.filter(([, ok]) => !ok).length;
  lines.push(
    `chaos${values.smoke ? ' (smoke)' : ''}: ${WORKERS} workers, ${seconds.toFixed(1)} s, ${sum((r) => r.calls)} calls, retries granted ${granted} of ${allowed} allowed ` +
      `(allowance ${allowance} + bursts ${bursts.reduce((a, b) => a + b, 0)} + restart ${restartExtra}; ${byRedis} by Redis, ${byFallback} by fallbacks), ` +
      `${fallbacks} fallbacks (${outsideWhy.length} outside outages), ${sum((r) => r.stats.fencedLate)} fenced, late charges ${lateLeft}, ` +
      `hung ${sum((r) => r.hung)}, unhandled ${sum((r) => r.unhandled)}: ${broken === 0 ? 'OK' : `${broken} bound(s) broken`}`,
  );
  for (const line of lines) console.log(line);
  const results = {
    run: runInfo('chaos'),
    smoke: values.smoke,
    workers: WORKERS,
    lanes: LANES,
    capacity: SCHEDULE.capacity,
    retryCost: COST,
    faults: SCHEDULE.faults,
    seconds: Number(seconds.toFixed(1)),
    calls: sum((r) => r.calls),
    allowance,
    bursts: bursts.reduce((a, b) => a + b, 0),
    levelAtKill,
    resumedAt,
    restartExtra,
    allowed,
    granted,
    byRedis,
    byFallback,
    fallbacks,
    fallbacksOutsideOutages: outsideWhy.length,
    fenced: sum((r) => r.stats.fencedLate),
    lateCharges: lateLeft,
    hung: sum((r) => r.hung),
    unhandled: sum((r) => r.unhandled),
    checks: Object.fromEntries(checks),
    passed: broken === 0,
  };
  const markdown = `# Chaos run: a Redis-backed retry budget through Redis faults

${runLine(results.run)}

${WORKERS} worker processes share one AWS retry quota of ${SCHEDULE.capacity} units in Redis against an upstream that always
fails; the redis-server is killed and restarted empty once and stopped for 3 s ${SCHEDULE.faults.filter((f) => f.kind === 'pause').length === 1 ? 'once' : `${SCHEDULE.faults.filter((f) => f.kind === 'pause').length} times`}, and every worker blocks its event
loop now and then (bench/chaos.ts). \`npm run docs\` puts these figures in the README from chaos.json.

\`\`\`
${lines.join('\n')}
\`\`\`
`;
  console.log(writtenLine(writeResultFiles([
    { tracked: new URL('./chaos.json', import.meta.url), content: resultJson(results) },
    { tracked: new URL('./chaos.md', import.meta.url), content: markdown },
  ])));
  return broken === 0 ? 0 : 1;
}
