import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import type { ResultRow } from '../measure.js';

/** One row of the bundle-size scenario: what a bundler ships for one import, on one platform. */
export interface BundleRow extends ResultRow {
  readonly platform: Platform;
  /** esbuild's output, minified, in bytes. */
  readonly minifiedBytes: number;
  /** The same, gzipped at level 9, in bytes: the figure the ratio and the goal are about. */
  readonly gzipBytes: number;
  /** Whether the bundle runs where only the web platform's globals exist (no `process`, no `setImmediate`), or why not. */
  readonly loads: string;
}

type Platform = 'browser' | 'neutral';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Issue #12: `withRetry` + `mwsPolicy`, minified and gzipped, at most 4 kB. */
const MINIMAL_GOAL_BYTES = 4096;

/**
 * Each import as a user writes it, and uses it: every imported name reaches an export of the
 * entry, so the bundler can drop nothing the user asked for.
 */
const CONTENDERS: readonly { readonly name: string; readonly source: string; readonly goalBytes?: number }[] = [
  {
    name: 'p-retry (baseline)',
    source: `import pRetry from 'p-retry';
export const call = (url) => pRetry(() => fetch(url), { retries: 4 });`,
  },
  {
    name: 'cockatiel minimal',
    source: `import { retry, handleAll, ExponentialBackoff } from 'cockatiel';
const policy = retry(handleAll, { maxAttempts: 4, backoff: new ExponentialBackoff() });
export const call = (url) => policy.execute(() => fetch(url));`,
  },
  {
    name: 'retry-table minimal (withRetry + mwsPolicy)',
    source: `import { withRetry, mwsPolicy } from 'retry-table';
export const call = withRetry(mwsPolicy)((url) => fetch(url));`,
    goalBytes: MINIMAL_GOAL_BYTES,
  },
  {
    name: 'retry-table withRetry + scraperPolicy',
    source: `import { withRetry, scraperPolicy } from 'retry-table';
export const call = withRetry(scraperPolicy)((url) => fetch(url));`,
  },
  {
    name: 'retry-table full (import * as rt)',
    source: `import * as rt from 'retry-table';
export const all = rt;`,
  },
];

/**
 * The bytes a user's bundle carries for each import: esbuild (the JS API, the version installed
 * here), `--bundle --minify --format=esm --target=es2022`, for `--platform=browser` and
 * `--platform=neutral`, then gzip level 9, all in memory. retry-table is resolved by its name
 * through the built package's `exports` (dist/, rebuilt first when older than the sources), as a
 * user's project resolves it; one more row bundles the minimal import from the sources, where each
 * module is its own unit for `sideEffects: false`, and names the modules that weigh most. Ratios
 * are to p-retry's gzipped size on the same platform. Each bundle is also run once, as a script,
 * with only the web platform's globals (`loads`).
 */
export async function bundleSize(): Promise<BundleRow[]> {
  const rebuilt = ensureFreshDist();
  const head = `esbuild ${version('esbuild')}, p-retry ${version('p-retry')}, cockatiel ${version('cockatiel')}${rebuilt ? '; dist/ rebuilt first (older than src/)' : ''}`;
  const rows: BundleRow[] = [];
  for (const platform of ['browser', 'neutral'] as const) {
    const scenario = `bundle size, --platform=${platform} (esbuild minified, gzip -9)`;
    const measured = [];
    for (const contender of CONTENDERS) measured.push({ contender, ...(await bundle(contender.source, platform)) });
    const baseline = measured[0]!.gzipBytes;
    for (const [i, { contender, minifiedBytes, gzipBytes, loads, note }] of measured.entries()) {
      const goal = contender.goalBytes === undefined ? {} : { goal: `≤ ${contender.goalBytes / 1024} kB gzip`, met: gzipBytes <= contender.goalBytes ? 'yes' : 'no' } as const;
      const notes = [i === 0 ? head : undefined, note].filter((text) => text !== undefined).join('; ');
      rows.push({ scenario, contender: contender.name, ratio: gzipBytes / baseline, platform, minifiedBytes, gzipBytes, loads, ...goal, ...(notes === '' ? {} : { note: notes }) });
    }
    const fromSource = await bundle(CONTENDERS[2]!.source, platform, { 'retry-table': join(ROOT, 'src/index.ts') });
    rows.push({
      scenario,
      contender: 'retry-table minimal, from src/ (module by module)',
      ratio: fromSource.gzipBytes / baseline,
      platform,
      minifiedBytes: fromSource.minifiedBytes,
      gzipBytes: fromSource.gzipBytes,
      loads: fromSource.loads,
      note: `heaviest modules (minified bytes): ${heaviest(fromSource.metafile, 6)}`,
    });
  }
  return rows;
}

interface Bundled {
  readonly minifiedBytes: number;
  readonly gzipBytes: number;
  readonly loads: string;
  readonly metafile: Metafile;
  readonly note?: string;
}

async function bundle(source: string, platform: Platform, alias?: Record<string, string>): Promise<Bundled> {
  const options: BuildOptions = {
    stdin: { contents: source, resolveDir: ROOT, sourcefile: 'entry.js', loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform,
    write: false,
    metafile: true,
    logLevel: 'silent',
    ...(alias === undefined ? {} : { alias }),
  };
  let note: string | undefined;
  let result;
  try {
    result = await build(options);
  } catch (error) {
    // --platform=neutral reads no main fields: a package without an `exports` map (cockatiel) needs them.
    if (platform !== 'neutral') throw error;
    result = await build({ ...options, mainFields: ['module', 'main'] });
    note = 'needs --main-fields=module,main on --platform=neutral (no exports map)';
  }
  const code = result.outputFiles![0]!.contents;
  // The same bundle as a script, run once: bundling is not enough if loading it throws in a browser.
  const script = await build({ ...options, ...(note === undefined ? {} : { mainFields: ['module', 'main'] }), format: 'iife', metafile: false });
  const loads = runsOnTheWebPlatform(script.outputFiles![0]!.text);
  return { minifiedBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, loads, metafile: result.metafile!, ...(note === undefined ? {} : { note }) };
}

/**
 * Runs a script in a context holding only globals a browser has too (timers, fetch, abort,
 * URL, text coding, crypto, performance): 'yes', or 'no' and the error it threw at load.
 */
function runsOnTheWebPlatform(script: string): string {
  const { setTimeout, clearTimeout, setInterval, clearInterval, queueMicrotask, structuredClone, AbortController, AbortSignal, fetch, Request, Response, Headers, URL, URLSearchParams, TextEncoder, TextDecoder, Event, EventTarget, DOMException, crypto, performance, console } = globalThis;
  const web = { setTimeout, clearTimeout, setInterval, clearInterval, queueMicrotask, structuredClone, AbortController, AbortSignal, fetch, Request, Response, Headers, URL, URLSearchParams, TextEncoder, TextDecoder, Event, EventTarget, DOMException, crypto, performance, console };
  try {
    runInContext(script, createContext({ ...web }));
    return 'yes';
  } catch (error) {
    return `no (${String(error)})`;
  }
}

/** The `count` inputs that put the most bytes into the output, e.g. `run/engine-call.ts 3908`. */
function heaviest(metafile: Metafile, count: number): string {
  const inputs = Object.values(metafile.outputs)[0]!.inputs;
  return Object.entries(inputs)
    .sort(([, a], [, b]) => b.bytesInOutput - a.bytesInOutput)
    .slice(0, count)
    .map(([path, { bytesInOutput }]) => `${path.replace(/^src\//, '')} ${bytesInOutput}`)
    .join(', ');
}

/**
 * Rebuilds dist/ (tsup, as `npm run build` does, without first removing it) when it is missing or
 * older than a source or the build's configuration, so the figures are those of the package built
 * from this tree. CI builds before the benchmark, so there this only checks.
 */
function ensureFreshDist(): boolean {
  const built = mtime(join(ROOT, 'dist/index.js'));
  const newest = Math.max(newestIn(join(ROOT, 'src')), mtime(join(ROOT, 'tsup.config.ts')), mtime(join(ROOT, 'package.json')));
  if (built !== 0 && built >= newest) return false;
  execFileSync('npx', ['tsup', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  return true;
}

function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : mtime(path));
  }
  return newest;
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** An installed package's version, from its package.json (read directly: not every `exports` map lists it). */
function version(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
