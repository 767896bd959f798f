// The README's figures, filled by `npm run docs` (docs/generate.mjs) from the result files the runs
// write, never typed by hand. Each block sits between `<!-- figures:NAME -->` and
// `<!-- /figures:NAME -->` and is rendered from one tracked JSON file: a run writes bench/results/
// (untracked) by default and its tracked file only with `--write` (bench/report.ts), so the README
// changes only when a run is recorded on purpose. test/docs/figures.test.ts fails when a block
// differs from what its file gives. The package's size is the one figure read live: it is the
// build's, which `npm run docs` has just made.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const ROOT = new URL('../', import.meta.url);

/** @param {number} value */
const n = (value) => value.toLocaleString('en-US');
/** @param {number} share 0..1 */
const pct = (share) => `${(share * 100).toFixed(2)}%`;
/** @param {number | undefined} ns */
const time = (ns) => (ns === undefined ? '' : ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(1)} ns`);
/** Three significant figures: 1.39×, 12.0×, 1035×. @param {number} ratio */
const times = (ratio) => `${ratio >= 100 ? ratio.toFixed(0) : ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×`;
/** @param {number} bytes */
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/**
 * What was run, when, where: the line every block carries.
 * @param {{ command: string, date: string, machine: string, commit: string }} run
 */
export const runNote = (run) => `\`${run.command}\` on ${run.date}, ${run.machine}, commit ${run.commit}`;

// ---- bench/RESULTS.json: the performance table, every row of it -------------------------------

const KNOWN = ['scenario', 'contender', 'medianNs', 'ratio', 'bytesPerCall', 'note', 'spread', 'goal', 'met'];

/** A measurement's figures, the ratio first. @param {Record<string, unknown>} row @param {boolean} bold */
function figures(row, bold) {
  const ratio = typeof row.ratio === 'number' ? times(row.ratio) : '';
  const detail = [
    typeof row.medianNs === 'number' ? time(row.medianNs) : '',
    typeof row.bytesPerCall === 'number' ? `${Math.round(row.bytesPerCall)} B` : '',
    typeof row.spread === 'string' ? `${row.spread} over the rounds` : '',
    typeof row.goal === 'string' ? `goal ${row.goal}${row.met === 'no' ? ': **not met**' : row.met === 'yes' ? ': met' : ''}` : '',
    typeof row.note === 'string' ? row.note : '',
    ...Object.entries(row)
      .filter(([key, value]) => !KNOWN.includes(key) && value !== undefined && value !== null)
      .map(([key, value]) => `${key} ${typeof value === 'boolean' ? (value ? 'yes' : 'no') : typeof value === 'object' ? JSON.stringify(value) : String(value)}`),
  ].filter((text) => text !== '');
  const head = ratio === '' ? '' : bold ? ` **${ratio}**` : ` ${ratio}`;
  return `${head}${detail.length > 0 ? ` (${detail.join('; ')})` : ''}`;
}

/**
 * One line per scenario, from every row the run measured: its baseline (a contender named
 * "baseline: ..."), retry-table's rows (named "retry-table ..."), and everyone else's.
 * @param {{ run: any, rows: Record<string, unknown>[] }} results
 */
export function benchBlock(results) {
  /** @type {Map<string, Record<string, unknown>[]>} */
  const scenarios = new Map();
  for (const row of results.rows) scenarios.set(String(row.scenario), [...(scenarios.get(String(row.scenario)) ?? []), row]);
  const lines = [];
  for (const [scenario, rows] of scenarios) {
    const name = (row) => String(row.contender);
    const baseline = rows.find((row) => name(row).startsWith('baseline'));
    const ours = rows.filter((row) => row !== baseline && name(row).startsWith('retry-table'));
    const others = rows.filter((row) => row !== baseline && !ours.includes(row));
    // Without a baseline row, the ratios are to the scenario's row at 1×.
    const reference = baseline ?? rows.find((row) => row.ratio === 1);
    const against = reference === undefined ? '' : name(reference).replace(/^baseline:\s*/, '').replace(/^retry-table\s+/, '');
    const cell = (list, bold) => list.map((row) => `${name(row).replace(/^retry-table\s+/, '')}${figures(row, bold)}`).join('; ');
    const base = baseline === undefined ? '' : figures({ ...baseline, ratio: undefined }, false);
    lines.push(`| ${scenario} | ${against}${base} | ${cell(ours, true)} | ${cell(others, false)} |`);
  }
  return `
_From ${runNote(results.run)}: every row of [bench/RESULTS.md](bench/RESULTS.md), ${results.rounds === 1 ? 'one round' : `medians of ${results.rounds} rounds`}; ratios to the scenario's baseline, measured in the same process (lower is better)._

| scenario | × baseline | retry-table | others |
| --- | --- | --- | --- |
${lines.join('\n')}
`;
}

// ---- bench/fuzz.json, bench/soak.json ----------------------------------------------------------

/** @param {any} fuzz */
export function fuzzBlock(fuzz) {
  const outcome = fuzz.failed === 0 && fuzz.success ? 'all passing' : `${fuzz.failed} failing`;
  const skipped = fuzz.skipped > 0 ? `, ${fuzz.skipped} skipped` : '';
  return `fuzz, ${fuzz.properties} properties in ${fuzz.files} files, ${n(fuzz.cases)} generated cases (${n(fuzz.runs)} per property, fewer for the slow ones, as their titles say), in ${Math.round(fuzz.seconds)} s: ${outcome}${skipped} (${runNote(fuzz.run)})`;
}

/** @param {any} soak */
export function soakBlock(soak) {
  const settled =
    soak.neverSettled === 0 && soak.settledTwice === 0 ? 'every call settled exactly once' : `${n(soak.neverSettled)} calls never settled and ${n(soak.settledTwice)} more than once`;
  const heap = soak.heap;
  const why = heap.change < 0 ? 'it shrinks as V8 flushes unused bytecode; ' : '';
  const handles = soak.handles.after <= soak.handles.before ? 'handles back to baseline' : `handles ${soak.handles.before} before and ${soak.handles.after} after`;
  return (
    `soak, ${n(soak.calls)} calls, a fifth of them sharing a retry budget (${n(soak.attempts)} attempts, ${n(soak.retries)} retries, ` +
    `${n(soak.outcomes['budget-exhausted'])} refused by the budget, ${n(soak.outcomes.aborted)} aborted by their callers) in ${Math.round(soak.seconds)} s: ${settled}, ` +
    `${n(soak.unhandled)} unhandled rejections, heap after gc ${mb(heap.afterWarmupBytes)} after warm-up and ${mb(heap.endBytes)} at the end ` +
    `(${(heap.change * 100).toFixed(1)}%: ${why}the check is growth under 5%), ${handles}${soak.passed ? '' : '; CHECKS FAILED'} (${runNote(soak.run)})`
  );
}

// ---- bench/sim/*.json: the studies -------------------------------------------------------------

/** @param {any} jitter */
export function jitterBlock(jitter) {
  const row = jitter.table.find((r) => r.clients === 100) ?? jitter.table.at(-1);
  const calls = (strategy) => row.calls[strategy].toFixed(0);
  return `In the recorded run (${runNote(jitter.run)}; seeded), at N = ${row.clients}: exponential without jitter ${calls('exponential')} calls, decorrelated ${calls('decorrelated')}, equal ${calls('equal')}, full ${calls('full')}, no backoff ${calls('none')}`;
}

/** @param {any} study */
export function pacingStudyBlock(study) {
  const cell = (clients, mode) => study.cells.find((c) => c.clients === clients && c.mode === mode);
  const clients = [...new Set(study.cells.map((c) => c.clients))];
  const [fewest, most] = [clients[0], clients.at(-1)];
  const paced = clients.map((c) => cell(c, 'paced'));
  const pacedRates = [...new Set(paced.map((c) => c.throttledPer1000.toFixed(1)))];
  const perRun = [...new Set(paced.flatMap((c) => c.throttlesPerRun))];
  const pacedGaveUp = paced.reduce((total, c) => total + c.gaveUpPer1000, 0);
  const goodputs = study.cells.map((c) => c.goodput.toFixed(3)).sort();
  const jitterNote = perRun.length === 1 && perRun[0] === 1 ? ' (a single 429 per run, from network jitter; none without it)' : ` (${perRun.sort((a, b) => a - b).join(' or ')} per run)`;
  return (
    `In the recorded run (${runNote(study.run)}; seeded), retrying 429s alone, ${cell(fewest, 'retry-only').throttledPer1000.toFixed(0)} of every 1,000 requests are 429s at N = ${fewest} and ` +
    `${cell(most, 'retry-only').throttledPer1000.toFixed(0)} at N = ${most}, where ${cell(most, 'retry-only').gaveUpPer1000.toFixed(0)} of 1,000 calls give up; ` +
    `with one shared \`rateLimiter\` it is ${pacedRates.length === 1 ? `${pacedRates[0]} per 1,000 at every N` : `${paced.map((c) => c.throttledPer1000.toFixed(1)).join(', ')} per 1,000 at N = ${clients.join(', ')}`}${jitterNote} ` +
    `and ${pacedGaveUp === 0 ? 'no call gives up' : 'some calls give up'}. Goodput is the plan's either way (${goodputs[0]}–${goodputs.at(-1)}): pacing turns the 429s ` +
    `into waiting in line, N / rate seconds per call (${most / study.plan.ratePerSecond} s at N = ${most})`
  );
}

/** @param {any} fleet */
export function fleetStudyBlock(fleet) {
  const m = fleet.metastability;
  const atDelta = m.table.find((row) => row.outageS === m.deltaStarS);
  const recovers = atDelta?.budget.recoveredAfterS;
  return (
    `a ${m.deltaStarS} s outage is enough for a server at ${Math.round((m.callsPerSecond / m.serverPerSecond) * 100)}% load to never come back without a budget; ` +
    `with one it recovers ${recovers === null || recovers === undefined ? 'only partly' : `${recovers} s after the outage`} (${runNote(fleet.run)}; seeded)`
  );
}

// ---- bench/pacing-fleet.json, bench/chaos.json: real processes ---------------------------------

/** @param {any} fleet */
export function pacingFleetSetupBlock(fleet) {
  return (
    `hammers a fake SP-API server enforcing ${fleet.buckets.map((b) => `${b.ratePerSecond}/s burst ${b.burst}`).join(' and ')} from ` +
    `${fleet.workers} processes × ${fleet.callers} callers for ${fleet.durationMs / 1000} s, paced and retry-only side by side, and exits non-zero when the paced run ` +
    `breaks the bounds (at most ${fleet.bounds.maxThrottled * 100}% 429s, goodput at least ${fleet.bounds.minGoodput * 100}% of the plan)`
  );
}

/** @param {any} fleet */
export function pacingFleetBlock(fleet) {
  const { paced, retryOnly } = fleet;
  const goodputs = paced.buckets.map((b) => pct(b.goodput)).join(' and ');
  return (
    `In the recorded run (${runNote(fleet.run)}), paced: ${n(paced.requests)} requests, ${n(paced.throttled)} (${pct(paced.throttledShare)}) 429s, goodput ${goodputs}` +
    `${fleet.broken.length === 0 ? '' : ` (bounds broken: ${fleet.broken.join(', ')})`}; retry-only: ${n(retryOnly.requests)} requests, ${n(retryOnly.throttled)} ` +
    `(${pct(retryOnly.throttledShare)}) 429s, and ${n(retryOnly.callsGaveUp)} calls gave up`
  );
}

/** @param {any} chaos */
export function chaosSetupBlock(chaos) {
  const pauses = chaos.faults.filter((f) => f.kind === 'pause').length;
  return (
    `${chaos.workers} worker processes sharing one AWS quota of ${n(chaos.capacity)} units (an allowance of ${n(chaos.allowance)} retries after 429s) against an upstream that always fails, ` +
    `while its own redis-server is killed and restarted empty once and stopped for 3 s ${pauses === 1 ? 'once' : pauses === 2 ? 'twice' : `${pauses} times`}`
  );
}

/** @param {any} chaos */
export function chaosBlock(chaos) {
  const resumed = chaos.resumedAt - chaos.levelAtKill;
  const restart = resumed > 0 ? ` (the restart resumed ${n(resumed)} units, ${n(chaos.restartExtra)} retries, above the level at the kill)` : '';
  return (
    `In the recorded run (${runNote(chaos.run)}${chaos.smoke ? ', the smoke version' : ''}) the fleet was granted ${n(chaos.granted)} retries against the allowance of ${n(chaos.allowance)}: ` +
    `${n(chaos.byRedis)} by Redis${restart} and ${n(chaos.byFallback)} by the fallbacks during outages, of a bound of ${n(chaos.allowed)}; ` +
    `${n(chaos.fallbacks)} fallbacks, ${chaos.fallbacksOutsideOutages === 0 ? 'none' : n(chaos.fallbacksOutsideOutages)} outside an outage; ${n(chaos.fenced)} scripts fenced; ` +
    `${n(chaos.lateCharges)} late charges, ${n(chaos.hung)} hung calls, ${n(chaos.unhandled)} unhandled rejections${chaos.passed ? '' : '; BOUNDS BROKEN'}`
  );
}

/** Every block: its name in the README's markers, the tracked file it comes from, its renderer. */
export const FIGURES = [
  { name: 'bench', source: 'bench/RESULTS.json', render: benchBlock },
  { name: 'fuzz', source: 'bench/fuzz.json', render: fuzzBlock },
  { name: 'soak', source: 'bench/soak.json', render: soakBlock },
  { name: 'jitter', source: 'bench/sim/jitter-study.json', render: jitterBlock },
  { name: 'pacing-study', source: 'bench/sim/pacing-study.json', render: pacingStudyBlock },
  { name: 'fleet-study', source: 'bench/sim/fleet-study.json', render: fleetStudyBlock },
  { name: 'pacing-fleet-setup', source: 'bench/pacing-fleet.json', render: pacingFleetSetupBlock },
  { name: 'pacing-fleet', source: 'bench/pacing-fleet.json', render: pacingFleetBlock },
  { name: 'chaos-setup', source: 'bench/chaos.json', render: chaosSetupBlock },
  { name: 'chaos', source: 'bench/chaos.json', render: chaosBlock },
];

/** A tracked result file, parsed. @param {string} source a path from the repository's root */
export const readResults = (source) => JSON.parse(readFileSync(new URL(source, ROOT), 'utf8'));

/** What `npm pack --dry-run` says of the package as built now: its files and the tarball's size. */
export function packageBlock() {
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  return `${pack.entryCount} files, a ${Math.round(pack.size / 1000)} kB tarball`;
}

/** The text between a block's markers, or undefined when the README lacks them. @param {string} readme @param {string} name */
export function figureBlock(readme, name) {
  const start = `<!-- figures:${name} -->`;
  const from = readme.indexOf(start);
  const to = readme.indexOf(`<!-- /figures:${name} -->`);
  return from === -1 || to < from ? undefined : readme.slice(from + start.length, to);
}

/** @param {string} readme @param {string} name @param {string} content */
function replaceBlock(readme, name, content) {
  const start = `<!-- figures:${name} -->`;
  if (figureBlock(readme, name) === undefined) throw new Error(`README.md lacks the ${start} ... <!-- /figures:${name} --> markers`);
  return `${readme.slice(0, readme.indexOf(start) + start.length)}${content}${readme.slice(readme.indexOf(`<!-- /figures:${name} -->`))}`;
}

/**
 * The README with every figure block filled from its tracked file (and the package's size, when
 * `withPackage`); the same README when nothing changed, so running it twice changes nothing.
 * @param {string} readme @param {{ withPackage?: boolean }} [options]
 */
export function fillFigures(readme, options = {}) {
  let out = readme;
  for (const figure of FIGURES) out = replaceBlock(out, figure.name, figure.render(readResults(figure.source)));
  if (options.withPackage) out = replaceBlock(out, 'package', packageBlock());
  return out;
}
